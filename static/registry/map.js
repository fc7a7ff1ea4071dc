/* The register's map.
   - town centres as symbols sized by their number of units and coloured by vacancy rate (aggregates, for
     everyone); labels only where they do not collide, every centre named on hover;
   - the units of the current viewport and filters from /api/map/units.json: points, or counts per municipality
     or grid cell when the viewport holds too many;
   - the list beside the map shows the same set (same filters, same viewport); paging and sorting stay in the page;
   - filters, sort, page and the map view (ansicht=zoom/lat/lon) live in the URL: reload, shared links and
     back/forward restore them;
   - for city managers: add (tap or GPS), drag to move (with confirmation), change status, mark checked.
   Everything from the data is inserted as text (textContent), never as HTML. Texts go through Django's
   JavaScript catalogue (gettext); numbers for people in the page language, ids and URLs plain. */
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  };
  var lang = document.documentElement.lang || "de";
  var locale = lang.indexOf("en") === 0 ? "en-GB" : "de-DE";
  var number = new Intl.NumberFormat(locale, {maximumFractionDigits: 1});
  var berlinDay = new Intl.DateTimeFormat("en-CA", {timeZone: "Europe/Berlin", year: "numeric", month: "2-digit",
                                                    day: "2-digit"});
  var state = JSON.parse(document.getElementById("map-state").textContent);
  var styles = {};
  JSON.parse(document.getElementById("legend-data").textContent).forEach(function (item) {
    styles[item.code] = item;
  });
  // Sequential classes of the vacancy rate (purples: colour-blind safe, apart from the status colours).
  var RATE_CLASSES = [
    {upTo: 0.15, colour: "#f2f0f7"}, {upTo: 0.20, colour: "#cbc9e2"}, {upTo: 0.25, colour: "#9e9ac8"},
    {upTo: 0.30, colour: "#756bb1"}, {upTo: Infinity, colour: "#54278f"},
  ];

  function el(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  // Day first in every language (02.12.2026), as the timeline, the list and the imports write dates
  // (timeline.date_text): en-GB's 02/12/2026 beside them would read as two different styles, or as 12 February.
  function localDate(iso) {
    var parts = iso ? String(iso).slice(0, 10).split("-") : [];
    return parts.length === 3 ? parts[2] + "." + parts[1] + "." + parts[0] : "";
  }
  function today() { return berlinDay.format(new Date()); }  // Europe/Berlin's today, as the server's
  function rateColour(rate) {
    for (var i = 0; i < RATE_CLASSES.length; i++) if (rate < RATE_CLASSES[i].upTo) return RATE_CLASSES[i].colour;
    return "#999";
  }

  var messageTimer = null;
  function message(text, kind, seconds) {
    var box = document.getElementById("map-message");
    if (!box) return;
    box.textContent = text;
    box.className = "map-message " + (kind || "info");
    box.hidden = !text;
    window.clearTimeout(messageTimer);
    if (text && seconds) messageTimer = window.setTimeout(function () { box.hidden = true; }, seconds * 1000);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function parseJson(response) {
    return response.text().then(function (text) {
      var data = {};
      try { data = text ? JSON.parse(text) : {}; } catch (ignored) { data = {}; }
      return {ok: response.ok, status: response.status, data: data};
    });
  }

  function send(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(body),
    }).then(parseJson, function () {
      return {ok: false, status: 0, data: {error: gettext("Keine Verbindung zum Server. Bitte erneut versuchen.")}};
    });
  }

  /* A 400's per-field messages, each introduced by the field's label (never the internal name). */
  function errorText(result, labels) {
    var data = result.data || {};
    var lines = [data.error || interpolate(gettext("Fehler %(status)s"), {status: result.status}, true)];
    var fields = data.errors || data.parameters || {};
    Object.keys(fields).forEach(function (field) {
      var label = (data.labels || {})[field] || (labels || {})[field] || state.labels[field];
      var text = [].concat(fields[field]).join(" ");
      lines.push(label && text.indexOf(label) !== 0 ? label + ": " + text : text);  // some name it already
    });
    return lines.join("\n");
  }

  function icon(status, selected) {
    var style = styles[status] || {colour: "#777", shape: "circle"};
    var swatch = el("span", null, {"class": "swatch " + style.shape + (selected ? " selected" : "")});
    swatch.style.setProperty("--colour", style.colour);
    // 44 px box (WCAG 2.5.5 touch target) around an 18 px symbol
    return L.divIcon({className: "unit-marker", html: swatch.outerHTML, iconSize: [44, 44]});
  }

  /* ---- the URL: filters (fixed for this page), sort, page, view ---- */
  function pageUrl(view) {
    var query = new URLSearchParams(state.filters);
    if (state.sort && state.sort !== "adresse") query.set("sort", state.sort);
    if (state.page > 1) query.set("seite", String(state.page));
    if (view) query.set("ansicht", view);
    var text = query.toString().replace(/%2F/g, "/").replace(/%2C/g, ",");
    return location.pathname + (text ? "?" + text : "");
  }

  function viewOf(map) {
    var c = map.getCenter();
    return map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5);
  }

  function parseView(text) {
    var match = /^(\d{1,2})\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(text || "");
    return match ? {zoom: Number(match[1]), lat: Number(match[2]), lng: Number(match[3])} : null;
  }

  window.registryMap = function (map) {
    try {
      setUp(map);
    } catch (error) {
      message(gettext("Die Karte konnte nicht vollständig geladen werden. Bitte laden Sie die Seite neu."), "error");
      if (window.console) window.console.error(error);
    }
  };

  function setUp(map) {
    window.registryLeafletMap = map;  // for the browser tests and the console
    var markers = {};
    var unitLayer = L.layerGroup().addTo(map);
    var mapNode = document.getElementById("map");
    var tools = document.querySelector(".map-tools");
    var pendingOpen = null;  // a unit to open once the data has arrived (list click while zoomed out)
    var lastWritten = null;
    // The newest version the server answered per unit: a popup drawn from data older than the last write (the
    // redraw waits while a popup is open) must not send a stale version and be refused.
    var latestVersion = {};
    function versionOf(feature) {
      var known = latestVersion[feature.id];
      return known !== undefined && known > feature.properties.version ? known : feature.properties.version;
    }
    var legendBox = document.getElementById("legend");
    // tablets (also a 1024 px one held sideways): the map first, legend on tap
    var touchScreen = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    if (legendBox && (window.innerWidth < 1024 || touchScreen)) legendBox.open = false;

    /* Zoomed out over the state, the centres' symbols are the map (stock and vacancy rate per centre); unit
       symbols and counts would bury them and their names. Units come from UNITS_FROM_ZOOM on — or at any zoom
       when a filter is set, as the centres' figures do not answer a filter. */
    var UNITS_FROM_ZOOM = 10;
    var zoomHint = document.getElementById("zoom-hint");
    function unitsShown() { return map.getZoom() >= UNITS_FROM_ZOOM || Boolean(state.filters); }

    /* ---- town centres: symbols sized by stock, coloured by vacancy rate ---- */
    var centres = JSON.parse(document.getElementById("centres-data").textContent);
    var centreOutlines = L.geoJSON(centres, {
      style: function (feature) {
        var rate = feature.properties.rate;
        return {color: "#3f2a6b", weight: 1.5, fillColor: rate === null ? "#999" : rateColour(rate),
                fillOpacity: 0.25};
      },
      interactive: false,
    });
    var centreSymbols = L.layerGroup();
    var labels = [];
    // Labels above every marker (unit symbols and counts never cover a centre's name); a tap goes through them.
    map.createPane("centreLabels");
    map.getPane("centreLabels").style.zIndex = 640;
    map.getPane("centreLabels").style.pointerEvents = "none";
    centres.features.forEach(function (feature) {
      var p = feature.properties;
      var centre = L.geoJSON(feature).getBounds().getCenter();
      var rateText = p.rate === null ? gettext("keine Einheiten") :
        interpolate(gettext("%(rate)s leer"), {rate: p.rate_text}, true);
      var title = p.name + " – " + rateText + " (" + interpolate(gettext("%(count)s Einheiten"),
        {count: number.format(p.units)}, true) + ")";
      var radius = Math.max(7, Math.min(22, 3 + Math.sqrt(p.units) * 0.8));
      var symbol = L.circleMarker(centre, {
        radius: radius, color: "#3f2a6b", weight: 1.5, fillOpacity: 0.9,
        fillColor: p.rate === null ? "#999" : rateColour(p.rate), className: "centre-symbol",
      // A DOM node, not a string: Leaflet inserts tooltip strings as HTML, and centre names are typed by towns.
      }).bindTooltip(el("span", title), {direction: "top", className: "centre-hover"});
      symbol.on("click", function () { map.fitBounds(L.geoJSON(feature).getBounds(), {maxZoom: 16}); });
      symbol.addTo(centreSymbols);
      var label = L.marker(centre, {
        interactive: false, keyboard: false, pane: "centreLabels",
        icon: L.divIcon({className: "centre-label", html: el("span", p.name + " · " + p.rate_text).outerHTML,
                         iconSize: null, iconAnchor: [0, -radius - 2]}),
      });
      label.units = p.units;
      label.radius = radius;
      label.addTo(centreSymbols);
      labels.push(label);
    });
    labels.sort(function (a, b) { return b.units - a.units; });  // bigger centres win a collision

    /* Show a label only where it can be read: inside the map (moved sideways rather than cut at the edge), not
       under the map's own controls (zoom, add buttons, legend, the hint) and not over a label already shown
       (greedy, bigger centres first). Run after every move and zoom, and when the legend opens or folds. */
    function obstacles() {
      var selectors = [".leaflet-control-zoom", ".map-tools:not([hidden])", "#legend", "#zoom-hint:not([hidden])",
                       ".leaflet-control-attribution", ".leaflet-control-scale"];
      var boxes = [];
      selectors.forEach(function (selector) {
        var node = mapNode.parentNode.querySelector(selector);
        if (node) boxes.push(node.getBoundingClientRect());
      });
      return boxes.filter(function (box) { return box.width > 0 && box.height > 0; });
    }
    function placeLabels() {
      if (!map.hasLayer(centreSymbols)) return;
      var frame = mapNode.getBoundingClientRect();
      var taken = obstacles(), shown = 0;
      labels.forEach(function (label) {
        var node = label.getElement();
        if (!node) return;
        var text = node.firstChild || node;
        node.classList.remove("hidden-label");
        text.style.marginLeft = "";
        // below its symbol; with units drawn, below the largest count symbol too (60 px), not over its number
        text.style.marginTop = (unitsShown() ? Math.max(0, 30 - label.radius) : 0) + "px";
        var box = text.getBoundingClientRect();  // as drawn (centred by CSS transform)
        // moved sideways only for a centre inside the map; a centre beyond the edge keeps its label to itself
        var point = map.latLngToContainerPoint(label.getLatLng()), size = map.getSize();
        var inView = point.x >= 0 && point.y >= 0 && point.x <= size.x && point.y <= size.y;
        var shift = Math.max(0, frame.left + 2 - box.left) - Math.max(0, box.right - (frame.right - 2));
        if (shift && inView && box.width < frame.width - 4) {
          text.style.marginLeft = shift + "px";
          box = {left: box.left + shift, right: box.right + shift, top: box.top, bottom: box.bottom};
        }
        var outside = box.left < frame.left || box.right > frame.right || box.top < frame.top ||
          box.bottom > frame.bottom;
        var collides = outside || !inView || taken.some(function (other) {
          return box.left < other.right + 4 && box.right + 4 > other.left && box.top < other.bottom + 2 &&
            box.bottom + 2 > other.top;
        });
        if (collides) { node.classList.add("hidden-label"); return; }
        taken.push(box);
        shown += 1;
      });
      mapNode.dataset.labels = String(shown);
    }

    function showCentres() {
      if (map.getZoom() < 13) {
        centreOutlines.remove();
        centreSymbols.addTo(map);
        placeLabels();
      } else {
        centreSymbols.remove();
        centreOutlines.addTo(map);
      }
    }
    drawRateScale();

    /* ---- restore or fit the view ---- */
    // Fit beside the open legend and below the buttons: no centre (or unit) starts hidden under them.
    function clearOfControls(margin) {
      var frame = mapNode.getBoundingClientRect();
      var right = legendBox && legendBox.open ? frame.right - legendBox.getBoundingClientRect().left : 0;
      var top = tools && !tools.hidden ? tools.getBoundingClientRect().bottom - frame.top : 0;
      return {paddingTopLeft: [margin, Math.max(margin, top + 4)], paddingBottomRight: [Math.max(margin, right + 4), margin]};
    }
    var view = parseView(state.view);
    if (view) {
      map.setView([view.lat, view.lng], view.zoom, {animate: false});
    } else if (state.bounds) {
      map.fitBounds(state.bounds, L.extend(clearOfControls(30), {maxZoom: 17, animate: false}));
    } else {
      map.fitBounds(L.geoJSON(centres).getBounds(), L.extend(clearOfControls(10), {animate: false}));
    }
    showCentres();

    // Municipality boundaries while zoomed out (where counts per municipality are shown).
    var outlines = L.layerGroup();
    fetch("/api/map/municipalities.geojson").then(function (r) { return r.json(); }).then(function (data) {
      L.geoJSON(data, {style: {color: "#5b6673", weight: 0.7, fill: false}, interactive: false}).addTo(outlines);
      mapNode.dataset.municipalities = String(data.features.length);
    }).catch(function () { /* outlines are decoration; the map works without them */ });
    function toggleOutlines() {
      if (map.getZoom() < 11) outlines.addTo(map); else outlines.remove();
    }
    map.on("zoomend", function () { toggleOutlines(); showCentres(); });
    map.on("moveend resize", placeLabels);
    if (legendBox) legendBox.addEventListener("toggle", placeLabels);
    toggleOutlines();

    /* ---- popup ---- */
    function field(list, label, value) {
      if (value === null || value === undefined || value === "") return;
      list.appendChild(el("dt", label));
      list.appendChild(el("dd", value));
    }

    function popup(feature) {
      var p = feature.properties;
      var box = el("div", null, {"class": "unit-popup", "data-unit": String(feature.id)});
      box.appendChild(el("strong", [p.street, p.house_number].filter(Boolean).join(" ")));
      if (p.name) box.appendChild(el("div", p.name));
      var list = el("dl");
      field(list, gettext("Status"), (styles[p.status] || {}).label || p.status);
      field(list, gettext("Nutzfläche"), p.floor_area === null ? null : number.format(p.floor_area) + " m²");
      field(list, gettext("leer seit"), localDate(p.vacant_since));
      field(list, gettext("zuletzt geprüft"), p.last_checked ? localDate(p.last_checked) : gettext("nie"));
      box.appendChild(list);
      if (p.listing_url) box.appendChild(el("a", gettext("Zum Angebot"), {href: p.listing_url}));
      // "own": a city manager opens the stories of their own units only (editable), not other towns' listings
      if (state.timeline === "all" || (state.timeline === "own" && p.editable)) {
        box.appendChild(timelineToggle(feature, box));
      }
      if (p.editable) {
        box.appendChild(statusForm(feature));
        if (window.registryEditUnit) {
          var edit = el("button", gettext("Angaben bearbeiten"), {type: "button", "class": "edit"});
          edit.addEventListener("click", function () { map.closePopup(); window.registryEditUnit(feature.id); });
          box.appendChild(edit);
        }
      }
      return box;
    }

    function labelled(text, control) {
      var label = el("label", text);
      label.appendChild(control);
      return label;
    }

    function statusForm(feature) {
      // novalidate: a day after today is answered by the server in the page's language („Datum: …“); the
      // field's own check would block it with the browser's message in the browser's language. `max` stays
      // for the date picker.
      var form = el("form", null, {"class": "status-form", novalidate: ""});
      var select = el("select", null, {name: "status"});
      Object.keys(styles).forEach(function (code) {
        var option = el("option", styles[code].label, {value: code});
        if (code === feature.properties.status) option.selected = true;
        select.appendChild(option);
      });
      form.appendChild(labelled(gettext("Neuer Status"), select));
      form.appendChild(labelled(gettext("Datum"), el("input", null, {type: "date", name: "date", value: today(), max: today()})));
      form.appendChild(labelled(gettext("Notiz"), el("input", null, {name: "note"})));
      var buttons = el("div", null, {"class": "popup-buttons"});
      buttons.appendChild(el("button", gettext("Status speichern"), {type: "submit", "class": "primary"}));
      var checked = el("button", gettext("Geprüft"), {type: "button", "class": "checked"});
      buttons.appendChild(checked);
      form.appendChild(buttons);
      var address = [feature.properties.street, feature.properties.house_number].filter(Boolean).join(" ");
      var labelsByField = {status: gettext("Neuer Status"), date: gettext("Datum"), note: gettext("Notiz")};
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send("/api/units/" + feature.id + "/status/", {
          version: versionOf(feature), status: select.value, date: form.date.value, note: form.note.value,
        }).then(function (result) {
          afterWrite(result, feature.id, result.ok && interpolate(gettext("Gespeichert: %(address)s ist jetzt „%(status)s“."),
            {address: address, status: result.data.status_label}, true), labelsByField);
        });
      });
      checked.addEventListener("click", function () {
        send("/api/units/" + feature.id + "/checked/", {version: versionOf(feature)}).then(function (result) {
          afterWrite(result, feature.id, result.ok && interpolate(gettext("Gespeichert: %(address)s am %(date)s geprüft."),
            {address: address, date: localDate(result.data.last_checked)}, true), {});
        });
      });
      return form;
    }

    /* ---- timeline: the unit's story, for those allowed to see it (the server decides what each sees) ---- */
    function timelineToggle(feature, box) {
      var button = el("button", gettext("Verlauf"), {type: "button", "class": "timeline-toggle",
                                                      "aria-expanded": "false"});
      var section = null;
      button.addEventListener("click", function () {
        if (section) {
          section.remove();
          section = null;
          button.setAttribute("aria-expanded", "false");
          box.classList.remove("showing-timeline");
          return;
        }
        box.classList.add("showing-timeline");  // the story instead of the forms: a popup fits on a tablet
        section = el("section", null, {"class": "timeline", "aria-live": "polite"});
        section.appendChild(el("p", gettext("Verlauf wird geladen …")));
        button.after(section);
        button.setAttribute("aria-expanded", "true");
        fetch("/api/units/" + feature.id + "/timeline/", {credentials: "same-origin"}).then(parseJson)
          .then(function (result) {
            if (!section) return;
            section.textContent = "";
            if (!result.ok) {
              section.appendChild(el("p", errorText(result, {}), {"class": "error"}));
              return;
            }
            // An undo answers what the timeline shows: it sends the version the timeline was read at (a change
            // since then is refused as stale). The status form keeps the popup's own version.
            section.appendChild(timelineList(feature, result.data.entries, result.data.version));
            var open = markers[feature.id] && markers[feature.id].getPopup();
            if (open) open.update();
          });
      });
      return button;
    }

    function timelineList(feature, entries, version) {
      var list = el("ol", null, {"class": "timeline-list"});
      if (!entries.length) list.appendChild(el("li", gettext("Noch keine Einträge.")));
      entries.forEach(function (entry) {
        var item = el("li", null, {"class": "timeline-entry kind-" + entry.kind, "data-key": entry.key});
        var head = el("div", null, {"class": "timeline-head"});
        head.appendChild(el("time", entry.date, {datetime: entry.day}));
        head.appendChild(el("strong", entry.title));
        item.appendChild(head);
        if (entry.changes.length) {
          var changes = el("ul", null, {"class": "timeline-changes"});
          entry.changes.forEach(function (change) {
            changes.appendChild(el("li", change.old
              ? interpolate(gettext("%(label)s: %(old)s → %(new)s"), change, true)
              : interpolate(gettext("%(label)s: %(new)s"), change, true)));
          });
          item.appendChild(changes);
        }
        if (entry.note) item.appendChild(el("q", entry.note, {"class": "timeline-note"}));
        var meta = [];
        if (entry.recorded) meta.push(interpolate(gettext("erfasst %(when)s"), {when: entry.recorded}, true));
        if (entry.actor) meta.push(interpolate(gettext("von %(who)s"), {who: entry.actor}, true));
        if (entry.channel) meta.push(interpolate(gettext("über %(channel)s"), {channel: entry.channel}, true));
        if (meta.length) item.appendChild(el("div", meta.join(" · "), {"class": "timeline-meta"}));
        if (entry.restorable) {
          var undo = el("button", gettext("Rückgängig"), {type: "button", "class": "timeline-undo"});
          undo.addEventListener("click", function () { restore(feature, entry, version); });
          item.appendChild(undo);
        }
        list.appendChild(item);
      });
      return list;
    }

    function restore(feature, entry, version) {
      var address = [feature.properties.street, feature.properties.house_number].filter(Boolean).join(" ");
      if (!window.confirm(interpolate(gettext("Diese Änderung an %(address)s rückgängig machen?\n%(date)s: " +
                                              "%(title)s\nDie alten Werte werden als neue Änderung gespeichert."),
                                      {address: address, date: entry.date, title: entry.title}, true))) return;
      send("/api/units/" + feature.id + "/restore/", {version: version, entry: entry.key})
        .then(function (result) {
          var text = result.ok && (entry.kind === "status"
            ? interpolate(gettext("Rückgängig gemacht: %(address)s ist wieder „%(status)s“."),
                          {address: address, status: result.data.status_label}, true)
            : interpolate(gettext("Rückgängig gemacht: %(address)s hat wieder die alten Werte."),
                          {address: address}, true));
          afterWrite(result, feature.id, text, {entry: gettext("Änderung")});
        });
    }

    function afterWrite(result, id, confirmation, labelsByField) {
      if (!result.ok) {
        message(errorText(result, labelsByField), "error");
        return;
      }
      message(confirmation, "success", 8);
      if (result.data && result.data.version !== undefined) latestVersion[id] = result.data.version;
      lastWritten = {id: id, text: confirmation};
      missedMove = false;
      map.closePopup();
      reload();
    }

    /* ---- units, counts ---- */
    function drawUnits(collection) {
      collection.features.forEach(function (feature) {
        var c = feature.geometry.coordinates;
        var p = feature.properties;
        var marker = L.marker([c[1], c[0]], {
          icon: icon(p.status), draggable: Boolean(p.editable),
          title: [p.street, p.house_number].filter(Boolean).join(" "),
          alt: (styles[p.status] || {}).label || "",
        });
        // One box while the popup is open: Leaflet calls this again on popup.update() (after the timeline loads,
        // to fit and pan), and a fresh box would drop what the user opened in it.
        var box = null;
        marker.on("popupclose", function () { box = null; });
        marker.bindPopup(function () { return box || (box = popup(feature)); }, {
          autoPanPaddingTopLeft: L.point(10, (tools ? tools.offsetTop + tools.offsetHeight : 0) + 12),
          autoPanPaddingBottomRight: L.point(10, 10), maxWidth: 320,
        });
        marker.on("click", function () { showInList(feature.id); });
        marker.on("dragend", function () {
          var to = marker.getLatLng();
          if (!window.confirm(interpolate(gettext("Einheit %(address)s wirklich an diese Stelle verschieben?"),
                                          {address: marker.options.title}, true))) {
            marker.setLatLng([c[1], c[0]]);
            return;
          }
          send("/api/units/" + feature.id + "/", {version: versionOf(feature), location: [to.lng, to.lat]})
            .then(function (result) {
              afterWrite(result, feature.id, interpolate(gettext("Gespeichert: %(address)s wurde verschoben."),
                {address: marker.options.title}, true), {});
            });
        });
        markers[feature.id] = marker.addTo(unitLayer);
      });
    }

    function drawCounts(collection) {
      collection.features.forEach(function (feature) {
        var c = feature.geometry.coordinates;
        var p = feature.properties;
        var size = Math.round(Math.min(60, 44 + Math.log(p.count) * 2));
        var share = p.count ? Math.round(100 * p.vacant / p.count) : 0;
        var label = el("span", number.format(p.count));
        var node = el("div", null, {"class": "count-symbol-box"});
        node.style.setProperty("--share", share + "%");
        node.appendChild(label);
        var title = interpolate(gettext("%(count)s Einheiten, davon %(vacant)s leer"),
          {count: number.format(p.count), vacant: number.format(p.vacant)}, true);
        var marker = L.marker([c[1], c[0]], {
          icon: L.divIcon({className: "count-marker", html: node.outerHTML, iconSize: [size, size]}),
          title: (p.name ? p.name + ": " : "") + title,
        });
        marker.on("click", function () { map.setView(marker.getLatLng(), Math.max(map.getZoom() + 2, 11)); });
        marker.addTo(unitLayer);
      });
    }

    var pending = null;
    function dataQuery(extra) {
      var bounds = map.getBounds();
      var query = new URLSearchParams(state.filters);
      query.set("bbox", [Math.max(bounds.getWest(), -180), Math.max(bounds.getSouth(), -90),
                         Math.min(bounds.getEast(), 180), Math.min(bounds.getNorth(), 90)]
        .map(function (v) { return v.toFixed(6); }).join(","));
      Object.keys(extra || {}).forEach(function (key) { query.set(key, extra[key]); });
      return query;
    }

    function reload() {
      if (!state.valid) { mapNode.dataset.units = "0"; mapNode.dataset.kind = "invalid"; return; }
      if (zoomHint) zoomHint.hidden = unitsShown();
      if (!unitsShown()) {
        if (pending) pending.abort();
        lastWritten = null;
        unitLayer.clearLayers();
        markers = {};
        mapNode.dataset.kind = "centres";
        mapNode.dataset.units = "0";
        placeLabels();
        return;
      }
      if (pending) pending.abort();
      pending = new AbortController();
      var signal = pending.signal;
      var written = lastWritten;
      lastWritten = null;
      delete mapNode.dataset.units;
      fetch("/api/map/units.json?" + dataQuery({zoom: map.getZoom()}), {credentials: "same-origin", signal: signal})
        .then(parseJson)
        .then(function (result) {
          if (!result.ok) { message(errorText(result), "error"); mapNode.dataset.units = "0"; return; }
          var collection = result.data;
          var draw = function () {
            // Data that arrives under an open popup waits until it closes: redrawing would remove the popup's
            // marker (and the form the user is typing into).
            if (popupOpen) { missedMove = true; return; }
            unitLayer.clearLayers();
            markers = {};
            if (collection.kind === "units") drawUnits(collection); else drawCounts(collection);
            mapNode.dataset.kind = collection.kind;
            mapNode.dataset.units = String(collection.features.length);
            if (pendingOpen !== null) { openUnit(pendingOpen); pendingOpen = null; }
          };
          var gone = written && collection.kind === "units" &&
            !collection.features.some(function (f) { return String(f.id) === String(written.id); });
          if (gone && markers[written.id]) {
            // Say so before it goes: the unit stays, faded, for a moment.
            message(written.text + " " + gettext("Sie passt nicht mehr zum Filter und wird ausgeblendet."), "success", 10);
            var node = markers[written.id].getElement();
            if (node) node.classList.add("leaving");
            window.setTimeout(draw, 2500);
          } else {
            draw();
          }
        })
        .catch(function (error) {
          if (error.name === "AbortError") return;
          message(gettext("Die Einheiten konnten nicht geladen werden."), "error");
        });
      if (written) reloadList();  // the list is the filtered set (not the view): it changes only by a write
    }

    /* The list shows the filtered set, page by page, whatever part of it the map shows: opening a unit (and the
       popup's auto-pan) never changes the list under the user's finger. */
    var listRequest = null;
    function reloadList(unit) {
      if (!state.valid) return Promise.resolve();
      if (listRequest) listRequest.abort();
      listRequest = new AbortController();
      var query = new URLSearchParams(state.filters);
      query.set("sort", state.sort);
      query.set("seite", String(state.page));
      query.set("fragment", "list");
      query.set("ansicht", viewOf(map));
      if (unit) query.set("einheit", String(unit));  // the server answers the page that holds this unit's row
      return fetch("/?" + query, {credentials: "same-origin", signal: listRequest.signal})
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          var box = document.getElementById("unit-list-box");
          var holder = document.createElement("div");
          holder.innerHTML = html;  // our own server-rendered, escaped fragment
          box.replaceWith(holder.firstElementChild);
          var fresh = document.getElementById("unit-list-box");
          state.page = Number(fresh.dataset.page) || 1;
          bindList();
        })
        .catch(function (error) {
          if (error.name === "AbortError") return;
          message(gettext("Die Liste konnte nicht geladen werden."), "error");
        });
    }

    // A popup's auto-pan moves the map: keep its marker until the popup is closed.
    var popupOpen = false, missedMove = false;
    /* The open legend floats above the popup pane (desktop). While a popup is open it must not hide any of it —
       also when the popup grows („Verlauf“ loads its entries, then Leaflet pans to fit): the legend is folded
       while that popup is open and comes back when it closes (unless the user tapped „Legende“ meanwhile). If even
       the folded „Legende“ button covers the popup's lower edge, the map moves the popup up past it. */
    var foldedForPopup = false, legendWanted = false, openPopup = null;
    function overlap(a, b) {
      return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    }
    function clearOfLegend(popup) {
      var node = popup && popup.getElement();
      if (!legendBox || !node || !popupOpen) return;
      var box = node.getBoundingClientRect();
      if (legendBox.open && !legendWanted && overlap(box, legendBox.getBoundingClientRect())) {
        legendBox.open = false;
        foldedForPopup = true;
      }
      var folded = legendBox.getBoundingClientRect();
      if (!legendBox.open && overlap(box, folded)) map.panBy([0, Math.ceil(box.bottom - folded.top) + 8]);
    }
    map.on("popupopen", function (event) {
      popupOpen = true;
      openPopup = event.popup;
      clearOfLegend(event.popup);
      // its content changes (the timeline arrives): check again once Leaflet has laid it out and panned
      event.popup.on("contentupdate", function () {
        window.requestAnimationFrame(function () { clearOfLegend(event.popup); });
      });
    });
    if (legendBox) legendBox.addEventListener("toggle", function () {
      // opened by the user while a popup is open: theirs to close, not folded again for this popup
      if (legendBox.open && popupOpen) { foldedForPopup = false; legendWanted = true; }
    });
    map.on("popupclose", function (event) {
      popupOpen = false;
      openPopup = null;
      legendWanted = false;
      event.popup.off("contentupdate");
      if (foldedForPopup && legendBox) { legendBox.open = true; foldedForPopup = false; }
      if (missedMove) { missedMove = false; moved(); }
    });
    function moved() {
      history.replaceState(history.state, "", pageUrl(viewOf(map)));
      reload();
    }
    map.on("moveend", function () {
      if (popupOpen) { missedMove = true; clearOfLegend(openPopup); } else moved();
    });
    moved();

    window.addEventListener("popstate", function () {
      var query = new URLSearchParams(location.search);
      ["ansicht", "sort", "seite"].forEach(function (key) { query.delete(key); });
      var filters = new URLSearchParams(state.filters);
      if (query.toString().split("&").sort().join("&") !== filters.toString().split("&").sort().join("&")) {
        location.reload();  // another filter: the page renders it
        return;
      }
      var params = new URLSearchParams(location.search);
      state.sort = params.get("sort") || "adresse";
      state.page = Number(params.get("seite")) || 1;
      var target = parseView(params.get("ansicht"));
      if (target && target.zoom + "/" + target.lat.toFixed(5) + "/" + target.lng.toFixed(5) !== viewOf(map)) {
        map.setView([target.lat, target.lng], target.zoom, {animate: false});
      }
      reloadList();
    });

    function highlight(id, scroll) {
      document.querySelectorAll("#unit-list li.selected").forEach(function (li) {
        li.classList.remove("selected");
        li.removeAttribute("aria-current");
      });
      var item = document.querySelector('#unit-list li[data-unit="' + String(id).replace(/\D/g, "") + '"]');
      if (item) {
        item.classList.add("selected");
        item.setAttribute("aria-current", "true");
        if (scroll && listScrollsItself()) item.scrollIntoView({block: "nearest"});
      }
      return item;
    }

    // Desktop: the list scrolls in its own column beside the map. Tablet: it is below the map, in the page;
    // scrolling there would move the map (and the popup just opened) out of sight.
    function listScrollsItself() {
      var sidebar = document.querySelector(".sidebar");
      return Boolean(sidebar) && ["auto", "scroll"].indexOf(getComputedStyle(sidebar).overflowY) !== -1;
    }

    /* A marker tapped: its row in the list is marked — on the list page that holds it, fetched when it is on
       another one (the server finds the page for the current filter and sort); the user is told where it is. */
    function showInList(id) {
      if (highlight(id, true)) return;
      var before = state.page;
      reloadList(id).then(function () {
        var item = highlight(id, true);
        if (!item || state.page === before) return;
        history.replaceState(history.state, "", pageUrl(viewOf(map)));
        var list = document.getElementById("unit-list");
        var index = Array.prototype.indexOf.call(list.children, item);
        message(interpolate(gettext("In der Liste: Nr. %(number)s auf Seite %(page)s (jetzt aufgeschlagen)."),
                            {number: number.format(Number(list.getAttribute("start") || 1) + index),
                             page: number.format(state.page)}, true), "info", 6);
      });
    }

    function openUnit(id) {
      var marker = markers[id];
      if (marker) {
        marker.openPopup();
        highlight(id, false);
        return true;
      }
      return false;
    }

    function bindList() {
      document.querySelectorAll("#unit-list li[data-unit]").forEach(function (item) {
        function select() {
          var id = item.dataset.unit;
          highlight(id, false);
          if (openUnit(id)) return;
          // Not drawn as a point here (counted, or outside the view): go to it, open it once loaded.
          var lat = Number(item.dataset.lat), lng = Number(item.dataset.lon);
          if (!isNaN(lat) && !isNaN(lng)) {
            pendingOpen = id;
            map.setView([lat, lng], Math.max(map.getZoom(), 17));
          }
        }
        item.addEventListener("click", select);
        item.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(); }
        });
      });
      document.querySelectorAll("#unit-list-box a[data-page], #unit-list-box a[data-sort]").forEach(function (link) {
        link.addEventListener("click", function (event) {
          event.preventDefault();
          if (link.dataset.sort) { state.sort = link.dataset.sort; state.page = 1; }
          if (link.dataset.page) state.page = Number(link.dataset.page);
          history.pushState(null, "", pageUrl(viewOf(map)));
          reloadList().then(function () {
            var list = document.getElementById("unit-list");
            if (list) list.scrollIntoView({block: "nearest"});
          });
        });
      });
    }
    bindList();

    // Filter form: only the values given, so the URL stays readable and shareable.
    var filterForm = document.getElementById("filter-form");
    if (filterForm) {
      filterForm.addEventListener("submit", function (event) {
        event.preventDefault();
        var query = new URLSearchParams();
        new FormData(filterForm).forEach(function (value, key) {
          if (String(value).trim() !== "") query.append(key, String(value).trim());
        });
        location.assign(location.pathname + (query.toString() ? "?" + query : ""));
      });
    }

    if (!state.valid) {
      message(gettext("Der Filter in der Adresse enthält ungültige Werte. Bitte korrigieren Sie ihn."), "error");
    }
    // after a save in the dialog: the list shows the change, a unit the filter now hides says so before it goes
    function saved(id, text, version) {
      if (version !== undefined) latestVersion[id] = version;
      lastWritten = {id: id, text: text};
      reload();
    }
    if (document.getElementById("add-unit")) setUpAdding(map, saved);
  }

  function drawRateScale() {
    var scale = document.getElementById("rate-scale");
    if (!scale) return;
    var lower = 0;
    RATE_CLASSES.forEach(function (item) {
      var row = el("div", null, {"class": "rate-class"});
      var swatch = el("span", null, {"class": "rate-swatch"});
      swatch.style.background = item.colour;
      row.appendChild(swatch);
      var percent = function (v) { return number.format(v * 100) + " %"; };
      row.appendChild(document.createTextNode(item.upTo === Infinity
        ? interpolate(gettext("ab %(low)s"), {low: percent(lower)}, true)
        : percent(lower) + " – " + interpolate(gettext("unter %(high)s"), {high: percent(item.upTo)}, true)));
      scale.appendChild(row);
      lower = item.upTo;
    });
  }

  function setUpAdding(map, saved) {
    var dialog = document.getElementById("unit-dialog");
    var form = document.getElementById("unit-form");
    var button = document.getElementById("add-unit");
    var errorBox = form.querySelector(".form-error");
    var location = null;
    var editing = null;  // {id, version} while editing an existing unit
    var title = document.getElementById("unit-dialog-title");
    var area = state.addable ? L.geoJSON(state.addable) : null;  // null: anywhere (administrator)

    function inside(latlng) {
      if (!area) return true;
      var point = [latlng.lng, latlng.lat];
      var found = false;
      area.eachLayer(function (layer) {
        var geometry = layer.feature.geometry;
        var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
        polygons.forEach(function (rings) { if (inRing(point, rings[0])) found = true; });
      });
      return found;
    }
    function inRing(point, ring) {
      var x = point[0], y = point[1], result = false;
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
        if (((yi > y) !== (yj > y)) && (x < (xj - xi) * (y - yi) / (yj - yi) + xi)) result = !result;
      }
      return result;
    }
    /* Adding only where the user may add (the server's check stays the authority): while the view shows none of
       their municipalities, „Einheit hinzufügen“ is disabled and a note says why, with a way there; a tap outside
       them in adding mode is answered before the dialog opens. „An meinem Standort“ stays: the place decides. */
    var names = [];
    if (area) area.eachLayer(function (layer) { names.push(layer.feature.properties.name); });
    var note = document.getElementById("add-note");
    var noteText = document.getElementById("add-note-text");
    var goThere = document.getElementById("add-go-there");
    var placeNames = names.join(", ");
    function showsArea() {
      if (!area) return true;
      var view = map.getBounds();
      if (!view.intersects(area.getBounds())) return false;
      var corners = [view.getNorthWest(), view.getNorthEast(), view.getSouthEast(), view.getSouthWest()];
      if (corners.some(inside)) return true;  // the view lies (partly) in the area
      var found = false;
      area.eachLayer(function (layer) {  // or the area's outline enters the view
        var geometry = layer.feature.geometry;
        var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
        polygons.forEach(function (rings) {
          rings.forEach(function (ring) {
            for (var i = 1; i < ring.length && !found; i++) {
              if (segmentMeetsBox(ring[i - 1], ring[i], view)) found = true;
            }
          });
        });
      });
      return found;
    }
    function segmentMeetsBox(a, b, view) {  // Liang–Barsky clipping of a–b against the view (lon/lat)
      var t0 = 0, t1 = 1, dx = b[0] - a[0], dy = b[1] - a[1];
      var checks = [[-dx, a[0] - view.getWest()], [dx, view.getEast() - a[0]],
                    [-dy, a[1] - view.getSouth()], [dy, view.getNorth() - a[1]]];
      for (var i = 0; i < checks.length; i++) {
        var p = checks[i][0], q = checks[i][1];
        if (p === 0) { if (q < 0) return false; continue; }
        var r = q / p;
        if (p < 0) { if (r > t1) return false; if (r > t0) t0 = r; } else { if (r < t0) return false; if (r < t1) t1 = r; }
      }
      return true;
    }
    function toggleTools() {
      if (!area) return;
      var allowed = showsArea();
      button.disabled = !allowed;
      if (!allowed && button.getAttribute("aria-pressed") === "true") {
        button.setAttribute("aria-pressed", "false");
        document.body.classList.remove("adding");
      }
      if (note) note.hidden = allowed;
    }
    if (note && area) {
      noteText.textContent = interpolate(gettext("Einheiten anlegen können Sie nur in Ihrer Gemeinde (%(names)s); " +
                                                 "die Karte zeigt gerade keinen Teil davon."), {names: placeNames}, true);
      goThere.textContent = interpolate(gettext("Zu %(names)s"), {names: placeNames}, true);
      goThere.addEventListener("click", function () { map.fitBounds(area.getBounds(), {maxZoom: 14}); });
    }
    map.on("moveend", toggleTools);
    toggleTools();

    function openForm(latlng) {
      if (!inside(latlng)) {
        message(names.length
          ? interpolate(gettext("Hier dürfen Sie keine Einheit anlegen: der Ort liegt außerhalb Ihrer Gemeinde " +
                                "(%(names)s)."), {names: placeNames}, true)
          : gettext("Hier dürfen Sie keine Einheit anlegen: der Ort liegt außerhalb Ihrer Gemeinde."), "error", 8);
        return;
      }
      location = [latlng.lng, latlng.lat];
      editing = null;
      prepare(title.dataset.new);
      form.since.value = today();
      dialog.showModal();
      form.street.focus();
    }

    function prepare(heading) {
      form.reset();
      title.textContent = heading;
      errorBox.hidden = true;
      form.querySelectorAll("[aria-invalid]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
      form.querySelectorAll(".only-new").forEach(function (node) { node.hidden = Boolean(editing); node.disabled = Boolean(editing); });
    }

    // Without grouping: the server's German parser reads „1250,5“ and, in English, „1250.5“.
    var plain = new Intl.NumberFormat(locale, {maximumFractionDigits: 2, useGrouping: false});
    function localNumber(value) { return value === null || value === undefined ? "" : plain.format(value); }

    window.registryEditUnit = function (id) {
      fetch("/api/units/" + id + "/", {credentials: "same-origin"}).then(parseJson).then(function (result) {
        if (!result.ok) { message(errorText(result), "error"); return; }
        var unit = result.data;
        editing = {id: unit.id, version: unit.version};
        location = null;
        prepare(title.dataset.edit);
        ["street", "house_number", "postcode", "town", "name", "floor", "category", "subcategory"].forEach(function (name) {
          if (form.elements[name]) form.elements[name].value = unit[name] || "";
        });
        ["floor_area", "sales_area", "frontage", "asking_rent"].forEach(function (name) {
          form.elements[name].value = localNumber(unit[name]);
        });
        form.elements.step_free.value = unit.step_free === null ? "" : String(unit.step_free);
        dialog.showModal();
        form.street.focus();
      }, function () { message(gettext("Keine Verbindung zum Server. Bitte erneut versuchen."), "error"); });
    };

    button.addEventListener("click", function () {
      var adding = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(adding));
      document.body.classList.toggle("adding", adding);
      if (adding) message(gettext("Tippen Sie auf die Karte, wo die Einheit liegt."), "info", 6);
    });
    map.on("click", function (event) {
      if (button.getAttribute("aria-pressed") !== "true") return;
      button.setAttribute("aria-pressed", "false");
      document.body.classList.remove("adding");
      openForm(event.latlng);
    });
    document.getElementById("add-here").addEventListener("click", function () {
      if (!navigator.geolocation) { message(gettext("Dieses Gerät kennt seinen Standort nicht."), "error", 8); return; }
      navigator.geolocation.getCurrentPosition(function (position) {
        var here = L.latLng(position.coords.latitude, position.coords.longitude);
        map.setView(here, 18);
        openForm(here);
      }, function () { message(gettext("Der Standort konnte nicht ermittelt werden."), "error", 8); });
    });
    form.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = editing ? {version: editing.version} : {location: location};
      Array.prototype.forEach.call(form.elements, function (input) {
        if (!input.name || input.matches(":disabled")) return;
        body[input.name] = input.type === "checkbox" ? input.checked : input.value;
      });
      body.step_free = {"true": true, "false": false}.hasOwnProperty(body.step_free)
        ? {"true": true, "false": false}[body.step_free] : null;  // JSON true/false/null, as the API documents
      var labelsByField = {};
      form.querySelectorAll("[data-label]").forEach(function (node) {
        labelsByField[node.dataset.label] = node.firstChild.textContent.trim();
      });
      var url = editing ? "/api/units/" + editing.id + "/" : "/api/units/";
      send(url, body).then(function (result) {
        if (!result.ok) {
          errorBox.textContent = errorText(result, labelsByField);
          errorBox.hidden = false;
          Object.keys((result.data || {}).errors || {}).forEach(function (name) {
            if (form.elements[name]) form.elements[name].setAttribute("aria-invalid", "true");
          });
          return;
        }
        dialog.close();
        var address = [result.data.street, result.data.house_number].filter(Boolean).join(" ");
        var text = interpolate(editing ? gettext("Gespeichert: Angaben zu %(address)s geändert.")
                                       : gettext("Gespeichert: %(address)s wurde angelegt."), {address: address}, true);
        message(text, "success", 8);
        editing = null;
        saved(result.data.id, text, result.data.version);
      });
    });
  }
})();
