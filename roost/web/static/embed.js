// Embedded posts, sized to fit. Optional: an embed reads well without it, in a frame of
// the snippet's width and the browser's default height.
// - In a page that embeds posts (the oEmbed snippet loads this file next to its iframe),
//   it asks each `iframe.mastodon-embed` for its height and sets it (Mastodon's "setHeight"
//   messages, so Mastodon's embeds are sized as well, and ours by Mastodon's script).
// - In an embed (/@name/id/embed), it answers with the height of the post, again whenever
//   that changes (a content warning opened, an image loaded).
// - On the page that gives the snippet, a Copy button copies it.
// It stores nothing and sends nothing but heights.
"use strict";

(function () {
  var MESSAGE = "setHeight";

  function inEmbed() {
    var asked = null;
    function send() {
      if (asked === null) return;
      var height = Math.ceil(document.body.getBoundingClientRect().height);
      window.parent.postMessage({ type: MESSAGE, id: asked, height: height }, "*");
    }
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (event.source !== window.parent || !data || data.type !== MESSAGE) return;
      asked = data.id;
      send();
    });
    if ("ResizeObserver" in window) new ResizeObserver(send).observe(document.body);
  }

  function inHost() {
    if (window.roostEmbeds) return; // the script is in every snippet; one listener will do
    var frames = window.roostEmbeds = new Map();
    var counter = 0;

    window.addEventListener("message", function (event) {
      var data = event.data;
      if (!data || data.type !== MESSAGE || !frames.has(data.id)) return;
      var iframe = frames.get(data.id);
      var height = Number(data.height);
      if (event.source !== iframe.contentWindow || !(height > 0) || height > 100000) return;
      iframe.height = String(Math.ceil(height));
    });

    function scan() {
      document.querySelectorAll("iframe.mastodon-embed").forEach(function (iframe) {
        if (iframe.dataset.embedId) return;
        counter += 1;
        var id = "roost-embed-" + counter;
        iframe.dataset.embedId = id;
        frames.set(id, iframe);
        iframe.scrolling = "no";
        iframe.style.overflow = "hidden";
        function ask() {
          if (iframe.contentWindow) iframe.contentWindow.postMessage({ type: MESSAGE, id: id }, "*");
        }
        iframe.addEventListener("load", ask);
        ask(); // an iframe that loaded before this script
      });
    }

    function setupCopy() {
      document.querySelectorAll("button[data-copy]").forEach(function (button) {
        var field = document.getElementById(button.dataset.copy);
        if (!field || !navigator.clipboard) return;
        button.hidden = false;
        button.addEventListener("click", function () {
          navigator.clipboard.writeText(field.value).then(function () {
            button.textContent = button.dataset.copied;
          }, function () {
            field.select();
          });
        });
      });
    }

    function ready() { scan(); setupCopy(); }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
    else ready();
    window.addEventListener("load", scan);
  }

  if (document.documentElement.hasAttribute("data-roost-embed")) {
    if (window.parent !== window) inEmbed();
  } else {
    inHost();
  }
})();
