"""The write endpoints behind the map: one layer for every change a city manager makes.

Each endpoint answers JSON: 200 with the unit, 400 with German messages per
field, 403 outside the user's municipalities, 409 for a stale edit. The scope
check, validation, locking and who/when all live in services.py.
"""

import json
from functools import wraps

from django.contrib.gis.geos import Point
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registry.accounts import access
from registry.accounts.tokens import InvalidToken, token_from_header, user_for_request
from registry.parsing import parse_date, parse_number

from . import selectors, services
from . import timeline as timeline_module
from .models import Unit

NUMBER_FIELDS = ("floor_area", "sales_area", "frontage", "asking_rent")
TEXT_FIELDS = ("name", "street", "house_number", "postcode", "town", "category", "subcategory", "wz_code",
               "floor", "internal_note", "external_id")
BOOL_FIELDS = ("step_free", "listed_building")


class BadInput(ValidationError):
    pass


def unit_json(unit, user):
    return {
        "id": unit.pk, "version": unit.version, "status": unit.status, "status_label": unit.get_status_display(),
        "name": unit.name, "street": unit.street, "house_number": unit.house_number, "postcode": unit.postcode,
        "town": unit.town, "floor": unit.floor, "category": unit.category, "subcategory": unit.subcategory,
        "floor_area": _number(unit.floor_area), "sales_area": _number(unit.sales_area),
        "frontage": _number(unit.frontage), "asking_rent": _number(unit.asking_rent),
        "step_free": unit.step_free, "listed_building": unit.listed_building,
        "vacant_since": unit.vacant_since and unit.vacant_since.isoformat(),
        "last_checked": unit.last_checked and unit.last_checked.isoformat(),
        "municipality": unit.municipality.ags, "centre": unit.centre.slug if unit.centre else None,
        "location": [round(unit.location.x, 6), round(unit.location.y, 6)],
        "editable": access.can_edit_municipality(user, unit.municipality_id),
        **({"internal_note": unit.internal_note} if access.can_see_private(user, unit.municipality_id) else {}),
    }


def _number(value):
    return None if value is None else float(value)


def _label(field):
    return field_label(field)


# The documented spellings of a yes/no field: JSON true/false, or null/"" for "unknown". Anything else
# ("nein" was stored as true) is refused.
BOOLEANS = {True: True, False: False, None: None, "": None}


def _parse(data):
    """Form-ish JSON → model values, with German errors per field naming its label."""
    values, errors = {}, {}
    for field in NUMBER_FIELDS:
        if field in data:
            raw = data[field]
            if raw in ("", None):
                values[field] = None
                continue
            try:
                values[field] = parse_number(raw)
            except ValueError as error:
                errors[field] = [f"{_label(field)}: {error}"]
    for field in TEXT_FIELDS:
        if field in data:
            values[field] = str(data[field] or "").strip()
    for field in BOOL_FIELDS:
        if field in data:
            raw = data[field]
            if isinstance(raw, bool) or raw in ("", None):
                values[field] = BOOLEANS[raw]
            else:
                errors[field] = [_("%(label)s: bitte true, false oder null angeben (nicht „%(value)s“).")
                                 % {"label": _label(field), "value": str(raw)[:40]}]
    if "location" in data:
        try:
            lon, lat = (float(parse_number(c)) for c in data["location"])
            values["location"] = Point(lon, lat, srid=4326)
        except (TypeError, ValueError):
            errors["location"] = [_("Der Standort braucht Länge und Breite.")]
    if errors:
        raise BadInput(errors)
    return values


def _refuse_control_characters(data, path=""):
    """NUL cannot be stored in PostgreSQL text (it was a 500); no control character belongs in a register."""
    if isinstance(data, dict):
        for key, value in data.items():
            _refuse_control_characters(value, key if not path else path)
    elif isinstance(data, list):
        for value in data:
            _refuse_control_characters(value, path)
    elif isinstance(data, str) and "\x00" in data:
        raise BadInput({path or "__all__": [_("%(field)s: das Feld enthält ein unzulässiges Steuerzeichen (NUL).")
                                            % {"field": path or _("Anfrage")}]})


def _no_constant(name):
    raise ValueError(name)  # NaN, Infinity, -Infinity are not JSON and not a register value


def _date(value, field):
    if not value:
        return None
    try:
        return parse_date(value)
    except (TypeError, ValueError) as error:
        raise BadInput({field: [str(error)]}) from None


# Labels for what is not a model field (the rest comes from Unit's verbose names).
EXTRA_LABELS = {"since": _l("seit"), "date": _l("Datum"), "on_date": _l("Datum"), "note": _l("Notiz"),
                "version": _l("Version"), "status": _l("Status"), "entry": _l("Änderung")}


