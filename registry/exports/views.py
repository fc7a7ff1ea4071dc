import json

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from registry.api.errors import ApiError, error
from registry.api.streaming import GERMAN_CSV, JSON_LINES, copy_lines
from registry.api.units import ATTRIBUTION, LICENCE, resolve, site_url

from . import geopackage, queries, spreadsheet

GPKG_CRS = {"4326": 4326, "25832": 25832}


def export_request(view):
    @require_GET
    def wrapper(request):
        try:
            _user, units, fields = resolve(request)
        except ApiError as failure:
            return failure.response()
        return view(request, units, fields, site_url(request))

    return wrapper


@export_request
def units_geojson(request, units, fields, site):
    sql, params = queries.geojson_features_sql(units, fields, site)
    head = json.dumps({
        "type": "FeatureCollection",
        "name": "units",
        "attribution": ATTRIBUTION,
        "licence": LICENCE,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
    }, ensure_ascii=False)[:-1] + ', "features": [\n'

    def stream():
        yield head.encode()
        lines = copy_lines(sql, params, JSON_LINES)
        for first in lines:
            yield first[1:]  # every line starts with a comma; the first must not
            break
        yield from lines
        yield b"]}\n"

    response = StreamingHttpResponse(stream(), content_type="application/geo+json")
    response["Content-Disposition"] = 'inline; filename="leerstandsregister-einheiten.geojson"'
    return response


@export_request
def units_csv(request, units, fields, site):
    sql, params = queries.csv_sql(units, fields, site)

    def stream():
        yield "\ufeff".encode()  # BOM: Excel opens UTF-8 with umlauts intact
        yield from copy_lines(sql, params, GERMAN_CSV)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="leerstandsregister-einheiten.csv"'
    return response


@export_request
def units_xlsx(request, units, fields, site):
    sources = [  # German whatever the request language, like the CSV (registry/formats.py)
        ("Quelle", ATTRIBUTION),
        ("Lizenz", LICENCE),
        ("Erstellt", timezone.localtime().strftime("%d.%m.%Y %H:%M")),
        ("Filter", request.GET.urlencode() or "keiner"),
    ]
    try:
        handle = spreadsheet.write(units, fields, site, sources)
    except spreadsheet.TooManyRows:
        limit = f"{spreadsheet.MAX_ROWS:,}".replace(",", ".")
        return error(400, _("Mehr als %(limit)s Einheiten passen nicht in eine XLSX-Tabelle; bitte filtern "
                            "oder CSV bzw. GeoPackage nutzen.") % {"limit": limit})
    return FileResponse(handle, as_attachment=True, filename="leerstandsregister-einheiten.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@export_request
def units_gpkg(request, units, fields, site):
    crs = request.GET.get("crs", "4326").replace("EPSG:", "")
    if crs not in GPKG_CRS:
        return error(400, _("Nicht unterstütztes Koordinatensystem."),
                     {"crs": [_("Erlaubt sind 4326 (WGS84) und 25832 (ETRS89 / UTM 32N).")]})
    sql, params = queries.table_sql(units, fields, site, GPKG_CRS[crs])
    handle = geopackage.write(sql, params, GPKG_CRS[crs], description=ATTRIBUTION)
    return FileResponse(handle, as_attachment=True, filename="leerstandsregister-einheiten.gpkg",
                        content_type="application/geopackage+sqlite3")
