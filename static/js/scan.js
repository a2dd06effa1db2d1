/* QR scan helper for the registration forms. Progressive enhancement: without JavaScript the
 * form posts the photo to its own no-JS scan view; with it:
 *
 * - "Quét mã QR bằng camera" (includes/scan_live.html) opens the camera inside the page and
 *   reads the QR code from the video: the browser's BarcodeDetector where it exists, else
 *   zxing-cpp compiled to WebAssembly (static/vendor/zxing-wasm, built by `make setup`,
 *   loaded only when needed). Only the code's raw bytes go to the server, which decodes
 *   them by the same rules as a photo's (UTF-8, strict). Camera refused or absent: a clear
 *   message, and the photo controls below stay;
 * - choosing a photo: read in the page by BarcodeDetector when the browser has one; else the
 *   photo is shrunk here (1280 px grey JPEG) and read by the server, as before; when the
 *   server finds no code in that, once more with a 2400 px copy;
 * - the answer fills the form in place, and the errors of the fields it filled are cleared.
 *
 * CONTRACT (for the templates that use it; load image-shrink.js, then this, with defer):
 *
 *   <section data-scan-form>                        container (optional; default: the form)
 *     <div data-scan-live data-scan-kind=".." data-scan-fields=".."
 *          data-zxing-script=".." data-zxing-wasm="..">   optional: live camera scan
 *     <input type="file" accept="image/*"
 *            data-scan-kind="cccd|bhyt"             which card; sent as `kind`
 *            data-scan-url="/api/v1/scan/"          optional, this is the default
 *            data-scan-target-prefix=""             optional: fill fields named prefix + name
 *            data-scan-fields="full_name bhxh_code" optional: which fields to fill
 *     >
 *     <button class="scan-submit">..</button>       no-JS fallback buttons: hidden by this
 *     <p role="status" aria-live="polite" data-scan-status></p>   where results are said
 *   </section>
 *
 * - The API answers 200 {"kind", "fields"} or 400 {"image"|"payload": [msg]}.
 * - Fields filled, found by `name` inside the form (prefix applied):
 *     cccd: id_number, full_name, date_of_birth, sex, address (and id_type = "cccd")
 *     bhyt: bhxh_code, full_name, date_of_birth, sex
 *   A date of birth goes into a text field as dd/mm/yyyy (a year alone as it is), into an
 *   <input type=date> as yyyy-mm-dd (a year alone does not fill it). Selects and radio
 *   groups get the value (sex is "M"/"F"). `input` and `change` are fired on each field.
 */
