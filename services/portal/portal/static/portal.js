/* Only improvements: every page works without this script. It decodes the NIK as it is typed, fills the
   region lists level by level, previews a chosen file, says a field's rule when it is left wrong, and warns
   two minutes before an idle sign-in ends. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content;

  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin", body: JSON.stringify(body || {}),
      headers: {"Content-Type": "application/json", "X-CSRFToken": token}}).then(function (r) { return r.json(); });
  }

  function nik(form) {
    var input = form.querySelector('input[name="nik"]'), out = document.getElementById("nik-terbaca");
    if (!input || !out || !form.dataset.nikUrl) return;
    function decode() {
      if (!/^[0-9]{16}$/.test(input.value)) { out.textContent = ""; return; }
      post(form.dataset.nikUrl, {nik: input.value}).then(function (d) {
        out.className = "decoded" + (d.valid ? "" : " bad");
        out.textContent = d.valid ? [d.region, d.birth_date, d.gender].filter(Boolean).join(" · ") : d.errors.join(" ");
      }).catch(function () { out.textContent = ""; });
    }
    input.addEventListener("input", decode);
    decode();
  }

  function regions(form) {
    var url = form.dataset.regionsUrl, selects = form.querySelectorAll("select[data-region]");
    if (!url || !selects.length) return;
    Array.prototype.forEach.call(selects, function (select, i) {
      select.addEventListener("change", function () {
        for (var j = i + 1; j < selects.length; j++) { selects[j].length = 0; selects[j].add(new Option("…", "")); }
        var next = selects[i + 1];
        if (!next || !select.value) return;
        fetch(url + "?induk=" + encodeURIComponent(select.value), {credentials: "same-origin"})
          .then(function (r) { return r.json(); }).then(function (d) {
            next.length = 0;
            next.add(new Option(next.dataset.pick || "Pilih", ""));
            d.regions.forEach(function (r) { next.add(new Option(r.name, r.code)); });
          });
      });
      select.dataset.pick = select.options.length ? select.options[0].text : "";
    });
  }

  function previews() {
    Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-preview]"), function (input) {
      var img = document.getElementById(input.dataset.preview);
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        if (!img || !file || !/^image\//.test(file.type)) { if (img) img.hidden = true; return; }
        img.src = URL.createObjectURL(file);
        img.hidden = false;
      });
    });
  }

  function rules() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-error]"), function (input) {
      input.addEventListener("blur", function () {
        var field = input.closest(".field"), wrong = input.value && !new RegExp("^(?:" + input.pattern + ")$").test(input.value);
        var message = field && field.querySelector(".live-error");
        if (wrong && !message && field) {
          message = document.createElement("p");
          message.className = "error-message live-error";
          message.id = input.id + "-langsung";
          input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + message.id).trim());
          input.insertAdjacentElement("beforebegin", message);
        }
        if (message) message.textContent = wrong ? input.dataset.error : "";
      });
    });
  }

  function session() {
    var expires = document.body.dataset.expires, box = document.getElementById("sesi");
    if (!expires || !box) return;
    var timer;
    function plan(at) {
      clearTimeout(timer);
      var warnIn = new Date(at).getTime() - Date.now() - 120000;
      timer = setTimeout(function () { box.hidden = false; document.getElementById("sesi-tetap").focus(); }, Math.max(warnIn, 0));
    }
    document.getElementById("sesi-tetap").addEventListener("click", function () {
      post("/sesi").then(function (d) { box.hidden = true; if (d.expires_at) plan(d.expires_at); });
    });
    plan(expires);
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.forms, function (form) { nik(form); regions(form); });
    previews(); rules(); session();
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  });
})();
