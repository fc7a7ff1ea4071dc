"""The one filter definition for map, list, exports and API.

Parameters (stable, see README): status, category, municipality (AGS), centre
(slug), min_area, max_area (floor area, m²), vacant_since_before (date), bbox
(minLon,minLat,maxLon,maxLat), q (address text), checked_before (date: units last
checked before it, or never — due for re-verification). Lists may be given
comma-separated or repeated. Errors name the parameter, in German.
"""

import datetime
import re

from django import forms
from django.utils.http import urlencode
from django.contrib.gis.geos import Polygon
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.parsing import GermanDateField, GermanDecimalField
from registry.places.models import Municipality, TownCentre

from .categories import Category
from .vacancy import Status

PARAMETERS = ("status", "category", "municipality", "centre", "min_area", "max_area",
              "vacant_since_before", "bbox", "q", "checked_before")
LIST_PARAMETERS = ("status", "category", "municipality", "centre")


def split_values(values):
    """["vacant,reserved", "occupied"] → ["vacant", "reserved", "occupied"]: repeated and comma-separated alike."""
    values = values if isinstance(values, (list, tuple)) else [values]
    return [part.strip() for item in values if item is not None for part in str(item).split(",") if part.strip()]


def querystring(data, parameters, list_parameters=(), **overrides):
    """The one way a filter goes back into a URL: `data` (a QueryDict or dict) restricted to `parameters`, list
    parameters normalised (comma-separated or repeated in, repeated out), empty values dropped, then `overrides`
    (None removes a key, a list repeats it). Used by every link, data request and next page that carries filters."""
    query = {}
    for key in parameters:
        if hasattr(data, "getlist"):
            values = data.getlist(key)
        else:
            values = data.get(key)
            values = [] if values is None else values if isinstance(values, (list, tuple)) else [values]
        if key in list_parameters:
            values = split_values(values)
        else:
            values = [str(value).strip() for value in values[-1:] if str(value).strip()]  # the last one wins
        if values:
            query[key] = values
    for key, value in overrides.items():
        if value is None or value == "" or value == []:
            query.pop(key, None)
        else:
            query[key] = [str(item) for item in value] if isinstance(value, (list, tuple)) else [str(value)]
    return urlencode(query, doseq=True)


class CommaSeparatedField(forms.MultipleChoiceField):
    def to_python(self, value):
        values = super().to_python(value)
        return [part.strip() for item in values for part in item.split(",") if part.strip()]


class TextListField(forms.Field):
    def __init__(self, pattern=None, message=None, **kwargs):
        super().__init__(required=False, **kwargs)
        self.pattern, self.message = pattern, message

    def to_python(self, value):
        values = value if isinstance(value, (list, tuple)) else ([value] if value else [])
        items = [part.strip() for item in values for part in str(item).split(",") if part.strip()]
        if self.pattern:
            for item in items:
                if not re.fullmatch(self.pattern, item):
                    raise forms.ValidationError(self.message % {"value": item})
        return items


class BBoxField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            west, south, east, north = (float(part) for part in value.split(","))
        except ValueError:
            raise forms.ValidationError(
                _("bbox erwartet vier Zahlen: minLon,minLat,maxLon,maxLat (WGS84).")
            ) from None
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise forms.ValidationError(
                _("bbox liegt außerhalb von WGS84 oder Minimum ist nicht kleiner als Maximum.")
            )
        return Polygon.from_bbox((west, south, east, north))