(function () {
  "use strict";

  var MAX_BYTES = 15 * 1024 * 1024;
  // Most photos of a card's QR code read at 1280 px (0.1-0.2 MB); a code that fills little
  // of the picture needs more: measured on generated phone photos, 1280 px reads 35 in 40,
  // 2400 px as many as the full 12 MP picture (37), at a fifth of its weight.
  var QR_PHOTO_SIDE = 1280;
  var QR_RETRY_SIDE = 2400;
  var FRAME_SIDE = 960;
  var FRAME_INTERVAL_MS = 250;
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
      network: "Không gửi được. Hãy kiểm tra kết nối mạng và thử lại.",
      busy: "Bạn đã quét quá nhiều lần. Vui lòng thử lại sau.",
      opening: "Đang mở camera…",
      looking: "Đưa mã QR vào giữa khung hình…",
      denied: "Bạn chưa cho phép trang dùng camera. Hãy cho phép trong cài đặt của trình duyệt, hoặc chọn ảnh chụp mã QR bên dưới.",
      noCamera: "Không mở được camera trên thiết bị này. Hãy chọn ảnh chụp mã QR bên dưới.",
      noReader: "Trình duyệt này không đọc được mã QR từ camera. Hãy chọn ảnh chụp mã QR bên dưới."
    },
    en: {
      reading: "Reading the QR code…",
      filled: "The QR code was read and these fields filled in: %s. Please check them.",
      nothing: "The QR code holds nothing to fill in.",
      tooLarge: "The image is too large: 15 MB at most.",
      network: "It could not be sent. Check the connection and try again.",
      busy: "Too many scans. Please try again later.",
      opening: "Opening the camera…",
      looking: "Hold the QR code in the middle of the picture…",
      denied: "The page may not use the camera. Allow it in the browser's settings, or choose a photo of the QR code below.",
      noCamera: "The camera could not be opened on this device. Choose a photo of the QR code below.",
      noReader: "This browser cannot read QR codes from the camera. Choose a photo of the QR code below."
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
    if (!label) { return field.name; }
    var copy = label.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".optional"), function (n) { n.remove(); });
    return copy.textContent.replace(/\s*\*\s*$/, "").trim();
  }

  function dateFor(field, value) {
    var iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (field.type === "date") { return iso ? value : null; }
    return iso ? iso[3] + "/" + iso[2] + "/" + iso[1] : value;
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
    if (/date_of_birth$/.test(name)) {
      value = dateFor(first, value);
      if (value === null) { return null; }
    }
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

  // The errors shown for a field the scan has just filled no longer hold: remove them,
  // and the error summary when nothing is left in it.
  function clearErrors(field) {
    var id = field.id;
    var holder = field.closest && field.closest(".form-field, fieldset");
    if (holder) {
      holder.classList.remove("field-error");
      Array.prototype.forEach.call(holder.querySelectorAll(".error-message"), function (n) {
        n.remove();
      });
    }
    field.removeAttribute("aria-invalid");
    var described = (field.getAttribute("aria-describedby") || "").split(/\s+/)
      .filter(function (ref) { return ref && document.getElementById(ref); });
    if (described.length) {
      field.setAttribute("aria-describedby", described.join(" "));
    } else {
      field.removeAttribute("aria-describedby");
    }
    var summary = document.querySelector(".error-summary");
    if (!summary || !id) { return; }
    Array.prototype.forEach.call(summary.querySelectorAll("a[href='#" + id + "']"), function (a) {
      var item = a.closest("li");
      if (item) { item.remove(); }
    });
    if (!summary.querySelector("li")) { summary.remove(); }
  }

  function say(status, text, isError) {
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("scan-status-error", Boolean(isError));
  }

  function base64(bytes) {
    var text = "";
    for (var i = 0; i < bytes.length; i += 1) { text += String.fromCharCode(bytes[i]); }
    return window.btoa(text);
  }

  // BarcodeDetector gives text, not bytes. A reader that took UTF-8 bytes for Latin-1
  // gives characters that are all below 256: their Latin-1 bytes are then the code's own.
  function bytesOfText(text) {
    var latin = true;
    var high = false;
    for (var i = 0; i < text.length; i += 1) {
      var code = text.charCodeAt(i);
      if (code > 255) { latin = false; break; }
      if (code > 127) { high = true; }
    }
    if (latin && high && window.TextDecoder) {
      var bytes = new Uint8Array(text.length);
      for (var j = 0; j < text.length; j += 1) { bytes[j] = text.charCodeAt(j); }
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        return bytes;
      } catch (e) { /* really Latin-1 text: encode it as UTF-8 below */ }
    }
    return new TextEncoder().encode(text);
  }

  function Scanner(form, status) {
    this.form = form;
    this.status = status;
  }

  // Sends a photo (Blob) or the bytes of a code (Uint8Array) to the API and fills the form.
  // Resolves to "filled", "refused" (the server's 400: its message is shown unless
  // options.quiet) or "failed" (network, limit: said).
  Scanner.prototype.send = function (what, options) {
    var self = this;
    var headers = { "X-CSRFToken": csrfToken(this.form), "Accept": "application/json",
                    "Accept-Language": lang };
    var body;
    if (what instanceof Uint8Array) {
      var json = { payload: base64(what) };
      if (options.kind) { json.kind = options.kind; }
      body = JSON.stringify(json);
      headers["Content-Type"] = "application/json";
    } else {
      body = new FormData();
      body.append("image", what, what.name || "qr.jpg");
      if (options.kind) { body.append("kind", options.kind); }
    }
    say(this.status, TEXT.reading, false);
    return fetch(options.url || "/api/v1/scan/", {
      method: "POST", body: body, credentials: "same-origin", headers: headers
    }).then(function (response) {
      if (response.status === 429) { throw { message: TEXT.busy }; }
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var messages = data.payload || data.image || data.kind ||
            (data.detail ? [data.detail] : null);
          throw { message: messages ? [].concat(messages)[0] : TEXT.network,
                  refused: response.status === 400 };
        }
        return data;
      });
    }).then(function (data) {
      self.fill(data, options);
      return "filled";
    }).catch(function (error) {
      var refused = Boolean(error && error.refused);
      if (!(refused && options.quiet)) {
        say(self.status, (error && error.message) || TEXT.network, true);
      }
      return refused ? "refused" : "failed";
    });
  };

  Scanner.prototype.fill = function (data, options) {
    var form = this.form;
    var prefix = options.prefix || "";
    var names = options.fields && options.fields.length ? options.fields
      : (FIELDS[data.kind] || []);
    var filled = [];
    names.forEach(function (name) {
      var value = data.fields && data.fields[name];
      if (!value) { return; }
      var field = setValue(form, prefix + name, value);
      if (field) {
        filled.push(labelOf(field));
        clearErrors(field);
      }
    });
    if (data.kind === "cccd" && filled.length) {
      var idType = setValue(form, prefix + "id_type", "cccd");
      if (idType) { clearErrors(idType); }
    }
    say(this.status, filled.length ? TEXT.filled.replace("%s", filled.join(", ")) : TEXT.nothing,
        !filled.length);
  };

  // --- reading a code in the page ---------------------------------------------------------

  var zxingLoading = null;

  function barcodeDetector() {
    if (!("BarcodeDetector" in window)) { return Promise.resolve(null); }
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      return formats.indexOf("qr_code") >= 0 ? new window.BarcodeDetector({ formats: ["qr_code"] })
        : null;
    }).catch(function () { return null; });
  }

  function loadZxing(live) {
    if (!zxingLoading) {
      zxingLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = live.getAttribute("data-zxing-script");
        script.onload = function () { resolve(window.ZXingWASM); };
        script.onerror = reject;
        document.head.appendChild(script);
      }).then(function (zxing) {
        var wasm = live.getAttribute("data-zxing-wasm");
        zxing.prepareZXingModule({
          overrides: {
            locateFile: function (path, prefix) {
              return /\.wasm$/.test(path) ? wasm : prefix + path;
            }
          },
          fireImmediately: true
        });
        return zxing;
      });
      zxingLoading.catch(function () { zxingLoading = null; });
    }
    return zxingLoading;
  }

  // A function frame -> Promise<Uint8Array|null>, from what this browser has.
  function frameReader(live) {
    return barcodeDetector().then(function (detector) {
      if (detector) {
        return function (source) {
          return detector.detect(source).then(function (codes) {
            return codes.length && codes[0].rawValue ? bytesOfText(codes[0].rawValue) : null;
          });
        };
      }
      if (!window.WebAssembly) { return null; }
      return loadZxing(live).then(function (zxing) {
        var canvas = document.createElement("canvas");
        var options = { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1 };
        return function (video) {
          var scale = Math.min(1, FRAME_SIDE / Math.max(video.videoWidth, video.videoHeight));
          canvas.width = Math.round(video.videoWidth * scale);
          canvas.height = Math.round(video.videoHeight * scale);
          var context = canvas.getContext("2d", { willReadFrequently: true });
          context.drawImage(video, 0, 0, canvas.width, canvas.height);
          var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
          return zxing.readBarcodes(pixels, options).then(function (results) {
            var hit = results.filter(function (r) { return r.isValid && r.bytes; })[0];
            return hit ? new Uint8Array(hit.bytes) : null;
          });
        };
      });
    });
  }

  function LiveScan(live, scanner) {
    this.live = live;
    this.scanner = scanner;
    this.panel = live.querySelector("[data-scan-live-panel]");
    this.video = live.querySelector("[data-scan-live-video]");
    this.start = live.querySelector("[data-scan-live-start]");
    this.stream = null;
    this.timer = null;
    this.options = {
      kind: live.getAttribute("data-scan-kind") || "",
      fields: (live.getAttribute("data-scan-fields") || "").split(/\s+/).filter(Boolean)
    };
  }

  LiveScan.prototype.init = function () {
    var self = this;
    this.live.hidden = false;
    this.start.addEventListener("click", function () { self.open(); });
    this.live.querySelector("[data-scan-live-stop]").addEventListener("click", function () {
      self.close();
      self.start.focus();
    });
    window.addEventListener("pagehide", function () { self.close(); });
  };

  LiveScan.prototype.fail = function (text) {
    this.close();
    say(this.scanner.status, text, true);
  };

  LiveScan.prototype.open = function () {
    var self = this;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(this.scanner.status, TEXT.noCamera, true);
      return;
    }
    say(this.scanner.status, TEXT.opening, false);
    // The reader loads while the citizen answers the camera prompt.
    var reader = frameReader(this.live).catch(function () { return null; });
    this.start.disabled = true;
    navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 },
               height: { ideal: 720 } }
    }).then(function (stream) {
      self.stream = stream;
      return reader.then(function (read) {
        if (!self.stream) { return; }
        if (!read) { self.fail(TEXT.noReader); return; }
        self.video.srcObject = stream;
        self.panel.hidden = false;
        self.start.hidden = true;
        return self.video.play().then(function () {
          say(self.scanner.status, TEXT.looking, false);
          self.watch(read);
        });
      });
    }, function (error) {
      var name = error && error.name;
      self.fail(name === "NotAllowedError" || name === "SecurityError" ? TEXT.denied
        : TEXT.noCamera);
    }).catch(function () {
      self.fail(TEXT.noCamera);
    }).then(function () {
      self.start.disabled = false;
    });
  };

  LiveScan.prototype.watch = function (read) {
    var self = this;
    var tick = function () {
      if (!self.stream) { return; }
      var ready = self.video.readyState >= 2 && self.video.videoWidth > 0;
      var attempt = ready ? read(self.video) : Promise.resolve(null);
      attempt.catch(function () { return null; }).then(function (bytes) {
        if (!self.stream) { return; }
        if (bytes && bytes.length) {
          self.close();
          self.scanner.send(bytes, self.options);
          return;
        }
        self.timer = window.setTimeout(tick, FRAME_INTERVAL_MS);
      });
    };
    tick();
  };

  LiveScan.prototype.close = function () {
    if (this.timer) { window.clearTimeout(this.timer); this.timer = null; }
    if (this.stream) {
      this.stream.getTracks().forEach(function (track) { track.stop(); });
    }
    this.stream = null;
    this.video.srcObject = null;
    this.panel.hidden = true;
    this.start.hidden = false;
  };

  // --- a photo chosen ---------------------------------------------------------------------

  function shrink(file, side) {
    return window.vssidShrinkImage ? window.vssidShrinkImage(file, side, 0.85, true)
      : Promise.resolve(null);
  }

  function scanPhoto(input, scanner) {
    var file = input.files && input.files[0];
    if (!file) { return; }
    input.value = "";  // the photo is not sent again with the form
    if (file.size > MAX_BYTES) {
      say(scanner.status, TEXT.tooLarge, true);
      return;
    }
    var options = {
      kind: input.getAttribute("data-scan-kind") || "",
      url: input.getAttribute("data-scan-url") || "",
      prefix: input.getAttribute("data-scan-target-prefix") || "",
      fields: (input.getAttribute("data-scan-fields") || "").split(/\s+/).filter(Boolean)
    };
    say(scanner.status, TEXT.reading, false);
    input.setAttribute("aria-busy", "true");
    barcodeDetector().then(function (detector) {
      if (!detector || !window.createImageBitmap) { return null; }
      return createImageBitmap(file).then(function (bitmap) {
        return detector.detect(bitmap).then(function (codes) {
          return codes.length && codes[0].rawValue ? bytesOfText(codes[0].rawValue) : null;
        });
      }).catch(function () { return null; });
    }).then(function (bytes) {
      if (bytes) { return scanner.send(bytes, options); }
      // A small grey copy first (most codes read at 1280 px); a code that is small in the
      // picture may need more pixels: one more try with a larger copy before giving up.
      return shrink(file, QR_PHOTO_SIDE).then(function (small) {
        if (!small) { return scanner.send(file, options); }
        var quiet = Object.assign({ quiet: true }, options);
        return scanner.send(small, quiet).then(function (outcome) {
          if (outcome !== "refused") { return outcome; }
          return shrink(file, QR_RETRY_SIDE).then(function (larger) {
            return scanner.send(larger || file, options);
          });
        });
      });
    }).then(function () {
      input.removeAttribute("aria-busy");
    });
  }

  function init() {
    if (!window.fetch || !window.FormData || !window.Promise) { return; }
    var containers = [];
    Array.prototype.forEach.call(
      document.querySelectorAll("[data-scan-form], form input[type=file][data-scan-kind]"),
      function (element) {
        var container = element.matches("[data-scan-form]") ? element
          : (element.closest("[data-scan-form]") || element.form);
        if (containers.indexOf(container) < 0) { containers.push(container); }
      });
    containers.forEach(function (container) {
      var form = container.closest("form") || container;
      var status = container.querySelector("[data-scan-status]");
      if (!status) {
        status = document.createElement("p");
        status.className = "scan-status";
        status.setAttribute("role", "status");
        status.setAttribute("aria-live", "polite");
        status.setAttribute("data-scan-status", "");
        container.appendChild(status);
      }
      var scanner = new Scanner(form, status);
      Array.prototype.forEach.call(
        container.querySelectorAll(".scan-submit, [data-scan-fallback]"),
        function (button) { button.hidden = true; }
      );
      Array.prototype.forEach.call(container.querySelectorAll("input[type=file][data-scan-kind]"),
        function (input) {
          input.addEventListener("change", function () { scanPhoto(input, scanner); });
          // A large button in the page's language instead of the browser's small control.
          var pick = input.parentNode.querySelector("[data-scan-pick]");
          if (pick) {
            pick.hidden = false;
            input.classList.add("visually-hidden");
            input.tabIndex = -1;
            input.setAttribute("aria-hidden", "true");
            pick.addEventListener("click", function () { input.click(); });
          }
        });
      var live = container.querySelector("[data-scan-live]");
      if (live && navigator.mediaDevices && navigator.mediaDevices.getUserMedia &&
          (("BarcodeDetector" in window) || window.WebAssembly)) {
        new LiveScan(live, scanner).init();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
