"""The OpenAPI 3.0 document (rel=service-desc), generated from the definitions the API itself uses.

Filter parameters come from the shared UnitFilter (label, choices, pattern, type), queryables from
queryables.py, paging limits from params.py: nothing is written twice. QGIS reads `limit`'s default
and maximum from components/parameters/limit; GDAL's OAPIF driver sends an attribute filter to the
server for query parameters named like a field, and as CQL when `filter-lang` lists `cql-text`.
"""

from django import forms
from django.utils.translation import gettext as _

from registry.parsing import GermanDateField, GermanDecimalField
from registry.units.filters import PARAMETERS as UNIT_FILTER_PARAMETERS
from registry.units.filters import BBoxField, TextListField, UnitFilter

from . import crs, params
from .queryables import CENTRE_PROPERTIES, JSON_TYPES, public_unit_properties

OPENAPI_MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"
COLLECTIONS = ("units", "town-centres")


def _ref(name):
    return {"$ref": f"#/components/parameters/{name}"}


def _query(name, description, schema, **extra):
    # style form / explode false: QGIS takes such parameters as server-side filters
    return {"name": name, "in": "query", "required": False, "description": str(description),
            "style": "form", "explode": False, "schema": schema, **extra}


def _unit_filter_parameter(name, field):
    description = str(field.label or name)
    if isinstance(field, forms.MultipleChoiceField):
        values = [str(value) for value, _label in field.choices]
        description += " – " + _("eine oder mehrere von %(values)s, durch Kommas getrennt oder wiederholt") % {
            "values": ", ".join(values)}
        return _query(name, description, {"type": "string"})
    if isinstance(field, TextListField):
        description += " – " + _("durch Kommas getrennt oder wiederholt")
        return _query(name, description, {"type": "string", "pattern": f"^({field.pattern})(,({field.pattern}))*$"})
    if isinstance(field, GermanDecimalField):
        return _query(name, description, {"type": "number", "minimum": 0})
    if isinstance(field, GermanDateField):
        return _query(name, description, {"type": "string", "format": "date"})
    schema = {"type": "string"}
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    return _query(name, description, schema)


def _components():
    crs_enum = list(crs.SUPPORTED)
    return {
        "f": _query("f", _("Ausgabeformat"), {"type": "string", "enum": list(params.FORMATS)}),
        "limit": _query("limit", _("Höchstzahl der Objekte je Seite; größere Werte werden auf das Maximum gesenkt."),
                        {"type": "integer", "minimum": 1, "maximum": params.MAX_LIMIT,
                         "default": params.DEFAULT_LIMIT}),
        "offset": _query("offset", _("Anzahl zu überspringender Objekte"), {"type": "integer", "minimum": 0}),
        "after": _query("after", _("Seite nach dieser Objekt-ID (schnelles Blättern, von next-Links gesetzt)"),
                        {"type": "integer"}),
        "before": _query("before", _("Seite vor dieser Objekt-ID (von prev-Links gesetzt)"), {"type": "integer"}),
        "matched": _query("matched", _("Bereits gezählte Treffer (von next/prev-Links übernommen)"),
                          {"type": "integer", "minimum": 0}),
        "bbox": {**_query("bbox", _("Ausschnitt: minx,miny,maxx,maxy (oder 6 Zahlen mit Höhen) in bbox-crs"),
                          {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}})},
        "bbox-crs": _query("bbox-crs", _("Koordinatensystem von bbox"),
                           {"type": "string", "format": "uri", "enum": crs_enum, "default": crs.CRS84}),
        "crs": _query("crs", _("Koordinatensystem der Ausgabe"),
                      {"type": "string", "format": "uri", "enum": crs_enum, "default": crs.CRS84}),
        "datetime": _query("datetime", _("Zeitpunkt oder Zeitraum (RFC 3339, offen mit ..): Einheiten, deren "
                                         "aktueller Leerstand ihn berührt"), {"type": "string"}),
        "filter": _query("filter", _("CQL2-Filter über die Queryables (Basic CQL2, S_INTERSECTS, BBOX)"),
                         {"type": "string"}),
        "filter-lang": _query("filter-lang", _("Sprache des Filters"),
                              {"type": "string", "enum": list(params.FILTER_LANGUAGES), "default": "cql2-text"}),
        "filter-crs": _query("filter-crs", _("Koordinatensystem der Geometrien im Filter"),
                             {"type": "string", "format": "uri", "enum": crs_enum, "default": crs.CRS84}),
        "sortby": _query("sortby", _("Sortierung: Eigenschaften durch Kommas, - für absteigend"),
                         {"type": "string"}),
        "properties": _query("properties", _("Nur diese Eigenschaften ausgeben (durch Kommas)"), {"type": "string"}),
        "skipGeometry": _query("skipGeometry", _("Ohne Geometrie ausgeben"), {"type": "boolean", "default": False}),
        "include": _query("include", _("„contacts“: Eigentümerkontakte (nur Citymanager, eigene Gemeinden)"),
                          {"type": "string", "enum": ["contacts"]}),
    }


def _items_parameters(name):
    common = [_ref(p) for p in ("f", "limit", "offset", "after", "before", "matched", "bbox", "bbox-crs", "crs",
                                "filter", "filter-lang", "filter-crs", "sortby", "properties", "skipGeometry")]
    if name == "town-centres":
        return common + [_query(prop_name, prop.title, {**JSON_TYPES[prop.kind]})
                         for prop_name, prop in CENTRE_PROPERTIES.items()]
    form = UnitFilter()
    own = [_unit_filter_parameter(field_name, form.fields[field_name])
           for field_name in UNIT_FILTER_PARAMETERS if field_name != "bbox"
           and not isinstance(form.fields[field_name], BBoxField)]
    queryables = [_query(prop_name, f"{prop.title} – {_('gleich diesem Wert')}", dict(JSON_TYPES[prop.kind]))
                  for prop_name, prop in public_unit_properties().items()
                  if prop.queryable and prop_name not in UNIT_FILTER_PARAMETERS]
    return common + [_ref("datetime"), _ref("include")] + own + queryables


