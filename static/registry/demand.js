/* Requests against vacant units per size band; the numbers are in the table below the chart. */
(function () {
  "use strict";
  var canvas = document.getElementById("chart-demand"), source = document.getElementById("demand-data");
  if (!window.Chart || !canvas || !source) return;
  var data = JSON.parse(source.textContent);
  Chart.defaults.animation = false;
  new Chart(canvas, {type: "bar", data: {labels: data.labels, datasets: [
    {label: canvas.closest("section").dataset.requests || "Gesuche", data: data.requests, backgroundColor: "#0072B2"},
    {label: canvas.closest("section").dataset.vacant || "leer", data: data.vacant, backgroundColor: "#D55E00"}]},
    options: {maintainAspectRatio: false, scales: {y: {beginAtZero: true}}}});
  canvas.dataset.drawn = "true";
})();
