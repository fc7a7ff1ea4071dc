"""OGC API – Features, Part 1 (Core, GeoJSON, HTML), for QGIS and GDAL's OAPIF driver.

Paging by limit/offset with absolute, typed next/prev links in a stable order
(GDAL 3.6 follows `next` verbatim and never builds offsets itself). The units
collection uses the same filters and privacy tiers as the exports.
"""

import json

from django.contrib.gis.db.models import Extent
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from registry.exports import queries
from registry.exports.views import ATTRIBUTION, ApiError, error, resolve, site_url
from registry.places.models import Municipality

from .centres import centre_features, centres_matched

GEOJSON = "application/geo+json"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
DEFAULT_LIMIT, MAX_LIMIT = 100, 10_000
COLLECTIONS = {
    "units": (_("Gewerbeeinheiten"), _("Ladenlokale in Thüringer Innenstädten mit Status und Leerstand.")),
    "town-centres": (_("Innenstädte"), _("Zentrale Versorgungsbereiche mit Einheiten und Leerstandsquote.")),
}


def wants_html(request):
    fmt = request.GET.get("f")
    if fmt:
        return fmt == "html"
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "json" not in accept


def json_response(data, content_type="application/json", status=200):
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type=content_type, status=status)


def base(request):
    return site_url(request) + "/ogc"


def ogc_view(view):
    @require_GET
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ApiError as failure:
            return failure.response()

    return wrapper


@ogc_view
def landing(request):
    root = base(request)
    data = {
        "title": _("Leerstandsregister Thüringen"),
        "description": _("Ladenlokale und Leerstände in Thüringer Innenstädten (OGC API – Features)."),
        "attribution": ATTRIBUTION,
        "links": [
            {"rel": "self", "type": "application/json", "title": "Diese Seite", "href": f"{root}/?f=json"},
            {"rel": "alternate", "type": "text/html", "title": "HTML", "href": f"{root}/?f=html"},
            {"rel": "conformance", "type": "application/json", "title": "Konformität", "href": f"{root}/conformance"},
            {"rel": "data", "type": "application/json", "title": "Sammlungen", "href": f"{root}/collections"},
        ],
    }
    if wants_html(request):
        return render(request, "ogc/landing.html", {"data": data, "collections": collection_list(request)})
    return json_response(data)


@ogc_view
def conformance(request):
    return json_response({"conformsTo": CONFORMANCE})


def thuringia_bbox():
    west, south, east, north = Municipality.objects.aggregate(extent=Extent("boundary"))["extent"]
    return [round(west, 6), round(south, 6), round(east, 6), round(north, 6)]


def collection_info(request, name):
    root = base(request)
    title, description = COLLECTIONS[name]
    return {
        "id": name, "title": str(title), "description": str(description), "itemType": "feature",
        "crs": [CRS84], "storageCrs": CRS84,
        "extent": {"spatial": {"bbox": [thuringia_bbox()], "crs": CRS84}},
        "links": [
            {"rel": "self", "type": "application/json", "href": f"{root}/collections/{name}"},
            {"rel": "items", "type": GEOJSON, "title": "Features", "href": f"{root}/collections/{name}/items"},
            {"rel": "items", "type": "text/html", "title": "HTML", "href": f"{root}/collections/{name}/items?f=html"},
        ],
    }


def collection_list(request):
    return [collection_info(request, name) for name in COLLECTIONS]


@ogc_view
def collections(request):
    root = base(request)
    data = {"collections": collection_list(request), "links": [
        {"rel": "self", "type": "application/json", "href": f"{root}/collections"}]}
    if wants_html(request):
        return render(request, "ogc/landing.html", {"data": data, "collections": data["collections"]})
    return json_response(data)


def _collection_or_404(name):
    if name not in COLLECTIONS:
        raise ApiError(404, _("Die Sammlung „%(name)s“ gibt es nicht.") % {"name": name},
                       {"collectionId": [_("Bekannt sind: %(names)s") % {"names": ", ".join(COLLECTIONS)}]})


@ogc_view
def collection(request, name):
    _collection_or_404(name)
    return json_response(collection_info(request, name))


def _paging(request):
    def number(parameter, default, low, high):
        raw = request.GET.get(parameter, "")
        try:
            value = int(raw) if raw != "" else default
        except ValueError:
            raise ApiError(400, _("Ungültiger Parameter."), {parameter: [_("Erwartet wird eine ganze Zahl.")]}) from None
        if not low <= value <= high:
            raise ApiError(400, _("Ungültiger Parameter."), {
                parameter: [_("Erlaubt ist %(low)s bis %(high)s.") % {"low": low, "high": high}]})
        return value
    return number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT), number("offset", 0, 0, 10 ** 9)


def _page_links(request, name, limit, offset, matched, returned):
    root = base(request)
    query = {k: v for k, v in request.GET.items() if k not in ("offset", "limit", "f")}

    def href(new_offset, fmt="json"):
        return f"{root}/collections/{name}/items?" + urlencode({**query, "f": fmt, "limit": limit, "offset": new_offset})

    links = [{"rel": "self", "type": GEOJSON, "href": href(offset)},
             {"rel": "alternate", "type": "text/html", "href": href(offset, "html")},
             {"rel": "collection", "type": "application/json", "href": f"{root}/collections/{name}"}]
    if offset + returned < matched:
        links.append({"rel": "next", "type": GEOJSON, "title": "nächste Seite", "href": href(offset + limit)})
    if offset > 0:
        links.append({"rel": "prev", "type": GEOJSON, "title": "vorige Seite", "href": href(max(offset - limit, 0))})
    return links


@ogc_view
def items(request, name):
    _collection_or_404(name)
    limit, offset = _paging(request)
    if name == "units":
        _user, units, fields = resolve(request)
        matched = units.count()
        sql, params = queries.features_page_sql(units, fields, site_url(request), limit, offset)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            features = json.loads(cursor.fetchone()[0])
    else:
        matched = centres_matched(request)
        features = centre_features(request, limit, offset)
    data = {
        "type": "FeatureCollection", "features": features, "numberMatched": matched,
        "numberReturned": len(features), "timeStamp": timezone.now().isoformat(timespec="seconds"),
        "links": _page_links(request, name, limit, offset, matched, len(features)),
    }
    if wants_html(request):
        return render(request, "ogc/items.html", {"name": name, "data": data, "title": COLLECTIONS[name][0]})
    return json_response(data, GEOJSON)


@ogc_view
def item(request, name, pk):
    _collection_or_404(name)
    if name == "units":
        _user, units, fields = resolve(request, data={})
        sql, params = queries.features_page_sql(units.filter(pk=pk), fields, site_url(request), 1, 0)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            features = json.loads(cursor.fetchone()[0])
    else:
        features = [f for f in centre_features(request, MAX_LIMIT, 0) if str(f["id"]) == str(pk)]
    if not features:
        return error(404, _("Dieses Objekt gibt es nicht oder es ist nicht öffentlich."))
    feature = features[0]
    feature["links"] = [{"rel": "self", "type": GEOJSON, "href": f"{base(request)}/collections/{name}/items/{pk}"},
                        {"rel": "collection", "type": "application/json",
                         "href": f"{base(request)}/collections/{name}"}]
    if wants_html(request):
        return render(request, "ogc/items.html", {"name": name, "title": COLLECTIONS[name][0], "data": {
            "features": [feature], "numberMatched": 1, "numberReturned": 1, "links": feature["links"]}})
    return json_response(feature, GEOJSON)


def not_found(request, rest=""):
    return JsonResponse({"error": _("Unbekannte Adresse in der OGC API.")}, status=404)
