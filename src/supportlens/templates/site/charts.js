// supportlens charts: draw every chart of the page from its JSON spec (render/pages.py:chart_block).
// Loaded with `defer` right after plotly.min.js. One chart is drawn per frame, the charts in view
// first and then the rest in page order, so the first chart is painted without waiting for the
// others and the page stays responsive while the rest are drawn. Every chart is drawn eventually,
// without scrolling. `supportlensCharts.draw(id)` draws a chart now and returns Plotly's promise
// (the explorer waits on it before it restyles its charts).
(function () {
  "use strict";
  var specs = {};     // chart element id -> its <script type="application/json">
  var drawn = {};     // chart element id -> Plotly.newPlot's promise
  var order = [];     // chart element ids in page order
  Array.prototype.forEach.call(document.querySelectorAll("script.chart-spec"), function (script) {
    var id = script.getAttribute("data-chart");
    specs[id] = script;
    order.push(id);
  });

  function draw(id) {
    if (!drawn[id]) {
      try {
        var spec = JSON.parse(specs[id].textContent);
        drawn[id] = Plotly.newPlot(id, spec.data, spec.layout, spec.config);
      } catch (error) {
        drawn[id] = Promise.reject(error);   // reported as an unhandled rejection; the other charts still draw
      }
    }
    return drawn[id];
  }

  function inView(id) {
    var box = document.getElementById(id).getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  }

  function next() {
    var waiting = order.filter(function (id) { return !drawn[id]; });
    return waiting.filter(inView)[0] || waiting[0];
  }

  // after the browser has painted the chart just drawn (rAF runs before the paint, the timeout after);
  // a hidden tab gets no frames, so there the timeout alone paces the drawing
  function afterPaint(callback) {
    if (document.visibilityState === "visible") {
      window.requestAnimationFrame(function () { window.setTimeout(callback, 0); });
    } else {
      window.setTimeout(callback, 0);
    }
  }

  function drawNext() {
    var id = next();
    if (id === undefined) return;
    draw(id);
    afterPaint(drawNext);
  }

  window.supportlensCharts = {
    draw: function (id) {
      if (!specs[id]) return Promise.reject(new Error("no chart " + id + " on this page"));
      return draw(id);
    }
  };
  drawNext();
})();
