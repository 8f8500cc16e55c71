/* The pickup desk's QR reader, a progressive enhancement: where the browser has BarcodeDetector and a camera, a
   button reads the receipt's QR code into the receipt-number field; everywhere else the field is typed. */
(function () {
  "use strict";
  var form = document.querySelector(".scan-form");
  if (!form || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  var field = form.querySelector("input[name=receipt_number]");
  var box = form.querySelector(".scanner");
  var video = form.querySelector(".scan-video");
  box.hidden = false;
  form.querySelector("[data-scan]").addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var look = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (track) { track.stop(); });
            video.hidden = true;
            field.value = codes[0].rawValue.trim();
            form.submit();
          } else {
            window.requestAnimationFrame(look);
          }
        }, function () { window.requestAnimationFrame(look); });
      };
      look();
    }, function () { field.focus(); });
  });
}());
