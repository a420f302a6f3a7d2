// While a 榜 is being written, ask the server for near-duplicates and show them above the form.
(function () {
  "use strict";
  var box = document.getElementById("similar-box");
  var list = document.getElementById("similar-list");
  var form = document.getElementById("challenge-form");
  if (!box || !list || !form) { return; }
  var timer = null;
  var last = "";

  function value(id) {
    var el = document.getElementById(id);
    return el ? el.value.trim() : "";
  }

  function render(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url;
      a.target = "_blank";
      a.textContent = item.title;
      var badge = document.createElement("span");
      badge.className = "badge text-bg-warning ms-1";
      badge.textContent = box.getAttribute("data-score") + " " + item.score;
      var why = document.createElement("span");
      why.className = "small text-muted ms-1";
      why.textContent = item.state + (item.terms.length ? " · " + box.getAttribute("data-terms") +
        box.getAttribute("data-colon") + item.terms.join(box.getAttribute("data-comma")) : "");
      li.append(a, badge, why);
      list.appendChild(li);
    });
    box.classList.toggle("d-none", items.length === 0);
  }

  function check() {
    var params = new URLSearchParams({
      title: value("title"), summary: value("summary"), field: value("field"),
      tags: value("industry_tags"), exclude: box.getAttribute("data-exclude") || ""
    });
    var query = params.toString();
    if (query === last || (!value("title") && !value("summary"))) { return; }
    last = query;
    fetch(box.getAttribute("data-url") + "?" + query, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (data) { render(data.items || []); })
      .catch(function () { /* the warning is advisory; posting works without it */ });
  }

  ["title", "summary", "field", "industry_tags"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) {
      el.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(check, 500);
      });
      el.addEventListener("change", check);
    }
  });
})();
