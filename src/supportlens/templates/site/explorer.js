// supportlens explorer: filter the pre-aggregated cube in the browser and redraw.
// Loaded with `defer` after plotly.min.js and assets/charts.js; it asks charts.js to draw its two charts
// and restyles them once they are drawn.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var cube = JSON.parse(document.getElementById("explorer-cube").textContent);
  var m = {};
  cube.measures.forEach(function (name, i) { m[name] = 4 + i; });
  var form = document.getElementById("explorer-filters");
  var selects = {
    from: document.getElementById("filter-from"),
    to: document.getElementById("filter-to"),
    dims: [1, 2, 3].map(function (d) { return form.querySelector('[data-dimension="' + d + '"]'); })
  };

  function pct(x) { return x === null ? "—" : (100 * x).toFixed(1) + "%"; }
  function ratio(a, b) { return b ? a / b : null; }

  function update() {
    var from = +selects.from.value, to = +selects.to.value;
    if (from > to) { var t = from; from = to; to = t; }
    var wanted = selects.dims.map(function (s) { return s.value === "all" ? null : +s.value; });
    var n = cube.weeks.length, total = {}, weekly = {};
    cube.measures.forEach(function (name) {
      total[name] = 0;
      weekly[name] = new Array(n).fill(0);
    });
    cube.cells.forEach(function (cell) {
      var w = cell[0];
      if (w < from || w > to) return;
      for (var d = 0; d < 3; d++) if (wanted[d] !== null && cell[d + 1] !== wanted[d]) return;
      cube.measures.forEach(function (name) {
        total[name] += cell[m[name]];
        weekly[name][w] += cell[m[name]];
      });
    });
    var values = {
      tickets: total.tickets.toLocaleString("en-US"),
      first_response_rate: pct(ratio(total.first_response_breached, total.first_response_completed)),
      resolution_rate: pct(ratio(total.resolution_breached, total.resolution_completed)),
      escalation_rate: pct(ratio(total.escalated, total.tickets)),
      csat_mean: total.csat_rated ? (total.csat_sum / total.csat_rated).toFixed(2) : "—"
    };
    Object.keys(values).forEach(function (key) {
      document.querySelector('#explorer-kpis [data-measure="' + key + '"]').textContent = values[key];
    });
    var weeks = cube.weeks.slice(from, to + 1);
    function slice(name) { return weekly[name].slice(from, to + 1); }
    function rates(b, c) {
      var breached = slice(b), completed = slice(c);
      return breached.map(function (x, i) { return completed[i] ? x / completed[i] : null; });
    }
    Plotly.restyle("chart-explorer_volume", { x: [weeks], y: [slice("tickets")] }, [0]);
    Plotly.restyle("chart-explorer_breach", {
      x: [weeks, weeks],
      y: [rates("first_response_breached", "first_response_completed"), rates("resolution_breached", "resolution_completed")]
    }, [0, 1]);
  }

  Promise.all([window.supportlensCharts.draw("chart-explorer_volume"), window.supportlensCharts.draw("chart-explorer_breach")])
    .then(function () {
      form.addEventListener("change", update);
      form.addEventListener("reset", function () { setTimeout(update, 0); });
      update();
    });
});
