/* Photo steps (self-registration step 2, a child's registration step 2). The form works
 * without this script (the browser's own file controls, a plain multipart POST). With it:
 *
 * - two large buttons per photo, "Chụp ảnh" (camera) and "Chọn ảnh có sẵn" (gallery): the
 *   citizen chooses; no camera is forced;
 * - each chosen photo is decoded here, turned upright from its EXIF orientation, scaled to
 *   at most 1600 px on the long side and re-encoded as JPEG; only that copy is sent, the
 *   original never leaves the phone (a format the browser cannot decode, e.g. HEIC on
 *   Chrome, is sent as it is: the server reads it). The server sanitises whatever arrives;
 * - a preview of each photo chosen;
 * - the form is sent with XMLHttpRequest: a progress bar with the bytes sent, the buttons
 *   disabled while sending, and after a failure "Gửi lại" sends the same photos again;
 * - the server answers a redirect as {"location"} (vssid_portal/script_redirects.py), or
 *   the step again with its errors, whose <main> replaces this one.
 *
 * Texts come from the page (includes/upload_progress.html), translated by Django.
 */
(function () {
  "use strict";

  // The server keeps photos up to 2000 px; 1600 px carries a CCCD's print legibly at two
  // thirds of the bytes, which is what decides the wait on 3G (bench/phone_registration.py).
  var MAX_SIDE = 1600;
  var QUALITY = 0.82;
  var MAX_BYTES = 15 * 1024 * 1024;

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function megabytes(bytes) {
    var lang = (document.documentElement.lang || "vi").slice(0, 2);
    if (bytes < 100 * 1024) { return Math.max(1, Math.round(bytes / 1024)) + " KB"; }
    var value = bytes / (1024 * 1024);
    var text = value.toFixed(value < 10 ? 1 : 0);
    return (lang === "vi" ? text.replace(".", ",") : text) + " MB";
  }

  function shrink(file) {
    return window.vssidShrinkImage ? window.vssidShrinkImage(file, MAX_SIDE, QUALITY)
      : Promise.resolve(null);
  }

  function PhotoStep(form, texts) {
    this.form = form;
    this.texts = texts;
    this.chosen = {};   // field name -> {blob, name} (the copy that will be sent)
    this.pending = {};  // field name -> Promise while a photo is being prepared
    this.sending = false;
    this.lastBody = null;
    this.progress = form.querySelector("[data-upload-progress]");
    this.bar = form.querySelector("[data-upload-bar]");
    this.text = form.querySelector("[data-upload-text]");
    this.retry = form.querySelector("[data-upload-retry]");
  }

  PhotoStep.prototype.init = function () {
    var self = this;
    Array.prototype.forEach.call(this.form.querySelectorAll("[data-photo-field]"), function (field) {
      self.initField(field);
    });
    this.form.addEventListener("submit", function (event) { self.submit(event); });
    this.retry.addEventListener("click", function () { self.send(self.lastBody); });
  };

  PhotoStep.prototype.initField = function (field) {
    var self = this;
    var input = field.querySelector("input[type=file]");
    var actions = field.querySelector("[data-photo-actions]");
    input.classList.add("visually-hidden");
    input.tabIndex = -1;  // the two buttons take the focus instead
    input.setAttribute("aria-hidden", "true");
    actions.hidden = false;
    field.querySelector("[data-photo-camera]").addEventListener("click", function () {
      input.setAttribute("capture", field.getAttribute("data-capture") || "environment");
      input.click();
    });
    field.querySelector("[data-photo-gallery]").addEventListener("click", function () {
      input.removeAttribute("capture");
      input.click();
    });
    input.addEventListener("change", function () { self.choose(field, input); });
  };

  PhotoStep.prototype.choose = function (field, input) {
    var self = this;
    var file = input.files && input.files[0];
    var state = field.querySelector("[data-photo-state]");
    var chosen = field.querySelector("[data-photo-chosen]");
    var name = input.name;
    if (!file) { return; }
    state.classList.remove("photo-state-error");
    if (file.size > MAX_BYTES || (file.type && file.type.indexOf("image/") !== 0)) {
      state.textContent = file.size > MAX_BYTES ? this.texts.tooLarge : this.texts.notImage;
      state.classList.add("photo-state-error");
      input.value = "";
      delete this.chosen[name];
      chosen.hidden = true;
      return;
    }
    state.textContent = this.texts.preparing;
    var job = shrink(file).then(function (blob) {
      var copy = blob ? { blob: blob, name: name + ".jpg" } : { blob: file, name: file.name };
      // The original stays on the phone: the control is emptied, only the copy is sent.
      input.value = "";
      if (self.pending[name] !== job) { return; }  // a newer photo was chosen meanwhile
      delete self.pending[name];
      self.chosen[name] = copy;
      var image = chosen.querySelector("img");
      if (image.src && image.src.indexOf("blob:") === 0) { URL.revokeObjectURL(image.src); }
      image.src = URL.createObjectURL(copy.blob);
      chosen.hidden = false;
      var caption = format(self.texts.chosen, { size: megabytes(copy.blob.size) });
      if (field.querySelector("[data-photo-uploaded]")) { caption += " " + self.texts.replaces; }
      chosen.querySelector("[data-photo-caption]").textContent = caption;
      state.textContent = "";
    });
    this.pending[name] = job;
  };

  PhotoStep.prototype.body = function (submitter) {
    var data = new FormData();
    Array.prototype.forEach.call(this.form.elements, function (element) {
      var type = element.type;
      if (!element.name || element.disabled || type === "file" || type === "submit" ||
          type === "button" || ((type === "checkbox" || type === "radio") && !element.checked)) {
        return;
      }
      data.append(element.name, element.value);
    });
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var chosen = this.chosen;
    Object.keys(chosen).forEach(function (name) {
      data.append(name, chosen[name].blob, chosen[name].name);
    });
    return data;
  };

  PhotoStep.prototype.submit = function (event) {
    var self = this;
    event.preventDefault();
    if (this.sending) { return; }
    var submitter = event.submitter || this.form.querySelector("button[type=submit][value=next]");
    var jobs = Object.keys(this.pending).map(function (name) { return self.pending[name]; });
    this.busy(true);
    this.say(this.texts.preparing, false);
    Promise.all(jobs).then(function () {
      self.lastBody = self.body(submitter);
      self.send(self.lastBody);
    });
  };

  PhotoStep.prototype.busy = function (on) {
    this.sending = on;
    this.progress.hidden = false;
    this.form.setAttribute("aria-busy", on ? "true" : "false");
    Array.prototype.forEach.call(this.form.querySelectorAll("button"), function (button) {
      if (!button.hasAttribute("data-upload-retry")) { button.disabled = on; }
    });
  };

  PhotoStep.prototype.say = function (text, failed) {
    this.text.textContent = text;
    this.text.classList.toggle("upload-progress-error", failed);
    this.retry.hidden = !failed;
  };

  PhotoStep.prototype.send = function (body) {
    var self = this;
    var request = new XMLHttpRequest();
    this.busy(true);
    this.bar.value = 0;
    // form.action would be the buttons named "action": the attribute is the URL.
    request.open("POST", this.form.getAttribute("action") || window.location.href);
    request.setRequestHeader("X-Redirect-As", "json");
    request.upload.onprogress = function (event) {
      if (!event.lengthComputable) { return; }
      self.bar.value = Math.round(100 * event.loaded / event.total);
      self.say(format(self.texts.sending, {
        sent: megabytes(event.loaded), total: megabytes(event.total)
      }), false);
    };
    request.upload.onload = function () {
      self.bar.value = 100;
      self.say(self.texts.checking, false);
    };
    request.onload = function () { self.answered(request); };
    request.onerror = request.ontimeout = request.onabort = function () { self.failed(); };
    request.send(body);
  };

  PhotoStep.prototype.failed = function () {
    this.busy(false);
    Array.prototype.forEach.call(this.form.querySelectorAll("button[type=submit]"), function (b) {
      b.disabled = true;  // "Gửi lại" is the way on, with the same photos
    });
    this.say(this.texts.failed, true);
    this.retry.focus();
  };

  PhotoStep.prototype.answered = function (request) {
    var type = request.getResponseHeader("Content-Type") || "";
    if (request.status === 200 && type.indexOf("application/json") === 0) {
      var location;
      try { location = JSON.parse(request.responseText).location; } catch (e) { location = null; }
      if (location) { window.location.assign(location); return; }
    }
    if (type.indexOf("text/html") === 0 && request.status < 500) {
      // The step again with its errors (or a refusal page): shown in place of this one.
      var page = new DOMParser().parseFromString(request.responseText, "text/html");
      var main = page.querySelector("main");
      if (main) {
        var current = document.querySelector("main");
        current.innerHTML = main.innerHTML;
        if (page.title) { document.title = page.title; }
        start();
        var summary = current.querySelector(".error-summary, [data-testid=error-summary]");
        (summary || current).focus();
        return;
      }
    }
    this.failed();
  };

  function start() {
    var form = document.querySelector("[data-testid=photos-form]");
    var progress = form && form.querySelector("[data-upload-progress]");
    if (!form || !progress || !window.FormData || !window.XMLHttpRequest || !window.URL ||
        !window.DOMParser || !window.Promise) {
      return;
    }
    var data = progress.dataset;
    new PhotoStep(form, {
      preparing: data.textPreparing,
      chosen: data.textChosen,
      replaces: data.textReplaces,
      tooLarge: data.textTooLarge,
      notImage: data.textNotImage,
      sending: data.textSending,
      checking: data.textChecking,
      failed: data.textFailed
    }).init();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
