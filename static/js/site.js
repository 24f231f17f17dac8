/* Small screens, for every page built on base.html (progressive: without this script the navigation
   wraps and tables scroll inside their box).
   - The main navigation collapses behind a "Menu" button below 641 px.
   - Data tables become one card per row: each cell is labelled with its column heading (data-label), the
     first cell with words in it (the row's name) heads the card. A table opts out with class "table--no-cards". */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  function collapsibleNav() {
    var nav = document.querySelector(".brand-bar nav");
    if (!nav || !nav.children.length) { return; }
    if (!nav.id) { nav.id = "main-nav"; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "nav-toggle";
    button.setAttribute("aria-controls", nav.id);
    button.setAttribute("aria-expanded", "false");
    button.textContent = "Menu";
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    });
    nav.parentNode.insertBefore(button, nav);
  }

  function headings(table) {
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!row) { return null; }
    var labels = [];
    Array.prototype.forEach.call(row.cells, function (cell) {
      var text = (cell.getAttribute("data-label") || cell.textContent || "").replace(/\s+/g, " ").trim();
      for (var span = cell.colSpan || 1; span > 0; span -= 1) { labels.push(text); }
    });
    return labels;
  }

  function cardTables() {
    Array.prototype.forEach.call(document.querySelectorAll("table.data"), function (table) {
      if (table.classList.contains("table--no-cards")) { return; }
      var labels = headings(table);
      if (!labels || labels.length < 3) { return; }
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr, tfoot tr"), function (row) {
        var column = 0, head = null;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && labels[column]) { cell.setAttribute("data-label", labels[column]); }
          // the card's heading: the first cell with words in it (a tick-box column comes before the name)
          if (!head && cell.textContent.trim()) { head = cell; }
          column += cell.colSpan || 1;
        });
        if (head) { head.classList.add("card-head"); }
      });
      table.classList.add("table--cards");
    });
  }

  function ready() { collapsibleNav(); cardTables(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
