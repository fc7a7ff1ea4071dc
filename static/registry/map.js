/* The register's map: centre outlines with their vacancy rate, units coloured and shaped by status.
   Everything a user typed is inserted as text (textContent), never as HTML. */
(function () {
  "use strict";
  var styles = {};
  JSON.parse(document.getElementById("legend-data").textContent).forEach(function (item) {
    styles[item.code] = item;
  });
  var percent = new Intl.NumberFormat("de-DE", {style: "percent", maximumFractionDigits: 1});
  var number = new Intl.NumberFormat("de-DE", {maximumFractionDigits: 1});

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function popup(p) {
    var box = el("div", null, "unit-popup");
    box.appendChild(el("strong", [p.street, p.house_number].filter(Boolean).join(" ")));
    if (p.name) box.appendChild(el("div", p.name));
    box.appendChild(el("div", p.status_label, "badge status-" + p.status));
    if (p.floor_area !== null && p.floor_area !== undefined) box.appendChild(el("div", number.format(p.floor_area) + " m²"));
    if (p.vacant_since) box.appendChild(el("div", "leer seit " + p.vacant_since.split("-").reverse().join(".")));
    if (p.listing_url) {
      var link = el("a", "Zum Angebot");
      link.href = p.listing_url;
      box.appendChild(link);
    }
    return box;
  }

  function icon(status) {
    var style = styles[status] || {colour: "#777", shape: "circle"};
    return L.divIcon({
      className: "unit-marker",
      html: '<span class="swatch ' + style.shape + '" style="background:' + style.colour + '"></span>',
      iconSize: [14, 14],
    });
  }

  window.registryMap = function (map) {
    var centres = JSON.parse(document.getElementById("centres-data").textContent);
    var centreLayer = L.geoJSON(centres, {
      style: {color: "#0b5c8e", weight: 2, fillOpacity: 0.05},
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        var label = p.name + (p.rate === null ? "" : " – " + percent.format(p.rate) + " leer");
        layer.bindTooltip(label, {permanent: map.getZoom() >= 12, direction: "center", className: "centre-label"});
        layer.bindPopup(el("div", label + " (" + p.vacant + " von " + p.units + " Einheiten)"));
      },
    }).addTo(map);
    map.fitBounds(centreLayer.getBounds(), {padding: [10, 10]});

    var markers = {};
    var unitLayer = L.layerGroup().addTo(map);
    fetch(window.REGISTRY.unitsUrl, {credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (collection) {
        var bounds = [];
        collection.features.forEach(function (feature) {
          var c = feature.geometry.coordinates;
          var marker = L.marker([c[1], c[0]], {icon: icon(feature.properties.status), keyboard: false})
            .bindPopup(popup(feature.properties));
          marker.on("click", function () { highlight(feature.id); });
          markers[feature.id] = marker.addTo(unitLayer);
          bounds.push([c[1], c[0]]);
        });
        document.getElementById("map").dataset.units = String(collection.features.length);
        if (window.location.search && bounds.length) map.fitBounds(bounds, {padding: [20, 20], maxZoom: 17});
      });

    function highlight(id) {
      document.querySelectorAll("#unit-list li.selected").forEach(function (li) { li.classList.remove("selected"); });
      var item = document.querySelector('#unit-list li[data-unit="' + id + '"]');
      if (item) { item.classList.add("selected"); item.scrollIntoView({block: "nearest"}); }
    }

    document.querySelectorAll("#unit-list li[data-unit]").forEach(function (item) {
      function select() {
        var marker = markers[item.dataset.unit];
        highlight(item.dataset.unit);
        if (marker) { map.setView(marker.getLatLng(), Math.max(map.getZoom(), 17)); marker.openPopup(); }
      }
      item.addEventListener("click", select);
      item.addEventListener("keydown", function (event) { if (event.key === "Enter") select(); });
    });
  };
})();
