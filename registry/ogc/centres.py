"""The town-centres collection: outlines with aggregate figures only (public)."""

import json

from django.db.models import Count, Q

from registry.places.models import TownCentre
from registry.units.filters import BBoxField
from registry.units.vacancy import Status, vacancy_rate, vacant_q

from registry.exports.views import ApiError


def _centres(request):
    centres = TownCentre.objects.select_related("municipality").order_by("id")
    raw = request.GET.get("bbox")
    if raw:
        try:
            centres = centres.filter(boundary__intersects=BBoxField().clean(raw))
        except Exception as invalid:  # forms.ValidationError
            raise ApiError(400, "Ungültige Filterparameter.", {"bbox": list(getattr(invalid, "messages", []))}) from None
    return centres


def centres_matched(request):
    return _centres(request).count()


def centre_features(request, limit, offset):
    centres = _centres(request).annotate(
        total=Count("units"), vacant=Count("units", filter=vacant_q("units__")),
        interim=Count("units", filter=Q(units__status=Status.INTERIM_USE)),
    )[offset:offset + limit]
    return [{
        "type": "Feature", "id": c.pk, "geometry": json.loads(c.boundary.geojson),
        "properties": {"slug": c.slug, "name": c.name, "municipality": c.municipality.ags,
                       "municipality_name": c.municipality.name, "units": c.total, "vacant": c.vacant,
                       "interim_use": c.interim, "vacancy_rate": vacancy_rate(c.vacant, c.total)},
    } for c in centres]
