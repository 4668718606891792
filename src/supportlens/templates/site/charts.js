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

  // an axis title longer than its axis on a narrow screen is wrapped onto more lines (as the PDF's charts are,
  // charts/base.py:fit_axis_titles): a character takes about 0.58 of the font size
  function wrap(text, chars) {
    var lines = [];
    text.split(" ").forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && lines[last].length + 1 + word.length <= chars) lines[last] += " " + word;
      else lines.push(word);
    });
    return lines.join("<br>");
  }

  function fitTitles(data, layout, width) {
    var margin = layout.margin || {};
    var size = (layout.font && layout.font.size) || 12;
    // category labels on a y axis push the plot right, and its centred x title with it
    var longest = 0;
    data.forEach(function (trace) {
      (Array.isArray(trace.y) ? trace.y : []).forEach(function (v) {
        if (typeof v === "string") longest = Math.max(longest, v.length);
      });
    });
    var left = Math.max(margin.l === undefined ? 80 : margin.l, longest * size * 0.58 + 28);
    var plotW = width - left - (margin.r === undefined ? 80 : margin.r);
    var plotH = (layout.height || 450) - (margin.t === undefined ? 100 : margin.t) - (margin.b === undefined ? 80 : margin.b);
    Object.keys(layout).forEach(function (key) {
      if (!/^[xy]axis\d*$/.test(key) || !layout[key].title) return;
      var title = layout[key].title, text = typeof title === "string" ? title : title.text;
      if (!text || text.indexOf("<br>") >= 0) return;
      var domain = layout[key].domain || [0, 1];
      var room = (domain[1] - domain[0]) * (key.charAt(0) === "x" ? plotW : plotH);
      var chars = Math.max(12, Math.floor(room / (size * 0.58)));
      if (text.length > chars) {
        layout[key].title = typeof title === "string" ? wrap(text, chars) : Object.assign({}, title, {text: wrap(text, chars)});
        layout[key].automargin = true;
      }
    });
  }

  function draw(id) {
    if (!drawn[id]) {
      try {
        var spec = JSON.parse(specs[id].textContent);
        fitTitles(spec.data, spec.layout, document.getElementById(id).clientWidth || 700);
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
