// Roost's progressive enhancement. Every page works without this file; with it:
// - the compose box counts characters as the server does (twitter-text weights),
// - like / repost / bookmark / follow buttons update in place,
// - the home timeline offers new posts as they arrive (streaming, or polling as a fallback).
// No dependencies, no inline script (the Content-Security-Policy forbids it).
"use strict";

(function () {
  // --- Character counter -------------------------------------------------------------
  var URL_RE = /\bhttps?:\/\/[^\s<>"]+|\bwww\.[^\s<>"]+/gi;
  var EMOJI_RE = /(?:\p{Regional_Indicator}{2}|\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier}|\u200D\p{Extended_Pictographic})*)/gu;

  function weight(cp) {
    if (cp <= 0x10ff || (cp >= 0x2000 && cp <= 0x200d) || (cp >= 0x2010 && cp <= 0x201f) ||
        (cp >= 0x2032 && cp <= 0x2037)) {
      return 1;
    }
    return 2;
  }

  // twitter-text v3's weighted length: URLs weigh 23, each emoji 2, CJK and most other
  // scripts 2, Latin and the like 1. The server's count is the one that decides.
  function weightedLength(text) {
    text = text.normalize("NFC");
    var total = 0;
    text = text.replace(URL_RE, function () { total += 23; return ""; });
    text = text.replace(EMOJI_RE, function () { total += 2; return ""; });
    for (var ch of text) total += weight(ch.codePointAt(0));
    return total;
  }

  function format(template, n) {
    return template.replace("{n}", n.toLocaleString(document.documentElement.lang || undefined));
  }

  function setupCounter(textarea) {
    var counter = document.getElementById(textarea.dataset.counter);
    if (!counter) return;
    var form = textarea.form;
    var max = parseInt(textarea.dataset.max, 10) || 500;
    var cw = form.querySelector('[data-counted="' + textarea.id + '"]');
    var announce = form.querySelector("[data-announce]");
    var submit = form.querySelector('button[type="submit"]');
    var lastState = "";
    function update() {
      var used = weightedLength(textarea.value) + (cw ? weightedLength(cw.value) : 0);
      var left = max - used;
      var over = left < 0;
      counter.textContent = over ? format(counter.dataset.over, -left) : format(counter.dataset.left, left);
      counter.classList.toggle("over", over);
      counter.classList.toggle("near", !over && left <= 20);
      if (over) textarea.setAttribute("aria-invalid", "true");
      else textarea.removeAttribute("aria-invalid");
      if (submit) submit.disabled = over || textarea.value.trim() === "";
      // Speak only when crossing a threshold, not on every key.
      var state = over ? "over" : left <= 20 ? "near" : "ok";
      if (announce && state !== lastState && state !== "ok") announce.textContent = counter.textContent;
      lastState = state;
    }
    textarea.addEventListener("input", update);
    if (cw) cw.addEventListener("input", update);
    update();
  }

  // --- Forms that update in place ----------------------------------------------------
  function post(form) {
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "roost" },
    });
  }

  function parseFragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content;
  }

  function replaceFragment(form, html) {
    var old = form.closest("[data-fragment]");
    var fresh = parseFragment(html).firstElementChild;
    if (!old || !fresh) return false;
    var key = old.dataset.fragment;
    var button = form.querySelector("button");
    var buttonClass = button ? button.className.split(" ")[1] : null;
    // The same post may be on the page twice (a post and a repost of it).
    document.querySelectorAll('[data-fragment="' + key + '"]').forEach(function (el) {
      var copy = fresh.cloneNode(true);
      el.replaceWith(copy);
      if (el === old && buttonClass) {
        var again = copy.querySelector("button." + buttonClass) || copy.querySelector("button");
        if (again) again.focus();
      }
    });
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    var removes = form.dataset.remove && !form.closest(".status-focus");
    if (!form.hasAttribute("data-inplace") && !removes) return;
    event.preventDefault();
    if (form.classList.contains("busy")) return;
    form.classList.add("busy");
    var fallback = function () { form.classList.remove("busy"); HTMLFormElement.prototype.submit.call(form); };
    post(form).then(function (response) {
      if (!response.ok) return fallback();
      if (removes) {
        var key = '[data-fragment="actions-' + form.dataset.remove + '"]';
        document.querySelectorAll(key).forEach(function (el) {
          var article = el.closest("article");
          if (article) article.remove();
        });
        var main = document.getElementById("main");
        if (main) main.focus();
        return;
      }
      return response.text().then(function (html) {
        if (!replaceFragment(form, html)) fallback();
      });
    }).catch(fallback);
  });

  // --- Live home timeline ------------------------------------------------------------
  function newer(a, b) { // ids are decimal strings of 64-bit numbers
    if (!b) return true;
    return a.length !== b.length ? a.length > b.length : a > b;
  }

  function setupHome() {
    var feed = document.getElementById("feed");
    var button = document.querySelector("[data-new-posts]");
    var badge = document.querySelector("[data-badge]");
    if (!feed || !button) return;
    var pending = new Set();
    var baseTitle = document.title;
    var polling = null;

    function top() { return feed.dataset.top || ""; }
    function known(id) { return feed.querySelector('[data-id="' + id + '"]') !== null; }

    function show() {
      var n = pending.size;
      if (n === 0) {
        button.hidden = true;
        document.title = baseTitle;
        return;
      }
      button.textContent = n === 1 ? button.dataset.one : format(button.dataset.many, n);
      button.hidden = false;
      document.title = "(" + n + ") " + baseTitle;
    }

    function offer(id) {
      if (!id || known(id) || !newer(id, top())) return;
      pending.add(id);
      show();
    }

    function insertNew() {
      return fetch("/home/new?since_id=" + encodeURIComponent(top()), {
        credentials: "same-origin",
        headers: { "X-Requested-With": "roost" },
      }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      }).then(function (html) {
        var articles = Array.prototype.slice.call(parseFragment(html).querySelectorAll("article.status"));
        articles = articles.filter(function (a) { return !known(a.dataset.id); });
        var heading = feed.querySelector("h2");
        var anchor = heading ? heading.nextSibling : feed.firstChild;
        articles.forEach(function (a) {
          a.classList.add("is-new");
          a.tabIndex = -1;
          feed.insertBefore(a, anchor);
        });
        if (articles.length) {
          feed.dataset.top = articles[0].dataset.id;
          var empty = feed.querySelector("[data-empty]");
          if (empty) empty.remove();
          articles[0].focus();
        }
        pending.clear();
        show();
      });
    }

    button.addEventListener("click", function () {
      insertNew().catch(function () { window.location.reload(); });
    });

    function poll() {
      fetch("/home/new?since_id=" + encodeURIComponent(top()), {
        credentials: "same-origin",
        headers: { "X-Requested-With": "roost" },
      }).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
        parseFragment(html).querySelectorAll("article.status").forEach(function (a) { offer(a.dataset.id); });
      }).catch(function () {});
    }

    function startPolling() {
      if (polling === null) polling = window.setInterval(poll, 10000);
    }

    if (!("EventSource" in window)) return startPolling();
    var source = new EventSource("/api/v1/streaming/user");
    source.addEventListener("update", function (event) {
      try { offer(JSON.parse(event.data).id); } catch (e) { /* not a status */ }
    });
    source.addEventListener("delete", function (event) {
      var id = String(event.data).trim();
      pending.delete(id);
      show();
      var gone = feed.querySelector('[data-id="' + id + '"]');
      if (gone && !gone.contains(document.activeElement)) gone.remove();
    });
    source.addEventListener("notification", function () {
      if (badge) badge.hidden = false;
    });
    source.addEventListener("error", function () {
      // A closed stream (no streaming here, or signed out) is not retried by the browser.
      if (source.readyState === EventSource.CLOSED) startPolling();
    });
  }

  function init() {
    document.querySelectorAll("textarea[data-counter]").forEach(setupCounter);
    if (document.body.dataset.stream === "home") setupHome();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