def _json(schema_ref, description, media="application/json"):
    return {"description": str(description), "content": {media: {"schema": schema_ref}}}


def _get(summary, operation_id, parameters, responses, tag):
    return {"get": {"summary": str(summary), "operationId": operation_id, "tags": [tag],
                    "parameters": parameters, "responses": responses}}


def document(root):
    """The document for the API at `root` (absolute, e.g. https://host/ogc)."""
    any_object = {"type": "object"}
    error = _json({"$ref": "#/components/schemas/error"}, _("Ungültige Anfrage; `parameters` nennt die Parameter."))
    html = {"text/html": {"schema": {"type": "string"}}}
    ok = {"200": {"description": "OK", "content": {"application/json": {"schema": any_object}, **html}},
          "400": error}
    paths = {
        "/": _get(_("Startseite"), "getLandingPage", [_ref("f")], ok, "Capabilities"),
        "/conformance": _get(_("Erfüllte Konformitätsklassen"), "getConformance", [_ref("f")], ok, "Capabilities"),
        "/api": _get(_("Diese API-Beschreibung"), "getApi", [_ref("f")], {"200": {
            "description": "OK", "content": {OPENAPI_MEDIA_TYPE: {"schema": any_object}, **html}}}, "Capabilities"),
        "/collections": _get(_("Sammlungen"), "getCollections", [_ref("f")], ok, "Capabilities"),
    }
    for name in COLLECTIONS:
        tag = name
        op = name.replace("-", "_")
        paths[f"/collections/{name}"] = _get(_("Beschreibung der Sammlung"), f"describe_{op}", [_ref("f")], ok, tag)
        paths[f"/collections/{name}/items"] = _get(
            _("Objekte der Sammlung (GeoJSON), seitenweise"), f"get_{op}_items", _items_parameters(name), {
                "200": {"description": "FeatureCollection", "content": {
                    "application/geo+json": {"schema": {"$ref": "#/components/schemas/featureCollection"}}, **html}},
                "400": error}, tag)
        paths[f"/collections/{name}/items/{{featureId}}"] = _get(
            _("Ein Objekt"), f"get_{op}_item",
            [{"name": "featureId", "in": "path", "required": True, "schema": {"type": "integer"}},
             _ref("f"), _ref("crs")],
            {"200": {"description": "Feature", "content": {"application/geo+json": {"schema": any_object}, **html}},
             "404": _json({"$ref": "#/components/schemas/error"}, _("Nicht vorhanden oder nicht öffentlich"))}, tag)
        paths[f"/collections/{name}/queryables"] = _get(
            _("Abfragbare Eigenschaften (JSON Schema)"), f"get_{op}_queryables", [_ref("f")], {
                "200": {"description": "JSON Schema", "content": {"application/schema+json": {
                    "schema": any_object}, **html}}}, tag)
        paths[f"/collections/{name}/schema"] = _get(
            _("Schema der Objekte (JSON Schema)"), f"get_{op}_schema", [_ref("f")], {
                "200": {"description": "JSON Schema", "content": {"application/schema+json": {
                    "schema": any_object}, **html}}}, tag)
        paths[f"/collections/{name}/schema/feature"] = _get(
            _("Schema eines Objekts (GeoJSON Feature)"), f"get_{op}_feature_schema", [_ref("f")], {
                "200": {"description": "JSON Schema", "content": {"application/schema+json": {
                    "schema": any_object}, **html}}}, tag)
    return {
        "openapi": "3.0.3",
        "info": {"title": _("Leerstandsregister Thüringen – OGC API – Features"), "version": "1.0.0",
                 "description": _("Ladenlokale und Leerstände in Thüringer Innenstädten. Anonym: veröffentlichte "
                                  "Angebote; mit API-Token (Bearer oder Basic mit dem Token als Passwort) je "
                                  "nach Rolle mehr. Unter /ogc/auth/ fordert der Server die Anmeldung an (401)."),
                 "license": {"name": "dl-de/by-2-0", "url": "https://www.govdata.de/dl-de/by-2-0"},
                 "contact": {"name": _("Leerstandsregister Thüringen")}},
        "servers": [{"url": root}],
        "tags": [{"name": "Capabilities"}, {"name": "units"}, {"name": "town-centres"}],
        "paths": paths,
        "components": {
            "parameters": _components(),
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"},
                                "basic": {"type": "http", "scheme": "basic"}},
            "schemas": {
                "error": {"type": "object", "required": ["error"], "properties": {
                    "error": {"type": "string"}, "parameters": {"type": "object", "additionalProperties": {
                        "type": "array", "items": {"type": "string"}}}}},
                "featureCollection": {"type": "object", "required": ["type", "features"], "properties": {
                    "type": {"type": "string", "enum": ["FeatureCollection"]},
                    "features": {"type": "array", "items": any_object},
                    "numberMatched": {"type": "integer", "minimum": 0},
                    "numberReturned": {"type": "integer", "minimum": 0},
                    "timeStamp": {"type": "string", "format": "date-time"},
                    "links": {"type": "array", "items": any_object}}},
            },
        },
        "security": [{}, {"token": []}, {"basic": []}],
    }
