"""/api/requests.csv and /api/requests.geojson for city managers (their municipalities) and admins.

Anonymous → 401 (with the same challenge as the unit exports), other roles → 403. Who is looking (name,
organisation, e-mail, phone, concept) only with include=contacts, as for units; unconfirmed requests and the
personal data of deleted ones never. Geometry: the drawn area, else the named centres, else the municipalities.
"""

import csv
import json

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from registry.accounts import access
from registry.api.auth import CHALLENGE, api_user
from registry.api.errors import ApiError
from registry.formats import spreadsheet_text

from .models import SpaceRequest
from .services import requests_visible_to

FIELDS = ["id", "state", "category", "subcategory", "min_area", "max_area", "min_frontage", "floors", "step_free",
          "max_rent", "max_rent_total", "wanted_from", "centres", "municipalities", "created", "expires_on",
          "proposals", "source"]
CONTACT_FIELDS = ["name", "organisation", "email", "phone", "concept"]

_SQL = """
  SELECT r.id, r.state, r.category, NULLIF(r.subcategory, '') AS subcategory, r.min_area, r.max_area, r.min_frontage,
         array_to_string(r.floors, ',') AS floors, r.step_free, r.max_rent, r.max_rent_total, r.wanted_from,
         (SELECT string_agg(c.slug, ',' ORDER BY c.slug) FROM seekers_spacerequest_centres rc
          JOIN places_towncentre c ON c.id = rc.towncentre_id WHERE rc.spacerequest_id = r.id) AS centres,
         (SELECT string_agg(m.ags, ',' ORDER BY m.ags) FROM seekers_spacerequest_municipalities rm
          JOIN places_municipality m ON m.id = rm.municipality_id WHERE rm.spacerequest_id = r.id) AS municipalities,
         (r.created_at AT TIME ZONE 'Europe/Berlin')::date AS created, r.expires_on,
         (SELECT count(*) FROM seekers_proposal p WHERE p.request_id = r.id) AS proposals, r.source,
         r.name, r.organisation, r.email, r.phone, r.concept,
         ST_AsGeoJSON(COALESCE(r.area,
           (SELECT ST_Multi(ST_Union(c.boundary)) FROM seekers_spacerequest_centres rc
            JOIN places_towncentre c ON c.id = rc.towncentre_id WHERE rc.spacerequest_id = r.id),
           (SELECT ST_Multi(ST_Union(ST_SimplifyPreserveTopology(m.boundary, 0.0005)))
            FROM seekers_spacerequest_municipalities rm JOIN places_municipality m ON m.id = rm.municipality_id
            WHERE rm.spacerequest_id = r.id)), 6) AS geometry
  FROM seekers_spacerequest r
  WHERE r.id IN ({ids}) AND r.state <> 'unconfirmed'
  ORDER BY r.id"""


def _resolve(request):
    """(rows, fields); raises ApiError."""
    user = api_user(request)
    if not user.is_authenticated:
        raise ApiError(401, _("Flächengesuche gibt es nur für angemeldete Citymanager."),
                       headers={"WWW-Authenticate": CHALLENGE})
    if not access.manages_units(user):
        raise ApiError(403, _("Flächengesuche sehen nur Citymanager ihrer Gemeinden."))
    include = request.GET.get("include", "")
    if include not in ("", "contacts"):
        raise ApiError(400, _("Unbekannter Wert für include: erlaubt ist nur „contacts“."))
    ids_sql, ids_params = requests_visible_to(user, SpaceRequest.objects.all()).values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_SQL.format(ids=ids_sql), ids_params)
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return rows, FIELDS + (CONTACT_FIELDS if include else [])


def _json_value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is not None and type(value).__name__ == "Decimal":
        return float(value)
    return value


@require_GET
def requests_geojson(request):
    try:
        rows, fields = _resolve(request)
    except ApiError as failure:
        return failure.response()
    features = [{"type": "Feature", "id": row["id"],
                 "geometry": json.loads(row["geometry"]) if row["geometry"] else None,
                 "properties": {field: _json_value(row[field]) for field in fields}} for row in rows]
    return JsonResponse({"type": "FeatureCollection", "features": features},
                        content_type="application/geo+json", json_dumps_params={"ensure_ascii": False})


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    if type(value).__name__ == "Decimal":
        return format(value.normalize(), "f").replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return spreadsheet_text(value)


@require_GET
def requests_csv(request):
    try:
        rows, fields = _resolve(request)
    except ApiError as failure:
        return failure.response()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="leerstandsregister-gesuche.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with umlauts intact
    writer = csv.writer(response, delimiter=";")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([_csv_value(row[field]) for field in fields])
    return response
