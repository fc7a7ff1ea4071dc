/* Maps of the public listings (moved out of the templates: the Content-Security-Policy runs no inline script).
   Titles are typed by owners: inserted as text (textContent, Leaflet's title option), never as HTML. */
(function () {
  "use strict";
  window.listingsMap = function (map) {
    var markers = JSON.parse(document.getElementById("listing-markers").textContent), bounds = [];
    markers.forEach(function (m) {
      var link = document.createElement("a");
      link.href = m.url;
      link.textContent = m.title;
      L.marker([m.lat, m.lon], {title: m.title}).bindPopup(link).addTo(map);
      bounds.push([m.lat, m.lon]);
    });
    if (bounds.length) map.fitBounds(bounds, {padding: [20, 20], maxZoom: 16});
  };
  window.listingMap = function (map) {
    var data = document.getElementById("listing-location").dataset;
    var here = [parseFloat(data.lat), parseFloat(data.lon)];
    map.setView(here, 17);
    L.marker(here).addTo(map);
  };
})();
