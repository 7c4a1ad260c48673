// Toasts, HTMX error reporting and small helpers. No inline script anywhere (strict CSP):
// everything is wired here from data attributes. Text is only ever set via textContent.
(function () {
  "use strict";
  var TOAST_MS = 6000;

  // htmx copies `style` between swapped elements while settling, an inline style that the
  // CSP (style-src 'self') refuses; no element of ours carries a style attribute.
  if (window.htmx) { window.htmx.config.attributesToSettle = ["class", "width", "height"]; }

  function toasts() { return document.getElementById("toasts"); }

  function dismissLater(toast) {
    if (toast.dataset.timed) { return; }
    toast.dataset.timed = "1";
    if (toast.classList.contains("toast-error")) { return; }  // errors stay until closed
    window.setTimeout(function () { toast.remove(); }, TOAST_MS);
  }

  function showToast(message, kind) {
    var box = toasts();
    if (!box) { return; }
    var toast = document.createElement("div");
    toast.className = "toast toast-" + (kind || "ok");
    toast.setAttribute("role", kind === "error" ? "alert" : "status");
    var text = document.createElement("span");
    text.className = "toast-text";
    text.textContent = message;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", document.body.dataset.msgClose || "Close");
    close.textContent = "×";
    toast.appendChild(text);
    toast.appendChild(close);
    box.appendChild(toast);
    dismissLater(toast);
  }

  function armToasts() {
    var box = toasts();
    if (box) { box.querySelectorAll(".toast").forEach(dismissLater); }
  }

  // The server's words for a failed request: its toasts, else a JSON `detail`.
  function messagesOf(xhr) {
    var body = xhr.responseText || "";
    var found = [];
    try {
      var doc = new DOMParser().parseFromString(body, "text/html");
      doc.querySelectorAll(".toast .toast-text, .form-error").forEach(function (node) {
        var text = (node.textContent || "").trim();
        if (text) { found.push(text); }
      });
    } catch (e) { /* not HTML */ }
    if (!found.length) {
      try {
        var data = JSON.parse(body);
        if (typeof data.detail === "string") { found.push(data.detail); }
        else if (Array.isArray(data.detail)) {
          data.detail.forEach(function (d) {
            found.push(((d.loc || []).slice(-1)[0] || "") + ": " + (d.msg || ""));
          });
        }
      } catch (e) { /* not JSON */ }
    }
    return found;
  }

  // A form that shows its own errors (marked data-swap-invalid) is swapped in on a 422:
  // the answer is the form again, each message beside its field, nothing saved.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var config = evt.detail.requestConfig;
    var elt = (config && config.elt) || evt.detail.elt;
    if (evt.detail.xhr.status === 422 && elt && elt.closest && elt.closest("[data-swap-invalid]")) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", function (evt) {
    var xhr = evt.detail.xhr;
    var found = messagesOf(xhr);
    if (!found.length) {
      found.push((document.body.dataset.msgError || "Error {status}")
        .replace("{status}", String(xhr.status)));
    }
    found.forEach(function (m) { showToast(m, "error"); });
  });

  document.addEventListener("htmx:sendError", function () {
    showToast(document.body.dataset.msgNetwork || "Network error", "error");
  });

  document.addEventListener("htmx:afterSettle", armToasts);
  document.addEventListener("htmx:oobAfterSwap", armToasts);
  document.addEventListener("DOMContentLoaded", armToasts);

  // One-time links and tokens: copied with one click (shown once, so no retyping).
  function copyValue(button) {
    var source = document.querySelector(button.dataset.copy);
    if (!source) { return; }
    var text = (source.textContent || "").trim();
    var done = function () {
      button.classList.add("is-copied");
      if (!button.dataset.label) { button.dataset.label = button.textContent; }
      button.textContent = button.dataset.copied || "OK";
      window.setTimeout(function () {
        button.classList.remove("is-copied");
        button.textContent = button.dataset.label;
      }, 2500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { selectText(source); });
    } else {
      selectText(source);  // plain HTTP: select it, so Ctrl+C copies it
      try { if (document.execCommand("copy")) { done(); } } catch (e) { /* selected */ }
    }
  }

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // A field marked wrong by the server stops saying so as soon as it is edited; the
  // form's summary goes when no marked field is left.
  document.addEventListener("input", function (evt) {
    var field = evt.target;
    if (!(field instanceof Element) || field.getAttribute("aria-invalid") !== "true") { return; }
    field.removeAttribute("aria-invalid");
    var error = document.getElementById(field.name + "-error");
    if (error) { error.remove(); }
    var form = field.closest("form");
    if (form && !form.querySelector('[aria-invalid="true"]')) {
      var summary = form.previousElementSibling;
      if (summary && summary.classList.contains("form-error")) { summary.remove(); }
    }
  });

  document.addEventListener("click", function (evt) {
    var target = evt.target;
    if (!(target instanceof Element)) { return; }
    var close = target.closest(".toast-close");
    if (close) { close.closest(".toast").remove(); return; }
    var copy = target.closest("[data-copy]");
    if (copy) { copyValue(copy); return; }
    var select = target.closest("[data-select]");
    if (select) {
      var form = select.closest("form");
      var on = select.dataset.select === "all";
      document.querySelectorAll('input[name="page_ids"][form="' + form.id + '"]')
        .forEach(function (box) { box.checked = on; });
    }
  });
})();

// Uploads (features/uploads): drop files on a [data-dropzone] label to fill its input,
// list the chosen names, and show the upload's progress on [data-upload] forms.
(function () {
  "use strict";
  function inputOf(zone) { return document.getElementById(zone.getAttribute("for")); }

  function listNames(input) {
    var zone = document.querySelector('[data-dropzone][for="' + input.id + '"]');
    var out = zone && zone.querySelector(".dropzone-files");
    if (!out) { return; }
    var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    out.textContent = names.length > 6 ? names.slice(0, 6).join(", ") + " … (" + names.length + ")"
      : names.join(", ");
  }

  document.addEventListener("dragover", function (evt) {
    var zone = evt.target instanceof Element && evt.target.closest("[data-dropzone]");
    if (!zone) { return; }
    evt.preventDefault();
    zone.classList.add("is-over");
  });
  document.addEventListener("dragleave", function (evt) {
    var zone = evt.target instanceof Element && evt.target.closest("[data-dropzone]");
    if (zone) { zone.classList.remove("is-over"); }
  });
  document.addEventListener("drop", function (evt) {
    var zone = evt.target instanceof Element && evt.target.closest("[data-dropzone]");
    if (!zone) { return; }
    evt.preventDefault();
    zone.classList.remove("is-over");
    var input = inputOf(zone);
    if (input && evt.dataTransfer && evt.dataTransfer.files.length) {
      input.files = evt.dataTransfer.files;
      listNames(input);
    }
  });
  document.addEventListener("change", function (evt) {
    var input = evt.target;
    if (input instanceof HTMLInputElement && input.type === "file") { listNames(input); }
  });
  document.addEventListener("htmx:xhr:progress", function (evt) {
    var form = evt.target instanceof Element && evt.target.closest("[data-upload]");
    var bar = form && form.querySelector(".upload-progress");
    if (!bar || !evt.detail.lengthComputable) { return; }
    bar.hidden = false;
    bar.value = Math.round(100 * evt.detail.loaded / Math.max(1, evt.detail.total));
  });
})();
