// Shared behaviour of every page (progressive: the pages work without it).
(function () {
  "use strict";
  // A form came back with errors: move focus to the summary so screen readers announce it
  // and keyboard users start from the list of links to the fields.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
