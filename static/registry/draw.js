/* The search-area map's Leaflet.draw (django-leaflet's forms plugin), adjusted for this project.

   Texts: Leaflet.draw's texts (L.drawLocal) in the page's language, through the project's JavaScript catalogue (/jsi18n/):
   the plugin's own set is English, and django-leaflet's German leaves some of it English („Finish“, „Clear All“)
   and speaks of "layers" and "features". Here the words are those of a search area, for mouse and touch alike.
   Loaded after Leaflet.draw and the catalogue; django-leaflet builds the map on window load, after this ran, and
   Leaflet.draw reads L.drawLocal when it builds its toolbar. Leaflet.draw inserts these texts as HTML: only our
   own fixed texts go here, never data. */
(function () {
  "use strict";
  if (!window.L || !L.drawLocal) return;
  var t = window.gettext || function (text) { return text; };
  var draw = L.drawLocal.draw, edit = L.drawLocal.edit;
  draw.toolbar.actions = {title: t("Zeichnen abbrechen"), text: t("Abbrechen")};
  draw.toolbar.finish = {title: t("Zeichnen beenden"), text: t("Fertig")};
  draw.toolbar.undo = {title: t("Den zuletzt gesetzten Punkt löschen"), text: t("Letzten Punkt löschen")};
  draw.toolbar.buttons = {
    polyline: t("Linie zeichnen"), polygon: t("Suchgebiet als Polygon zeichnen"),
    rectangle: t("Suchgebiet als Rechteck zeichnen"), circle: t("Kreis zeichnen"), marker: t("Punkt setzen"),
    circlemarker: t("Kreispunkt setzen"),
  };
  draw.handlers.circle.tooltip.start = t("Drücken und ziehen, um einen Kreis zu zeichnen.");
  draw.handlers.circle.radius = t("Radius");
  draw.handlers.circlemarker.tooltip.start = t("Auf die Karte tippen oder klicken, um den Punkt zu setzen.");
  draw.handlers.marker.tooltip.start = t("Auf die Karte tippen oder klicken, um den Punkt zu setzen.");
  draw.handlers.polygon.tooltip = {
    start: t("Tippen oder klicken Sie auf die erste Ecke des Suchgebiets."),
    cont: t("Tippen oder klicken Sie auf die nächste Ecke."),
    end: t("Nächste Ecke – oder die erste Ecke antippen, um das Gebiet zu schließen."),
  };
  draw.handlers.polyline.error = t("Die Umrisslinie darf sich nicht selbst kreuzen.");
  draw.handlers.polyline.tooltip = {
    start: t("Tippen oder klicken Sie auf den Anfang der Linie."),
    cont: t("Tippen oder klicken Sie auf den nächsten Punkt."),
    end: t("Den letzten Punkt noch einmal antippen, um die Linie zu beenden."),
  };
  draw.handlers.rectangle.tooltip.start = t("Drücken und ziehen, um das Rechteck aufzuziehen.");
  draw.handlers.simpleshape.tooltip.end = t("Loslassen, um das Zeichnen zu beenden.");
  edit.toolbar.actions = {
    save: {title: t("Änderungen übernehmen"), text: t("Übernehmen")},
    cancel: {title: t("Bearbeiten abbrechen, Änderungen verwerfen"), text: t("Abbrechen")},
    clearAll: {title: t("Das ganze Suchgebiet löschen"), text: t("Alles löschen")},
  };
  edit.toolbar.buttons = {
    edit: t("Suchgebiet bearbeiten"), editDisabled: t("Noch kein Suchgebiet zum Bearbeiten"),
    remove: t("Teile des Suchgebiets löschen"), removeDisabled: t("Noch kein Suchgebiet zum Löschen"),
  };
  edit.handlers.edit.tooltip = {
    text: t("Ziehen Sie die Eckpunkte, um das Suchgebiet zu ändern."),
    subtext: t("„Abbrechen“ verwirft die Änderungen."),
  };
  edit.handlers.remove.tooltip.text = t("Tippen oder klicken Sie auf die Fläche, die weg soll.");

  /* The hint beside the finger runs out of the map near its right edge (the map clips it): there it is shown on
     the left of the point. */
  if (L.Draw && L.Draw.Tooltip) {
    var updatePosition = L.Draw.Tooltip.prototype.updatePosition;
    L.Draw.Tooltip.prototype.updatePosition = function (latlng) {
      var result = updatePosition.apply(this, arguments);
      var node = this._container;
      if (node && this._map && latlng) {
        var x = this._map.latLngToContainerPoint(latlng).x;
        var flip = x + 20 + node.offsetWidth > this._map.getSize().x - 4 && x - 20 - node.offsetWidth > 0;
        node.classList.toggle("tooltip-left", flip);
        node.style.marginLeft = flip ? -(node.offsetWidth + 20) + "px" : "";
      }
      return result;
    };
  }

  /* A tap: Leaflet.draw takes the touch and then the click the browser emulates after it, at the same spot. On
     the first corner that echo counts as "tap the first corner to close the shape" and, with one corner, failed
     with „Die Umrisslinie darf sich nicht selbst kreuzen.“ after the user's very first tap; later echoes added a
     second corner on the last one. Both are ignored: a shape with too few corners is not closed (no error shown;
     the tooltip asks for the next corner), and a corner on the last one (within 2 px) is not added. */
  if (L.Draw && L.Draw.Polyline) {
    var finishShape = L.Draw.Polyline.prototype._finishShape;
    L.Draw.Polyline.prototype._finishShape = function () {
      var needed = this.type === "polygon" ? 3 : 2;
      if ((this._markers || []).length < needed) return;
      return finishShape.apply(this, arguments);
    };
    var addVertex = L.Draw.Polyline.prototype.addVertex;
    L.Draw.Polyline.prototype.addVertex = function (latlng) {
      var markers = this._markers || [];
      if (markers.length && this._map) {
        var last = this._map.latLngToContainerPoint(markers[markers.length - 1].getLatLng());
        if (last.distanceTo(this._map.latLngToContainerPoint(latlng)) < 2) return;
      }
      return addVertex.apply(this, arguments);
    };
  }
})();
