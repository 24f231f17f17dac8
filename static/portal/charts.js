/* Draws the charts whose data the page embedded with json_script, in the tenant's brand colours.
   Line charts: {"labels": [...], "series": [{"label": ..., "values": [...]}]};
   doughnuts: {"labels": [...], "values": [...]}. Every chart also has a table or text equivalent. */
(function () {
  "use strict";
  if (!window.Chart) { return; }
  var styles = getComputedStyle(document.documentElement);
  var primary = styles.getPropertyValue("--brand-primary").trim() || "#263238";
  var accent = styles.getPropertyValue("--brand-accent").trim() || "#26A69A";
  var palette = [primary, accent, "#607D8B", "#8D6E63", "#26A69A", "#AB47BC", "#FFA726", "#42A5F5"];
  var inr = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR", maximumFractionDigits: 0 });
  var inrUnits = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR", minimumFractionDigits: 0, maximumFractionDigits: 2 });

  /* axis labels in crore (Cr) and lakh (L), as a large book reads; tooltips keep the exact amount */
  function inrShort(v) {
    var size = Math.abs(v);
    if (size >= 1e7) { return inrUnits.format(v / 1e7) + " Cr"; }
    if (size >= 1e5) { return inrUnits.format(v / 1e5) + " L"; }
    return inr.format(v);
  }

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function line(canvasId, dataId) {
    var canvas = document.getElementById(canvasId), d = data(dataId);
    if (!canvas || !d) { return; }
    new Chart(canvas, {
      type: "line",
      data: {
        labels: d.labels,
        datasets: d.series.map(function (s, i) {
          return { label: s.label, data: s.values.map(Number), borderColor: palette[i % palette.length],
                   backgroundColor: palette[i % palette.length], pointRadius: 0, tension: 0.2, borderWidth: 2 };
        })
      },
      options: {
        maintainAspectRatio: false, animation: false, interaction: { mode: "index", intersect: false },
        scales: { y: { ticks: { callback: inrShort } } },
        plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + inr.format(c.parsed.y); } } } }
      }
    });
  }

  function doughnut(canvasId, dataId) {
    var canvas = document.getElementById(canvasId), d = data(dataId);
    if (!canvas || !d) { return; }
    new Chart(canvas, {
      type: "doughnut",
      data: { labels: d.labels, datasets: [{ data: d.values.map(Number), backgroundColor: palette }] },
      options: { maintainAspectRatio: false, animation: false, plugins: { legend: { position: "right" } } }
    });
  }

  line("aum-chart", "aum-data");
  line("performance-chart", "performance-data");
  doughnut("allocation-chart", "allocation-data");
})();