def field_label(name):
    """The German label a person saw for a field, for error messages („Straße: …“, never „street: …“)."""
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    try:
        return str(Unit._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return ""


def _version(data):
    value = data.get("version")
    if isinstance(value, bool) or not isinstance(value, (int, str)):  # 1e309 arrives as float('inf')
        value = None
    try:
        return int(value)
    except (KeyError, TypeError, ValueError):
        raise BadInput({"version": [_("Die Version der Einheit fehlt.")]}) from None


def _authenticate(request):
    """A session's request has its CSRF token checked here (the endpoints are exempt from the middleware's
    check for the sake of token clients); an API token's request (`Authorization`, no cookie, so nothing
    another site could forge) acts as the token's user. Returns the refusal, or None."""
    try:
        if token_from_header(request.headers.get("Authorization")) is None:
            return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
        request.user = user_for_request(request)  # pghistory's request class records the user in the history
    except InvalidToken:
        return JsonResponse({"error": _("Ungültiges oder widerrufenes API-Token.")}, status=401)
    return None


def write_endpoint(view):
    """Authenticated JSON in, JSON out; maps the services' exceptions onto HTTP answers. Signed in, or
    with an API token of a city manager (history channel „api“)."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        refused = _authenticate(request)
        if refused is not None:
            return refused
        if not request.user.is_authenticated:
            return JsonResponse({"error": _("Bitte melden Sie sich an.")}, status=401)
        try:
            data = json.loads(request.body or b"{}", parse_constant=_no_constant)
            if not isinstance(data, dict):
                raise ValueError
        except ValueError:
            return JsonResponse({"error": _("Die Anfrage ist kein gültiges JSON-Objekt.")}, status=400)
        try:
            _refuse_control_characters(data)
            unit = view(request, data, *args, **kwargs)
        except PermissionDenied as denied:
            return JsonResponse({"error": str(denied) or _("Keine Berechtigung.")}, status=403)
        except services.StaleEdit as stale:
            return JsonResponse({"error": str(stale)}, status=409)
        except Unit.DoesNotExist:
            return JsonResponse({"error": _("Diese Einheit gibt es nicht.")}, status=404)
        except ValidationError as invalid:
            errors = invalid.message_dict if hasattr(invalid, "error_dict") else {"__all__": invalid.messages}
            labels = {name: field_label(name) for name in errors if field_label(name)}
            return JsonResponse({"error": _("Bitte prüfen Sie die Eingaben."), "errors": errors, "labels": labels},
                                status=400)
        return JsonResponse(unit_json(unit, request.user))

    return wrapper


@require_POST
@write_endpoint
def create(request, data):
    values = _parse(data)
    if "location" not in values:
        raise BadInput({"location": [_("Bitte einen Standort auf der Karte wählen.")]})
    return services.create_unit(
        request.user, status=data.get("status") or "vacant", since=_date(data.get("since"), "since"),
        note=str(data.get("note") or ""), **values,
    )


@csrf_exempt  # POST: checked by write_endpoint
@require_http_methods(["GET", "POST"])
def detail(request, pk):
    if request.method == "GET":
        unit = get_object_or_404(selectors.visible_units(request.user).select_related("municipality", "centre"), pk=pk)
        return JsonResponse(unit_json(unit, request.user))
    return _update(request, pk=pk)


@write_endpoint
def _update(request, data, pk):
    return services.update_unit(request.user, pk, _version(data), **_parse(
        {k: v for k, v in data.items() if k != "version"}))


@require_POST
@write_endpoint
def change_status(request, data, pk):
    """The map's status form. The service's `on_date` is the form's `date`: errors are answered under that
    name, each introduced by its label („Datum: …“), as the form showed it."""
    try:
        on_date = _date(data.get("date"), "date")
        return services.change_status(
            request.user, pk, _version(data), data.get("status"), on_date,
            note=str(data.get("note") or ""), category=str(data.get("category") or ""),
        )
    except ValidationError as invalid:
        if not hasattr(invalid, "error_dict"):
            raise
        raise ValidationError({
            ("date" if field == "on_date" else field): [_labelled(field, message) for message in messages]
            for field, messages in invalid.message_dict.items()
        }) from invalid


def _labelled(field, message):
    label = field_label(field)
    return message if not label or message.startswith(label) else f"{label}: {message}"


@require_POST
@write_endpoint
def mark_checked(request, data, pk):
    return services.mark_checked(request.user, pk, _version(data))


@require_GET
def timeline(request, pk):
    """The unit's timeline for the map's popup. 404 for everyone who may not see it — anonymous, owners, another
    town's city manager — exactly as for a unit that does not exist, so nothing about the unit leaks.
    Session only: API tokens (exports, QGIS) are not accepted here, the timeline is no export."""
    unit = Unit.objects.filter(pk=pk).first()
    rights = unit and timeline_module.viewer(request.user, unit)
    if not rights:
        return JsonResponse({"error": _("Diese Einheit gibt es nicht.")}, status=404)
    entries = timeline_module.entries_for(request.user, unit, rights)
    response = JsonResponse({"unit": unit.pk, "version": unit.version, "private": rights.private,
                             "restore": rights.restore, "entries": [entry.as_json() for entry in entries]})
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@write_endpoint
def restore(request, data, pk):
    """„Rückgängig“ on a timeline entry: a new change that puts the old values back, through the services."""
    kind, _sep, number = str(data.get("entry") or "").partition("-")
    undo = {"status": services.undo_status_change, "unit": services.undo_edit}.get(kind)
    if not number.isdigit() or undo is None:
        raise BadInput({"entry": [_("Diese Änderung kann nicht rückgängig gemacht werden.")]})
    try:
        return undo(request.user, pk, _version(data), int(number))
    except ValidationError as invalid:
        if not hasattr(invalid, "error_dict"):
            raise
        # each message introduced by its field's label („Verkaufsfläche (m²): …“), as the map shows them
        raise ValidationError({field: [_labelled(field, message) for message in messages]
                               for field, messages in invalid.message_dict.items()}) from invalid