class UnitFilter(forms.Form):
    status = CommaSeparatedField(choices=Status.choices, required=False, label=_("Status"))
    category = CommaSeparatedField(choices=Category.choices, required=False, label=_("Nutzungsart"))
    municipality = TextListField(r"\d{8}", _("„%(value)s“ ist kein 8-stelliger AGS."), label=_("Gemeinde (AGS)"))
    centre = TextListField(r"[-a-z0-9]+", _("„%(value)s“ ist kein Kurzname einer Innenstadt."),
                           label=_("Innenstadt"))
    min_area = GermanDecimalField(required=False, min_value=0, label=_("Fläche ab (m²)"))
    max_area = GermanDecimalField(required=False, min_value=0, label=_("Fläche bis (m²)"))
    vacant_since_before = GermanDateField(required=False, label=_("leer seit vor dem"))
    bbox = BBoxField(required=False, label=_("Kartenausschnitt"))
    q = forms.CharField(required=False, max_length=100, label=_("Adresse"))
    checked_before = GermanDateField(required=False, label=_("zuletzt geprüft vor dem"))

    def __init__(self, data=None, **kwargs):
        if data is not None and hasattr(data, "getlist"):
            data = {key: data.getlist(key) if key in LIST_PARAMETERS else data.get(key) for key in data}
        super().__init__(data, **kwargs)

    def querystring(self, **overrides):
        """This filter as a query string (without "?"), e.g. for the map's data request, export links, list pages:
        `form.querystring(bbox=None, seite=2)`. Built from what was asked, normalised, so an invalid value is
        kept for the page to name it rather than silently dropped."""
        return querystring(self.data or {}, PARAMETERS, LIST_PARAMETERS, **overrides)

    def clean_centre(self):
        # A mistyped or outdated centre in a shared link used to show an empty map without a word.
        slugs = self.cleaned_data["centre"]
        known = set(TownCentre.objects.filter(slug__in=slugs).values_list("slug", flat=True)) if slugs else set()
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            raise forms.ValidationError(_("„%(value)s“ ist keine bekannte Innenstadt.") % {"value": unknown[0]})
        return slugs

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_area"), cleaned.get("max_area")
        if low is not None and high is not None and low > high:
            self.add_error("max_area", _("Die Höchstfläche ist kleiner als die Mindestfläche."))
        return cleaned

    def apply(self, units, without=()):
        """Filter a Unit queryset; call only when the form is valid. `without` skips parameters."""
        data = {key: value for key, value in self.cleaned_data.items() if key not in without}
        if data.get("status"):
            units = units.filter(status__in=data["status"])
        if data.get("category"):
            units = units.filter(category__in=data["category"])
        # Subqueries, not joins: the exports compile this WHERE onto the bare unit table.
        if data.get("municipality"):
            units = units.filter(municipality_id__in=Municipality.objects.filter(
                ags__in=data["municipality"]).values("id"))
        if data.get("centre"):
            units = units.filter(centre_id__in=TownCentre.objects.filter(slug__in=data["centre"]).values("id"))
        if data.get("min_area") is not None:
            units = units.filter(floor_area__gte=data["min_area"])
        if data.get("max_area") is not None:
            units = units.filter(floor_area__lte=data["max_area"])
        if data.get("vacant_since_before"):
            units = units.filter(vacant_since__lt=data["vacant_since_before"])
        if data.get("bbox"):
            # && is exact for points against an axis-aligned box, and far cheaper than ST_Intersects
            units = units.filter(location__bboverlaps=data["bbox"])
        if data.get("q"):
            units = units.filter(street__icontains=data["q"])
        if data.get("checked_before"):
            # never checked is the most overdue of all
            units = units.filter(Q(last_checked__lt=data["checked_before"]) | Q(last_checked__isnull=True))
        return units

    def error_json(self):
        """{"error": ..., "parameters": {name: ["<Label>: message"]}, "labels": {name: label}} for API answers:
        the parameter as a machine names it, the message as a person reads it (the field's German label)."""
        labels = {name: str(self.fields[name].label) for name in self.errors if name in self.fields}

        def labelled(name, message):
            label = labels.get(name)
            return f"{label}: {message}" if label and not message.startswith(label) else message

        return {
            "error": str(_("Ungültige Filterparameter.")),
            "parameters": {name: [labelled(name, str(message)) for message in messages]
                           for name, messages in self.errors.items()},
            "labels": labels,
        }


class FiguresFilter(forms.Form):
    """Stichtag and Nutzungsart of the figures (statistics, demand figures of the seekers)."""

    date = forms.DateField(required=False, input_formats=["%Y-%m-%d", "%d.%m.%Y"], label=_("Stichtag"))
    category = forms.ChoiceField(choices=[("", "")] + list(Category.choices), required=False,
                                 label=_("Nutzungsart"))

    def clean_date(self):
        day = self.cleaned_data["date"] or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(_("Der Stichtag darf nicht in der Zukunft liegen."))
        if day < datetime.date(2000, 1, 1):
            raise forms.ValidationError(_("Der Stichtag liegt vor Beginn der Aufzeichnungen."))
        return day
