// Media in posts, progressively enhanced: pictures open in a full-size viewer (a <dialog>;
// without this script the link opens the file), and sensitive media show their blurhash
// behind the "Sensitive content" cover (without it, a plain cover).
"use strict";

(function () {
  // --- Blurhash (https://blurha.sh), decoded into a small canvas ----------------------
  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

  function decode83(s) {
    var value = 0;
    for (var i = 0; i < s.length; i++) value = value * 83 + DIGITS.indexOf(s[i]);
    return value;
  }
  function toLinear(v) { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
  function toSrgb(v) {
    v = Math.max(0, Math.min(1, v));
    return Math.round(v <= 0.0031308 ? v * 12.92 * 255 + 0.5 : (1.055 * Math.pow(v, 1 / 2.4) - 0.055) * 255 + 0.5);
  }
  function signPow(v, e) { return (v < 0 ? -1 : 1) * Math.pow(Math.abs(v), e); }

  function drawBlurhash(canvas) {
    var hash = canvas.dataset.blurhash || "";
    if (hash.length < 6) return;
    var size = decode83(hash[0]);
    var nx = (size % 9) + 1, ny = Math.floor(size / 9) + 1;
    if (hash.length !== 4 + 2 * nx * ny) return;
    var maxAc = (decode83(hash[1]) + 1) / 166;
    var colors = [];
    var dc = decode83(hash.slice(2, 6));
    colors.push([toLinear(dc >> 16), toLinear((dc >> 8) & 255), toLinear(dc & 255)]);
    for (var i = 1; i < nx * ny; i++) {
      var ac = decode83(hash.slice(4 + i * 2, 6 + i * 2));
      var q = [Math.floor(ac / (19 * 19)), Math.floor(ac / 19) % 19, ac % 19];
      colors.push(q.map(function (c) { return signPow((c - 9) / 9, 2) * maxAc; }));
    }
    var w = canvas.width, h = canvas.height;
    var ctx = canvas.getContext("2d");
    if (!ctx) return;
    var image = ctx.createImageData(w, h);
    for (var y = 0; y < h; y++) {
      for (var x = 0; x < w; x++) {
        var r = 0, g = 0, b = 0;
        for (var j = 0; j < ny; j++) {
          for (var k = 0; k < nx; k++) {
            var basis = Math.cos((Math.PI * x * k) / w) * Math.cos((Math.PI * y * j) / h);
            var c = colors[k + j * nx];
            r += c[0] * basis; g += c[1] * basis; b += c[2] * basis;
          }
        }
        var p = 4 * (x + y * w);
        image.data[p] = toSrgb(r); image.data[p + 1] = toSrgb(g); image.data[p + 2] = toSrgb(b);
        image.data[p + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
  }

  function drawAll(root) {
    root.querySelectorAll("canvas[data-blurhash]:not([data-drawn])").forEach(function (c) {
      c.setAttribute("data-drawn", "");
      drawBlurhash(c);
    });
  }

  // --- The viewer --------------------------------------------------------------------
  var viewer = null;
  function openViewer(link) {
    if (!viewer) {
      viewer = document.createElement("dialog");
      viewer.className = "media-viewer";
      viewer.setAttribute("aria-modal", "true");
      viewer.innerHTML = '<button type="button" class="btn"></button><img alt=""><p></p>';
      viewer.querySelector("button").textContent = document.body.dataset.closeLabel || "Close";
      viewer.querySelector("button").addEventListener("click", function () { viewer.close(); });
      viewer.addEventListener("click", function (e) { if (e.target === viewer) viewer.close(); });
      document.body.appendChild(viewer);
    }
    var img = link.querySelector("img");
    var alt = img ? img.alt : "";
    viewer.querySelector("img").src = link.dataset.full;
    viewer.querySelector("img").alt = alt;
    viewer.querySelector("p").textContent = alt;
    viewer.setAttribute("aria-label", alt || viewer.querySelector("button").textContent);
    viewer.showModal();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.media-open[data-full]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || typeof HTMLDialogElement !== "function") return;
    event.preventDefault();
    openViewer(link);
  });

  function start() {
    drawAll(document);
    // Posts that arrive later (new posts on the home timeline) bring their own canvases.
    new MutationObserver(function () { drawAll(document); }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
