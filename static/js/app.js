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

  // A "select all" box: <input type="checkbox" data-check-all="challenge"> ticks every
  // input[name=challenge] of its form.
  document.addEventListener("change", function (event) {
    var box = event.target.closest("[data-check-all]");
    if (!box || !box.form) { return; }
    box.form.querySelectorAll("input[name='" + box.getAttribute("data-check-all") + "']")
      .forEach(function (input) { input.checked = box.checked; });
  });

  // A part of a form shown only for one choice: <div data-show-when="rule=recover"> is hidden
  // unless the checked "rule" is "recover" (or it holds an error to read).
  document.querySelectorAll("[data-show-when]").forEach(function (part) {
    var rule = part.getAttribute("data-show-when").split("=");
    var form = part.closest("form");
    if (!form || rule.length !== 2) { return; }
    function update() {
      var picked = form.querySelector("input[name='" + rule[0] + "']:checked");
      part.hidden = !(picked && picked.value === rule[1]) && !part.querySelector(".is-invalid");
    }
    form.addEventListener("change", update);
    update();
  });

  // Row lists (a FieldList of FormFields): add a row from a <template>, remove one, and keep the
  // field names numbered prefix-0-…, prefix-1-… so the server reads them in order.
  //   <div data-rows="works" data-row-template="work-template" data-add-row="add-work">
  //     <div data-row> … <button type="button" data-remove-row> … </div>
  //   </div>
  //   <template id="work-template"> one row, names written prefix-__index__-field </template>
  function rowList(rows, template, addButton, prefix, rowSelector, removeSelector) {
    if (!rows || !template || !addButton) { return; }
    var pattern = new RegExp(prefix + "-(\\d+|__index__)-");

    function allRows() { return rows.querySelectorAll(rowSelector); }

    function renumber() {
      Array.prototype.forEach.call(allRows(), function (row, index) {
        row.querySelectorAll("input, select, textarea, label").forEach(function (el) {
          ["name", "id", "for"].forEach(function (attr) {
            var value = el.getAttribute(attr);
            if (value) { el.setAttribute(attr, value.replace(pattern, prefix + "-" + index + "-")); }
          });
        });
      });
    }

    addButton.addEventListener("click", function () {
      rows.appendChild(template.content.cloneNode(true));
      renumber();
      var added = allRows();
      var first = added.length && added[added.length - 1].querySelector(
        "input:not([type=hidden]), textarea");
      if (first) { first.focus(); }
    });

    rows.addEventListener("click", function (event) {
      var button = event.target.closest(removeSelector);
      if (!button) { return; }
      var row = button.closest(rowSelector);
      if (allRows().length === 1) {  // keep one (empty) row to type into
        row.querySelectorAll("input, textarea").forEach(function (input) { input.value = ""; });
        row.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
      } else {
        row.remove();
      }
      renumber();
    });
  }

  document.querySelectorAll("[data-rows]").forEach(function (rows) {
    rowList(rows, document.getElementById(rows.getAttribute("data-row-template")),
            document.getElementById(rows.getAttribute("data-add-row")),
            rows.getAttribute("data-rows"), "[data-row]", "[data-remove-row]");
  });

  // The 榜 form's indicator rows, marked up by id and class.
  var indicators = document.getElementById("indicator-rows");
  if (indicators && !indicators.hasAttribute("data-rows")) {
    rowList(indicators, document.getElementById("indicator-template"),
            document.getElementById("add-indicator"), "indicators", ".indicator-row",
            ".remove-indicator");
  }

  // A table or chart wider than the screen scrolls sideways in its box (.table-responsive,
  // .chart-scroll); while it does, the box is a Tab stop, so the arrow keys can scroll it.
  function scrollBoxes() {
    document.querySelectorAll(".table-responsive, .chart-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
      } else {
        box.removeAttribute("tabindex");
      }
    });
  }
  scrollBoxes();
  window.addEventListener("resize", scrollBoxes);
})();
