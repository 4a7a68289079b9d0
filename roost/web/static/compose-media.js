// Attachments in the compose box: each chosen file is uploaded at once (POST /uploads,
// with the page's CSRF token) with a progress bar, then listed with its preview, an alt
// text box and a Remove button; the post names them in hidden `media_ids` fields. Up to
// four images, or one video or audio file, as Mastodon allows.
(function () {
  "use strict";

  function isImage(type) { return type.indexOf("image/") === 0; }

  function setup(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var form = box.closest("form");
    var list = box.querySelector("[data-media-list]");
    var input = box.querySelector("[data-media-input]");
    var add = box.querySelector("[data-media-add]");
    var error = box.querySelector("[data-media-error]");
    var prefix = input.id.replace(/-file$/, "");
    var pending = 0;
    add.hidden = false;

    function token() {
      var field = form.querySelector('input[name="csrf_token"]');
      return field ? field.value : "";
    }
    function show(message) {
      error.textContent = message || "";
      error.hidden = !message;
    }
    function kinds() {
      return Array.prototype.map.call(list.children, function (li) { return li.dataset.kind || "image"; });
    }
    function allowed(files) {
      var have = kinds();
      var types = have.concat(files.map(function (f) { return isImage(f.type) ? "image" : "video"; }));
      if (types.length > 4) return false;
      return types.length === 1 || types.every(function (t) { return t === "image"; });
    }

    // The character counter (app.js) enables Post for a text-less post with media.
    function recount() {
      var text = form.querySelector("textarea[data-counter]");
      if (text) text.dispatchEvent(new Event("input"));
    }

    function fill(li, body) {
      li.textContent = "";
      li.dataset.mediaId = body.id;
      li.dataset.kind = body.type === "image" ? "image" : "video";
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "media_ids";
      hidden.value = body.id;
      var img = document.createElement("img");
      img.src = body.preview_url || "";
      img.alt = "";
      img.width = 96;
      img.height = 96;
      var alt = document.createElement("span");
      alt.className = "compose-media-alt";
      var label = document.createElement("label");
      label.htmlFor = prefix + "-alt-" + body.id;
      label.textContent = box.dataset.altLabel;
      var text = document.createElement("textarea");
      text.id = label.htmlFor;
      text.name = "media_description_" + body.id;
      text.rows = 2;
      text.maxLength = 1500;
      text.placeholder = box.dataset.altHint;
      alt.append(label, text);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn compose-media-remove";
      remove.dataset.mediaRemove = "";
      remove.textContent = box.dataset.removeLabel;
      li.append(hidden, img, alt, remove);
      recount();
      if (pending === 0) text.focus();  // not while other files are still arriving
    }

    function upload(file) {
      var li = document.createElement("li");
      li.className = "compose-media-item uploading";
      li.dataset.kind = isImage(file.type) ? "image" : "video";
      var name = document.createElement("span");
      name.className = "compose-media-name";
      name.textContent = file.name;
      var progress = document.createElement("progress");
      progress.max = 100;
      progress.value = 0;
      progress.setAttribute("aria-label", box.dataset.uploading + " " + file.name);
      li.append(name, progress);
      list.append(li);
      pending += 1;
      var data = new FormData();
      data.append("csrf_token", token());
      data.append("file", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", box.dataset.uploadUrl);
      xhr.responseType = "json";
      xhr.setRequestHeader("X-Requested-With", "roost");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) progress.value = Math.round((event.loaded * 100) / event.total);
      });
      function done() {
        pending -= 1;
        var body = xhr.response || {};
        if (xhr.status === 200 && body.id) {
          li.classList.remove("uploading");
          fill(li, body);
        } else {
          li.remove();
          show(body.error || box.dataset.failed);
        }
      }
      xhr.addEventListener("load", done);
      xhr.addEventListener("error", done);
      xhr.send(data);
    }

    add.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      input.value = "";
      show("");
      if (!files.length) return;
      if (!allowed(files)) return show(box.dataset.tooMany);
      files.forEach(upload);
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-media-remove]");
      if (!button) return;
      var li = button.closest("li");
      var id = li.dataset.mediaId;
      li.remove();
      recount();
      add.focus();
      if (!id) return;
      var data = new FormData();
      data.append("csrf_token", token());
      fetch("/uploads/" + encodeURIComponent(id) + "/delete", {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Requested-With": "roost" },
      }).catch(function () { /* an upload left behind is pruned after a day */ });
    });
    form.addEventListener("submit", function (event) {
      if (pending > 0) {
        event.preventDefault();
        show(box.dataset.wait);
      }
    });
    // Files chosen before this script ran (a slow page) are not lost.
    if (input.files && input.files.length) input.dispatchEvent(new Event("change"));
  }

  function start() { document.querySelectorAll("[data-compose-media]").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
