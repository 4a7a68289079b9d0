// Roost's progressive enhancement. Every page works without this file; with it:
// - the compose box counts characters as the server does (twitter-text weights),
// - like / repost / bookmark / follow buttons update in place,
// - the home timeline offers new posts as they arrive (streaming, or polling as a fallback),
// - clicking a post's body opens its thread.
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
      // A post with media may have no text (compose-media.js adds `media_ids` fields).
      var hasMedia = form.querySelector('input[name="media_ids"]') !== null;
      if (submit) submit.disabled = over || (textarea.value.trim() === "" && !hasMedia);
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

    var source = userStream();
    if (source === null) return startPolling();
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
    source.addEventListener("error", function () {
      // A closed stream (no streaming here, or signed out) is not retried by the browser.
      if (source.readyState === EventSource.CLOSED) startPolling();
    });
  }

  // --- A post's body opens its thread, as on Twitter and Mastodon ----------------------
  // Only a click on the body itself: links, buttons, media, a poll's choices and content
  // warnings keep their own meaning. Keyboard users (and pages without this file) have
  // the post's time, a link to the same page.
  var NOT_THE_BODY = "a, button, input, select, textarea, label, summary, video, audio, " +
    "canvas, form, dialog, .media-grid, .actions";

  function openThread(event) {
    if (event.defaultPrevented || event.button !== 0) return;
    var target = event.target;
    if (!(target instanceof Element) || target.closest(NOT_THE_BODY)) return;
    var card = target.closest("article.status");
    if (!card || card.classList.contains("status-focus")) return;
    if (String(window.getSelection() || "") !== "") return; // selecting text, not opening
    var quote = target.closest(".quote-card");
    var link = quote ? quote.querySelector("a.quiet-link") : card.querySelector("a.status-time");
    if (!link) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey) window.open(link.href, "_blank", "noopener");
    else window.location.assign(link.href);
  }

  // --- The user's stream, shared by the live home timeline and the badge -------------
  var stream = null;
  function userStream() {
    if (stream === null && "EventSource" in window) {
      stream = new EventSource("/api/v1/streaming/user");
    }
    return stream;
  }

  // --- Unread notifications badge ----------------------------------------------------
  function setupBadge() {
    var badge = document.querySelector("[data-badge]");
    if (!badge) return;
    var count = badge.querySelector("[data-badge-count]");
    var timer = null;

    function refresh() {
      fetch("/notifications/unread_count", {
        credentials: "same-origin",
        headers: { "X-Requested-With": "roost", "Accept": "application/json" },
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (body) {
        if (!body || typeof body.count !== "number") return;
        badge.hidden = body.count === 0;
        badge.dataset.count = String(body.count);
        if (count) count.textContent = body.count >= 100 ? "99+" : String(body.count);
      }).catch(function () {});
    }

    function soon() { // one refresh for a burst of events
      if (timer === null) timer = window.setTimeout(function () { timer = null; refresh(); }, 250);
    }

    refresh();
    var source = userStream();
    if (source === null) return;
    // On (re)connecting too: what arrived while the stream was not open is counted then.
    source.addEventListener("open", soon);
    source.addEventListener("notification", soon);
    source.addEventListener("notifications_merged", soon);
  }

  function init() {
    document.querySelectorAll("textarea[data-counter]").forEach(setupCounter);
    if (document.body.dataset.stream === "home") setupHome();
    setupBadge();
    document.addEventListener("click", openThread);
    document.documentElement.classList.add("posts-open-on-click");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
