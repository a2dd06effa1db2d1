/* window.vssidShrinkImage(file, maxSide, quality, gray) -> Promise<Blob|null>: a JPEG copy of a
 * chosen photo, turned upright from its EXIF orientation and scaled to at most maxSide px on
 * the long side; null when this browser cannot decode the file (HEIC on Chrome, say), in
 * which case the caller sends the original and the server reads it; `gray` drops the
 * colours (a QR code needs none). Used by photos.js (ID photos) and scan.js (a photo of a
 * QR code, before it is sent).
 */
(function () {
  "use strict";

  window.vssidShrinkImage = function (file, maxSide, quality, gray) {
    if (!window.createImageBitmap || !window.HTMLCanvasElement ||
        !HTMLCanvasElement.prototype.toBlob || !window.Promise) {
      return Promise.resolve(null);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      var context = canvas.getContext("2d");
      context.imageSmoothingQuality = "high";
      if (gray) { context.filter = "grayscale(1)"; }
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) { bitmap.close(); }
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          canvas.width = canvas.height = 0;  // frees the pixels at once on a small phone
          resolve(blob);
        }, "image/jpeg", quality);
      });
    }).catch(function () { return null; });
  };
})();
