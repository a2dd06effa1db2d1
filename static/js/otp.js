// The resend button of an OTP page counts down to the moment a new code may be asked for
// (the server refuses earlier requests anyway and says how long to wait).
(function () {
  "use strict";
  var button = document.querySelector("[data-resend-in]");
  if (!button) {
    return;
  }
  var left = parseInt(button.getAttribute("data-resend-in"), 10) || 0;
  var label = button.getAttribute("data-label");
  var waitLabel = button.getAttribute("data-wait-label");
  function render() {
    if (left > 0) {
      button.disabled = true;
      button.textContent = waitLabel.replace("%(s)s", String(left));
      left -= 1;
      window.setTimeout(render, 1000);
    } else {
      button.disabled = false;
      button.textContent = label;
    }
  }
  render();
})();
