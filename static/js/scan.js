/* QR scan helper for the registration form. Progressive enhancement: without
 * JavaScript the form posts the photo to its own no-JS scan view; with it, choosing or
 * taking a photo reads the QR straight away through the API and fills the form in place.
 *
 * CONTRACT (for the templates that use it; load with <script src="..." defer>):
 *
 *   <section data-scan-form>                        container (optional; default: the form)
 *     <input type="file" accept="image/*" capture="environment"
 *            data-scan-kind="cccd|bhyt"             which card; sent as `kind`
 *            data-scan-url="/api/v1/scan/"          optional, this is the default
 *            data-scan-target-prefix=""             optional: fill fields named prefix + name
 *            data-scan-fields="full_name bhxh_code" optional: which fields to fill
 *     >
 *     <button class="scan-submit">..</button>       no-JS fallback buttons: hidden by this
 *     <p role="status" aria-live="polite" data-scan-status></p>   where results are said
 *   </section>
 *
 * - On `change`, the file is POSTed (multipart: image, kind) with the CSRF token taken from
 *   the form's csrfmiddlewaretoken input (or the csrftoken cookie) and the page language
 *   as Accept-Language. The API answers 200 {"kind", "fields"} or 400 {"image": [msg]}.
 * - Fields filled, found by `name` inside the input's <form> (prefix applied):
 *     cccd: id_number, full_name, date_of_birth, sex, address (and id_type = "cccd")
 *     bhyt: bhxh_code, full_name, date_of_birth, sex
 *   A year-only date of birth does not fill an <input type=date>. Selects and radio groups
 *   get the value (sex is "M"/"F"). `input` and `change` events are fired on each field.
 * - The status element gets "reading…", then what was filled, or the server's message
 *   (Vietnamese, or English when <html lang="en">). The file input is cleared after a scan
 *   so the photo is not uploaded again with the form.
 * - Files over 15 MB are refused before upload.
 */
(function () {
  "use strict";

  var MAX_BYTES = 15 * 1024 * 1024;
  var FIELDS = {
    cccd: ["id_number", "full_name", "date_of_birth", "sex", "address"],
    bhyt: ["bhxh_code", "full_name", "date_of_birth", "sex"]
  };
  var lang = (document.documentElement.lang || "vi").slice(0, 2) === "en" ? "en" : "vi";
  var TEXT = {
    vi: {
      reading: "Đang đọc mã QR…",
      filled: "Đã đọc mã QR và điền: %s. Vui lòng kiểm tra lại.",
      nothing: "Mã QR không có thông tin để điền vào tờ khai.",
      tooLarge: "Ảnh quá lớn: tối đa 15 MB.",
      network: "Không gửi được ảnh. Hãy kiểm tra kết nối mạng và thử lại.",
      busy: "Bạn đã quét quá nhiều lần. Vui lòng thử lại sau."
    },
    en: {
      reading: "Reading the QR code…",
      filled: "The QR code was read and these fields filled in: %s. Please check them.",
      nothing: "The QR code holds nothing to fill in.",
      tooLarge: "The image is too large: 15 MB at most.",
      network: "The picture could not be sent. Check the connection and try again.",
      busy: "Too many scans. Please try again later."
    }
  }[lang];

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && input.value) { return input.value; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function labelOf(field) {
    var label = field.id && document.querySelector("label[for='" + field.id + "']");
    if (!label && field.closest) {
      var fieldset = field.closest("fieldset");
      label = fieldset && fieldset.querySelector("legend");
    }
    return label ? label.textContent.replace(/\s*\*\s*$/, "").trim() : field.name;
  }

  function setValue(form, name, value) {
    var elements = form.querySelectorAll("[name='" + name + "']");
    if (!elements.length) { return null; }
    var first = elements[0];
    if (first.type === "radio") {
      var hit = null;
      Array.prototype.forEach.call(elements, function (radio) {
        if (radio.value === value) { radio.checked = true; hit = radio; }
      });
      if (!hit) { return null; }
      fire(hit);
      return first;
    }
    if (first.type === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(value)) { return null; }
    if (first.tagName === "SELECT") {
      var known = Array.prototype.some.call(first.options, function (o) { return o.value === value; });
      if (!known) { return null; }
    }
    first.value = value;
    fire(first);
    return first;
  }

  function fire(element) {
    ["input", "change"].forEach(function (type) {
      element.dispatchEvent(new Event(type, { bubbles: true }));
    });
  }

  function say(status, text, isError) {
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("scan-status-error", Boolean(isError));
  }

  function scan(input, container, status) {
    var file = input.files && input.files[0];
    if (!file) { return; }
    if (file.size > MAX_BYTES) {
      say(status, TEXT.tooLarge, true);
      input.value = "";
      return;
    }
    var form = input.form || container.closest("form") || container;
    var kind = input.getAttribute("data-scan-kind") || "";
    var prefix = input.getAttribute("data-scan-target-prefix") || "";
    var wanted = (input.getAttribute("data-scan-fields") || "").split(/\s+/).filter(Boolean);
    var body = new FormData();
    body.append("image", file);
    if (kind) { body.append("kind", kind); }
    say(status, TEXT.reading, false);
    input.setAttribute("aria-busy", "true");
    fetch(input.getAttribute("data-scan-url") || "/api/v1/scan/", {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(form), "Accept": "application/json",
                 "Accept-Language": lang }
    }).then(function (response) {
      if (response.status === 429) { throw { message: TEXT.busy }; }
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var messages = data.image || data.kind || (data.detail ? [data.detail] : null);
          throw { message: messages ? [].concat(messages)[0] : TEXT.network };
        }
        return data;
      });
    }).then(function (data) {
      var names = wanted.length ? wanted : (FIELDS[data.kind] || []);
      var filled = [];
      names.forEach(function (name) {
        var value = data.fields && data.fields[name];
        if (!value) { return; }
        var field = setValue(form, prefix + name, value);
        if (field) { filled.push(labelOf(field)); }
      });
      if (data.kind === "cccd" && filled.length) { setValue(form, prefix + "id_type", "cccd"); }
      say(status, filled.length ? TEXT.filled.replace("%s", filled.join(", ")) : TEXT.nothing,
          !filled.length);
    }).catch(function (error) {
      say(status, (error && error.message) || TEXT.network, true);
    }).then(function () {
      input.removeAttribute("aria-busy");
      input.value = "";
    });
  }

  function init() {
    if (!window.fetch || !window.FormData) { return; }
    var inputs = document.querySelectorAll("input[type=file][data-scan-kind]");
    Array.prototype.forEach.call(inputs, function (input) {
      var container = (input.closest && input.closest("[data-scan-form]")) || input.form ||
        document.body;
      var status = container.querySelector("[data-scan-status]");
      if (!status) {
        status = document.createElement("p");
        status.className = "scan-status";
        status.setAttribute("role", "status");
        status.setAttribute("aria-live", "polite");
        status.setAttribute("data-scan-status", "");
        input.parentNode.insertBefore(status, input.nextSibling);
      }
      Array.prototype.forEach.call(
        container.querySelectorAll(".scan-submit, [data-scan-fallback]"),
        function (button) { button.hidden = true; }
      );
      input.addEventListener("change", function () { scan(input, container, status); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
