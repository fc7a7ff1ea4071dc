/* A centre's vacancy density map (moved out of the template: the Content-Security-Policy runs no inline
   script). Only counts and geometry: nothing typed by a user. */
window.densityMap = function (map) {
  "use strict";
  var outline = L.geoJSON(JSON.parse(document.getElementById("outline-data").textContent),
    {style: {color: "#0b5c8e", weight: 2, fillOpacity: 0.03}}).addTo(map);
  map.fitBounds(outline.getBounds());
  JSON.parse(document.getElementById("density-data").textContent).forEach(function (cell) {
    var shade = Math.min(0.85, 0.2 + cell.vacant * 0.08);
    var label = document.createElement("span");
    label.textContent = cell.vacant + " leer";
    L.geoJSON(JSON.parse(cell.cell), {style: {color: "#D55E00", weight: 1, fillColor: "#D55E00", fillOpacity: shade}})
      .bindTooltip(label).addTo(map);
  });
};
