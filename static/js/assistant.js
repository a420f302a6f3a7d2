// The need-structuring assistant: while a 榜 is written, post the form to the server (same
// origin, with its CSRF token) and show the advice and readiness score it returns beside the
// form; its buttons put a proposed indicator row or tag into the form. Advice only: saving and
// submitting never wait for it. The same panel is rendered with the page for readers without JS.
(function () {
  "use strict";
  var box = document.getElementById("assistant-box");
  var form = document.getElementById("challenge-form");
  var seen = document.getElementById("assistant_seen");
  var live = document.getElementById("assistant-live");
  if (!box || !form || !seen || !window.fetch) { return; }
  var timer = null;
  var last = "";

  function remember(codes) {
    var have = seen.value ? seen.value.split("\n") : [];
    codes.forEach(function (code) {
      if (have.indexOf(code) < 0) { have.push(code); }
    });
    seen.value = have.join("\n");
  }

  function check() {
    var data = new FormData(form);
    data.delete("assistant_seen");
    data.set("challenge_id", box.getAttribute("data-challenge") || "");
    var key = new URLSearchParams(data).toString();
    if (key === last) { return; }
    last = key;
    fetch(box.getAttribute("data-url"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (result) {
        if (!result) { return; }
        var before = box.querySelector("[data-score]");
        box.innerHTML = result.html;
        remember(result.codes || []);
        // The panel is replaced whole; a screen reader hears only the score, and only when it moves.
        if (live && (!before || before.getAttribute("data-score") !== String(result.score))) {
          live.textContent = live.getAttribute("data-label") + " " + result.score + " / 100";
        }
      })
      .catch(function () { /* advisory: the form works without it */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  }

  function setValue(input, value) {
    if (!input) { return; }
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function emptyRow() {
    var rows = form.querySelectorAll(".indicator-row");
    for (var i = 0; i < rows.length; i++) {
      var name = rows[i].querySelector("input[name$='-name']");
      var target = rows[i].querySelector("input[name$='-target']");
      if (name && target && !name.value.trim() && !target.value.trim()) { return rows[i]; }
    }
    var add = document.getElementById("add-indicator");
    if (add) { add.click(); }
    rows = form.querySelectorAll(".indicator-row");
    return rows.length ? rows[rows.length - 1] : null;
  }

  function adopt(button) {
    var row = emptyRow();
    if (!row) { return; }
    setValue(row.querySelector("input[name$='-name']"), button.getAttribute("data-name"));
    setValue(row.querySelector("input[name$='-target']"), button.getAttribute("data-target"));
    setValue(row.querySelector("input[name$='-unit']"), button.getAttribute("data-unit"));
  }

  function addTag(tag) {
    var input = document.getElementById("industry_tags");
    if (!input) { return; }
    var now = input.value.trim();
    setValue(input, now ? now + "，" + tag : tag);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  box.addEventListener("click", function (event) {
    var button = event.target.closest("[data-adopt], [data-tag]");
    if (!button) { return; }
    if (button.hasAttribute("data-adopt")) {
      adopt(button);
    } else {
      addTag(button.getAttribute("data-tag"));
    }
  });
  document.documentElement.classList.add("assistant-live");
})();
