/* A declaration shared from the phone (the page works without this):
 * - "Chia sẻ qua ứng dụng nhắn tin" appears where the Web Share API exists: it shares the
 *   PDF file itself where the browser can share files, the signed download link otherwise;
 * - "In tờ khai" prints the page (print styles hide the controls).
 */
(function () {
  "use strict";

  function say(holder, text) {
    var status = holder.querySelector("[data-web-share-status]");
    if (status) { status.textContent = text; }
  }

  function sharePdfOrLink(holder) {
    var title = holder.getAttribute("data-share-title") || document.title;
    var link = holder.getAttribute("data-share-url");
    var pdf = holder.getAttribute("data-share-pdf");
    var name = holder.getAttribute("data-share-filename") || "to-khai.pdf";
    function shareLink() {
      return navigator.share({ title: title, text: title, url: link });
    }
    var attempt;
    if (pdf && window.File && navigator.canShare) {
      attempt = fetch(pdf, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error("pdf " + response.status); }
        return response.blob();
      }).then(function (blob) {
        var file = new File([blob], name, { type: "application/pdf" });
        if (navigator.canShare({ files: [file] })) {
          return navigator.share({ title: title, files: [file] });
        }
        return shareLink();
      }, shareLink);
    } else {
      attempt = shareLink();
    }
    attempt.catch(function (error) {
      if (error && error.name === "AbortError") { return; }
      var lang = document.documentElement.lang || "vi";
      say(holder, lang.indexOf("en") === 0
        ? "Sharing is not available here. Send the declaration by e-mail below."
        : "Không chia sẻ được trên trình duyệt này. Hãy gửi tờ khai qua thư điện tử bên dưới.");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var holders = document.querySelectorAll("[data-web-share]");
    Array.prototype.forEach.call(holders, function (holder) {
      if (!navigator.share) { return; }
      holder.hidden = false;
      var button = holder.querySelector("button");
      button.addEventListener("click", function () { sharePdfOrLink(holder); });
    });
    var print = document.querySelector("[data-print]");
    if (print && window.print) {
      print.hidden = false;
      print.addEventListener("click", function () { window.print(); });
    }
  });
})();
