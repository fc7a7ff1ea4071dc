/* Charts drawn from the data tables on the page, so every chart has its numbers beside it. */
(function () {
  "use strict";
  if (!window.Chart) return;
  var percent = new Intl.NumberFormat("de-DE", {style: "percent", maximumFractionDigits: 1});
  Chart.defaults.font.family = "system-ui, 'DejaVu Sans', sans-serif";
  Chart.defaults.animation = false;  // print and screenshots show the final state

  function rows(tableId, labelColumn, valueSelector) {
    var table = document.getElementById(tableId);
    if (!table) return {labels: [], values: []};
    var labels = [], values = [];
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var cell = tr.querySelector(valueSelector);
      if (!cell || cell.dataset.value === "") return;
      labels.push(tr.cells[labelColumn].textContent.trim());
      values.push(parseFloat(cell.dataset.value));
    });
    return {labels: labels, values: values};
  }

  function chart(canvasId, type, data, options) {
    var canvas = document.getElementById(canvasId);
    if (!canvas || !data.labels.length) return;
    new Chart(canvas, {type: type, data: {labels: data.labels, datasets: [{
      data: data.values, backgroundColor: "#D55E00", borderColor: "#D55E00", pointRadius: 3}]},
      options: Object.assign({maintainAspectRatio: false, plugins: {legend: {display: false}}}, options)});
    canvas.dataset.drawn = "true";
  }

  var rateAxis = {ticks: {callback: function (v) { return percent.format(v); }}, beginAtZero: true};
  var rateTooltip = {callbacks: {label: function (ctx) { return percent.format(ctx.parsed.x !== undefined &&
    ctx.chart.options.indexAxis === "y" ? ctx.parsed.x : ctx.parsed.y); }}};
  chart("chart-rates", "bar", rows("centres-table", 0, "td.rate"),
        {indexAxis: "y", scales: {x: rateAxis}, plugins: {legend: {display: false}, tooltip: rateTooltip}});
  chart("chart-trend", "line", rows("trend-table", 0, "td[data-value]"),
        {scales: {y: rateAxis}, plugins: {legend: {display: false}, tooltip: rateTooltip}});
  chart("chart-buckets", "bar", rows("buckets-table", 0, "td[data-value]"), {scales: {y: {beginAtZero: true}}});
})();
