/* Registration form enhancements (the form works without them):
 * - the error summary takes focus so screen readers announce it;
 * - step 3: choosing a province filters the office list in place (no reload, nothing
 *   typed is lost); the "filter" button of the no-JS GET form is hidden.
 * Photos (step 2) are handled by photos.js; QR scanning on step 1 by scan.js.
 */
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector("[data-testid=error-summary]");
    if (summary) { summary.focus(); }
  }

  function officeFilter() {
    var filterForm = document.querySelector("[data-province-filter]");
    var province = document.getElementById("id_province");
    var office = document.getElementById("id_office");
    var template = document.getElementById("office-options");
    if (!filterForm || !province || !office || !template) { return; }
    var button = filterForm.querySelector("[data-province-filter-submit]");
    if (button) { button.hidden = true; }
    var hiddenProvince = document.querySelector("[data-testid=office-form] input[name=province]");
    var all = Array.prototype.slice.call(template.content.querySelectorAll("option"));

    province.addEventListener("change", function () {
      var code = province.value;
      var selected = office.value;
      while (office.options.length > 1) { office.remove(1); }
      all.forEach(function (option) {
        if (!code || option.getAttribute("data-province") === code) {
          var copy = option.cloneNode(true);
          copy.selected = copy.value === selected;
          office.appendChild(copy);
        }
      });
      if (office.value !== selected) { office.selectedIndex = 0; }
      if (hiddenProvince) { hiddenProvince.value = code; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    officeFilter();
  });
})();
