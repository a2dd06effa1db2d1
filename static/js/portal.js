// Shared behaviour of every page (progressive: the pages work without it).
(function () {
  "use strict";
  // A form came back with errors: move focus to the summary so screen readers announce it
  // and keyboard users start from the list of links to the fields.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }

  // Dates of birth are typed dd/mm/yyyy (registry.forms.BirthDateInput). Once a field is
  // left, or filled by a QR scan, it shows what the server will read, the same way:
  // "5.3.1990", "05031990" (a number pad without "/"), "1990-03-05" -> "05/03/1990". A year
  // alone, or anything else, stays as typed for the server to explain.
  function pad(part) { return part.length === 1 ? "0" + part : part; }
  function birthDate(value) {
    var text = value.trim();
    var m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
    if (m) { return pad(m[3]) + "/" + pad(m[2]) + "/" + m[1]; }
    m = /^(\d{1,2})\s*[\/.\- ]\s*(\d{1,2})\s*[\/.\- ]\s*(\d{4})$/.exec(text) ||
      /^(\d{2})(\d{2})(\d{4})$/.exec(text);
    return m ? pad(m[1]) + "/" + pad(m[2]) + "/" + m[3] : value;
  }
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field && field.hasAttribute && field.hasAttribute("data-birth-date")) {
      var shown = birthDate(field.value);
      if (shown !== field.value) { field.value = shown; }
    }
  });

  // Installable like an app: the service worker (its URL on this script's tag) keeps the
  // portal's CSS, JS and icons, never a page or personal data (vssid_portal/pwa.py).
  // Registered once the page has loaded, so it never competes with the page on 3G.
  var script = document.currentScript;
  var worker = script && script.getAttribute("data-service-worker");
  if (worker && "serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(worker).catch(function () {
        // No worker (private mode, an old browser): the portal works the same without it.
      });
    });
  }
})();
