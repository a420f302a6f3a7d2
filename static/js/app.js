// Progressive enhancements only: every form also works without JavaScript.
(function () {
  "use strict";

  // Ask before irreversible actions (buttons and links with data-confirm).
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // Indicator rows: add from the <template>, remove, keep names numbered 0..n-1.
  var rows = document.getElementById("indicator-rows");
  var template = document.getElementById("indicator-template");
  var addButton = document.getElementById("add-indicator");
  if (!rows || !template || !addButton) { return; }

  function renumber() {
    Array.prototype.forEach.call(rows.querySelectorAll(".indicator-row"), function (row, index) {
      row.querySelectorAll("input, label").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(/indicators-(\d+|__index__)-/, "indicators-" + index + "-")); }
        });
      });
    });
  }

  addButton.addEventListener("click", function () {
    rows.appendChild(template.content.cloneNode(true));
    renumber();
    var inputs = rows.querySelectorAll(".indicator-row:last-child input");
    if (inputs.length) { inputs[0].focus(); }
  });

  rows.addEventListener("click", function (event) {
    var button = event.target.closest(".remove-indicator");
    if (!button) { return; }
    var all = rows.querySelectorAll(".indicator-row");
    var row = button.closest(".indicator-row");
    if (all.length === 1) {
      row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    } else {
      row.remove();
    }
    renumber();
  });
})();
