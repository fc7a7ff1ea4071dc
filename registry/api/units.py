"""One API request for units, as every export format and OGC API – Features read it: who asks, which units
(the shared filter and the access policy, through units/selectors.py) and which fields (the policy's tier)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from registry.units import selectors
from registry.units.filters import UnitFilter

from .auth import api_user
from .errors import ApiError

ATTRIBUTION = "Leerstandsregister Thüringen; Gemeindegrenzen © GeoBasis-DE / BKG 2016 (dl-de/by-2-0)"
LICENCE = "dl-de/by-2-0"


def site_url(request):
    return request.build_absolute_uri("/").rstrip("/")


def resolve(request, data=None):
    """(user, units, fields): the asker, the visible and filtered units, the fields (name → (SQL, kind)).

    Raises ApiError: 401 for a bad token, 400 for a bad filter, 403 for contacts not the asker's."""
    data = request.GET if data is None else data
    user = api_user(request)
    form = UnitFilter(data)
    if not form.is_valid():
        body = form.error_json()
        raise ApiError(400, body["error"], body["parameters"])
    include = data.get("include", "")
    if include not in ("", "contacts"):
        raise ApiError(400, _("Unbekannter Wert für include."), {"include": [_("Erlaubt ist nur „contacts“.")]})
    try:
        fields = selectors.fields_for(user, contacts=bool(include))
    except PermissionDenied as denied:
        raise ApiError(403, str(denied), {"include": [str(denied)]}) from None
    return user, selectors.visible_units(user, form, contacts=bool(include)), fields
