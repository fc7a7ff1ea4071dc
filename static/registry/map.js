/* The register's map.
   - centre outlines with their vacancy rate (aggregates, for everyone);
   - the units of the current viewport and filters from /api/map/units.json: points, or grid counts
     when the viewport holds too many;
   - for city managers: add (tap or GPS), drag to move (with confirmation), change status, mark checked.
   Everything a user typed is inserted as text (textContent), never as HTML. */
(function () {
  "use strict";
  var styles = {};
  JSON.parse(document.getElementById("legend-data").textContent).forEach(function (item) {
    styles[item.code] = item;
  });
  var percent = new Intl.NumberFormat("de-DE", {style: "percent", maximumFractionDigits: 1});
  var number = new Intl.NumberFormat("de-DE", {maximumFractionDigits: 1});
  var filters = window.REGISTRY.filters;

  function el(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  function germanDate(iso) { return iso ? iso.split("-").reverse().join(".") : ""; }
  function today() { return new Date().toISOString().slice(0, 10); }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function send(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, status: response.status, data: data}; });
    });
  }

  function errorText(result) {
    var data = result.data || {};
    var lines = [data.error || "Fehler " + result.status];
    Object.keys(data.errors || {}).forEach(function (field) {
      lines.push(field + ": " + data.errors[field].join(" "));
    });
    return lines.join("\n");
  }

  function icon(status, selected) {
    var style = styles[status] || {colour: "#777", shape: "circle"};
    var swatch = el("span", null, {"class": "swatch " + style.shape + (selected ? " selected" : "")});
    swatch.style.background = style.colour;
    return L.divIcon({className: "unit-marker", html: swatch.outerHTML, iconSize: [14, 14]});
  }

  window.registryMap = function (map) {
    window.registryLeafletMap = map;  // for the browser tests and the console
    var markers = {};
    var unitLayer = L.layerGroup().addTo(map);
    var mapNode = document.getElementById("map");
    var centres = JSON.parse(document.getElementById("centres-data").textContent);
    var centreLayer = L.geoJSON(centres, {
      style: {color: "#0b5c8e", weight: 2, fillOpacity: 0.05},
      interactive: false,
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        var label = p.name + (p.rate === null ? "" : " – " + percent.format(p.rate) + " leer");
        // A DOM node, not a string: Leaflet inserts tooltip strings as HTML, and centre names are typed by towns.
        layer.bindTooltip(el("span", label), {permanent: true, direction: "center", className: "centre-label"});
      },
    }).addTo(map);
    map.fitBounds(centreLayer.getBounds(), {padding: [10, 10]});

    // Municipality boundaries while zoomed out (where counts per municipality are shown).
    var outlines = L.layerGroup();
    fetch("/api/map/municipalities.geojson").then(function (r) { return r.json(); }).then(function (data) {
      L.geoJSON(data, {style: {color: "#5b6673", weight: 0.7, fill: false}, interactive: false}).addTo(outlines);
      mapNode.dataset.municipalities = String(data.features.length);
    });
    function toggleOutlines() {
      if (map.getZoom() < 11) outlines.addTo(map); else outlines.remove();
    }
    map.on("zoomend", toggleOutlines);
    toggleOutlines();

    function popup(feature) {
      var p = feature.properties;
      var box = el("div", null, {"class": "unit-popup"});
      box.appendChild(el("strong", [p.street, p.house_number].filter(Boolean).join(" ")));
      if (p.name) box.appendChild(el("div", p.name));
      box.appendChild(el("div", (styles[p.status] || {}).label, {"class": "badge status-" + p.status}));
      if (p.floor_area !== null) box.appendChild(el("div", number.format(p.floor_area) + " m²"));
      if (p.vacant_since) box.appendChild(el("div", "leer seit " + germanDate(p.vacant_since)));
      if (p.listing_url) box.appendChild(el("a", "Zum Angebot", {href: p.listing_url}));
      if (p.editable) box.appendChild(statusForm(feature));
      return box;
    }

    function statusForm(feature) {
      var form = el("form", null, {"class": "status-form"});
      var select = el("select", null, {name: "status", "aria-label": "Neuer Status"});
      Object.keys(styles).forEach(function (code) {
        var option = el("option", styles[code].label, {value: code});
        if (code === feature.properties.status) option.selected = true;
        select.appendChild(option);
      });
      form.appendChild(select);
      form.appendChild(el("input", null, {type: "date", name: "date", value: today(), "aria-label": "Datum"}));
      form.appendChild(el("input", null, {name: "note", placeholder: "Notiz", "aria-label": "Notiz"}));
      form.appendChild(el("button", "Status speichern", {type: "submit"}));
      var checked = el("button", "Geprüft", {type: "button", "class": "checked"});
      form.appendChild(checked);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send("/api/units/" + feature.id + "/status/", {
          version: feature.properties.version, status: select.value, date: form.date.value, note: form.note.value,
        }).then(afterWrite);
      });
      checked.addEventListener("click", function () {
        send("/api/units/" + feature.id + "/checked/", {version: feature.properties.version}).then(afterWrite);
      });
      return form;
    }

    function afterWrite(result) {
      if (!result.ok) window.alert(errorText(result));
      missedMove = false;
      map.closePopup();
      reload();
    }

    function drawUnits(collection) {
      collection.features.forEach(function (feature) {
        var c = feature.geometry.coordinates;
        var marker = L.marker([c[1], c[0]], {
          icon: icon(feature.properties.status), draggable: Boolean(feature.properties.editable),
          title: [feature.properties.street, feature.properties.house_number].join(" "),
        }).bindPopup(function () { return popup(feature); });
        marker.on("click", function () { highlight(feature.id); });
        marker.on("dragend", function () {
          var to = marker.getLatLng();
          if (!window.confirm("Einheit " + marker.options.title + " wirklich an diese Stelle verschieben?")) {
            marker.setLatLng([c[1], c[0]]);
            return;
          }
          send("/api/units/" + feature.id + "/", {version: feature.properties.version, location: [to.lng, to.lat]})
            .then(afterWrite);
        });
        markers[feature.id] = marker.addTo(unitLayer);
      });
    }

    function drawGrid(collection) {
      collection.features.forEach(function (feature) {
        var c = feature.geometry.coordinates;
        var p = feature.properties;
        var size = Math.min(56, 22 + Math.log(p.count) * 5);
        var label = el("span", number.format(p.count));
        var marker = L.marker([c[1], c[0]], {
          icon: L.divIcon({className: "cluster", html: label.outerHTML, iconSize: [size, size]}),
          title: (p.name ? p.name + ": " : "") + p.count + " Einheiten, davon " + p.vacant + " leer",
        });
        marker.on("click", function () { map.setView(marker.getLatLng(), Math.max(map.getZoom() + 2, 11)); });
        marker.addTo(unitLayer);
      });
    }

    var pending = null;
    function reload() {
      var bounds = map.getBounds();
      var bbox = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
        .map(function (v) { return v.toFixed(6); }).join(",");
      var query = (filters ? filters + "&" : "") + "bbox=" + bbox;
      if (pending) pending.abort();
      pending = new AbortController();
      var signal = pending.signal;
      fetch("/api/map/units.json?" + query + "&zoom=" + map.getZoom(), {credentials: "same-origin", signal: signal})
        .then(function (response) { return response.json(); })
        .then(function (collection) {
          unitLayer.clearLayers();
          markers = {};
          if (collection.kind === "units") drawUnits(collection); else drawGrid(collection);
          mapNode.dataset.kind = collection.kind;
          mapNode.dataset.units = String(collection.features.length);
        })
        .catch(function (error) { if (error.name !== "AbortError") throw error; });
      fetch("/?" + query + "&fragment=list", {credentials: "same-origin", signal: signal})
        .then(function (response) { return response.text(); })
        .then(function (html) {
          document.getElementById("unit-list-box").outerHTML = html;
          bindList();
        })
        .catch(function (error) { if (error.name !== "AbortError") throw error; });
    }
    // A popup's auto-pan moves the map: keep its marker until the popup is closed.
    var popupOpen = false, missedMove = false;
    map.on("popupopen", function () { popupOpen = true; });
    map.on("popupclose", function () {
      popupOpen = false;
      if (missedMove) { missedMove = false; reload(); }
    });
    map.on("moveend", function () {
      if (popupOpen) missedMove = true; else reload();
    });
    reload();

    function highlight(id) {
      document.querySelectorAll("#unit-list li.selected").forEach(function (li) { li.classList.remove("selected"); });
      var item = document.querySelector('#unit-list li[data-unit="' + id + '"]');
      if (item) { item.classList.add("selected"); item.scrollIntoView({block: "nearest"}); }
    }

    function bindList() {
      document.querySelectorAll("#unit-list li[data-unit]").forEach(function (item) {
        function select() {
          var marker = markers[item.dataset.unit];
          highlight(item.dataset.unit);
          if (marker) marker.openPopup();
        }
        item.addEventListener("click", select);
        item.addEventListener("keydown", function (event) { if (event.key === "Enter") select(); });
      });
    }

    if (window.REGISTRY.canAdd) setUpAdding(map, reload);
  };

  function setUpAdding(map, reload) {
    var dialog = document.getElementById("unit-dialog");
    var form = document.getElementById("unit-form");
    var button = document.getElementById("add-unit");
    var location = null;

    function openForm(latlng) {
      location = [latlng.lng, latlng.lat];
      form.reset();
      form.since.value = today();
      form.querySelector(".form-error").hidden = true;
      dialog.showModal();
      form.street.focus();
    }

    button.addEventListener("click", function () {
      var adding = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(adding));
      document.body.classList.toggle("adding", adding);
    });
    map.on("click", function (event) {
      if (button.getAttribute("aria-pressed") !== "true") return;
      button.setAttribute("aria-pressed", "false");
      document.body.classList.remove("adding");
      openForm(event.latlng);
    });
    document.getElementById("add-here").addEventListener("click", function () {
      if (!navigator.geolocation) { window.alert("Dieses Gerät kennt seinen Standort nicht."); return; }
      navigator.geolocation.getCurrentPosition(function (position) {
        var here = L.latLng(position.coords.latitude, position.coords.longitude);
        map.setView(here, 18);
        openForm(here);
      }, function () { window.alert("Der Standort konnte nicht ermittelt werden."); });
    });
    form.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = {location: location};
      ["street", "house_number", "name", "floor_area", "sales_area", "frontage", "asking_rent", "status", "since",
       "note"].forEach(function (name) { body[name] = form.elements[name].value; });
      send("/api/units/", body).then(function (result) {
        if (!result.ok) {
          var box = form.querySelector(".form-error");
          box.textContent = errorText(result);
          box.hidden = false;
          return;
        }
        dialog.close();
        reload();
      });
    });
  }
})();
