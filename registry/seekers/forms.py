"""Forms for requests: the public „Fläche gesucht“, the seeker's edit form, the staff form, proposals.

Numbers and dates go through registry.parsing (the one German parser): „1.250“, „9,50 €“, „80 m²“.
Every error names its field by its label, so the summary at the top of the page is readable on its own.
"""

import json

from django import forms
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection
from django.db.models import Q
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from leaflet.forms.fields import MultiPolygonField as LeafletMultiPolygonField
from leaflet.forms.widgets import LeafletWidget

from registry.parsing import GermanDateField, GermanDecimalField
from registry.places.models import Municipality, TownCentre
from registry.units.models import Floor

from .models import Frequency, Proposal, SpaceRequest

MAX_AREA_KM2 = 2500  # a drawn area larger than this is not a search for a shop


class LabelledErrors:
    """Prefix each field error with the field's label: „Fläche bis: … “."""

    def full_clean(self):
        super().full_clean()
        for name, errors in list(self._errors.items()):
            if name == forms.forms.NON_FIELD_ERRORS or name not in self.fields:
                continue
            label = str(self.fields[name].label)
            self._errors[name] = self.error_class(
                [message if message.startswith(label + ":") else f"{label}: {message}" for message in errors])


class MunicipalitiesField(forms.CharField):
    """Thuringian municipalities by name or AGS, comma-separated; anything else is named in the error."""

    def clean(self, value):
        value = super().clean(value)
        found, unknown = [], []
        for part in [p.strip() for p in (value or "").replace(";", ",").split(",") if p.strip()]:
            match = Municipality.objects.filter(Q(ags=part) | Q(name__iexact=part)).order_by("ags").first()
            (found.append(match) if match else unknown.append(part))
        if unknown:
            raise forms.ValidationError(
                _("„%(names)s“ ist keine Thüringer Gemeinde (Name oder 8-stelliger AGS, z. B. Weimar oder 16055000).")
                % {"names": "“, „".join(unknown)})
        return found


class AreaWidget(LeafletWidget):
    """django-leaflet's map with Leaflet.draw (polygon and rectangle tools, edit and delete; mouse and touch), storing
    GeoJSON in the field. The map starts on Thuringia; the response's CSP nonce is set per form (RequestForm)."""

    geom_type = "MULTIPOLYGON"

    def id_for_label(self, id_):
        return f"{id_}-map" if id_ else id_  # the error summary links to the map, not to the hidden GeoJSON

    settings_overrides = {"DEFAULT_CENTER": (50.90, 11.03), "DEFAULT_ZOOM": 8}


class AreaField(LeafletMultiPolygonField):
    """A drawn (or pasted GeoJSON) search area in Thuringia, stored as a MultiPolygon in WGS84.

    Checked before anything is stored: that it is a polygon at all, that its outline does not cross itself (PostGIS
    would match a bow-tie unpredictably), and, in PostGIS, that it lies in Thuringia and is not absurdly large."""

    widget = AreaWidget
    default_error_messages = {
        "invalid_geom": gettext_lazy("Das gezeichnete Gebiet ist keine gültige Fläche."),
        "invalid_geom_type": gettext_lazy("Bitte zeichnen Sie eine Fläche (Vieleck oder Rechteck), keine Linie "
                                          "und keinen Punkt."),
        "transform_error": gettext_lazy("Das gezeichnete Gebiet ist keine gültige Fläche."),
    }

    def to_python(self, value):
        if isinstance(value, str) and value.strip().startswith("{"):
            # a GeoJSON Feature or FeatureCollection (pasted or from a GIS) carries its geometry inside
            try:
                data = json.loads(value)
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid_geom"], code="invalid_geom") from None
            if isinstance(data, dict) and data.get("type") == "FeatureCollection" and data.get("features"):
                data = data["features"][0]
            if isinstance(data, dict) and data.get("type") == "Feature":
                value = json.dumps(data.get("geometry"))
        return super().to_python(value)

    def clean(self, value):
        geometry = forms.Field.clean(self, value)  # to_python and required; the type check follows, lenient
        if geometry is None or geometry.empty:
            return None
        if isinstance(geometry, Polygon):
            geometry = MultiPolygon(geometry, srid=geometry.srid)
        if not isinstance(geometry, MultiPolygon):
            raise forms.ValidationError(self.error_messages["invalid_geom_type"], code="invalid_geom_type")
        if geometry.srid != 4326:
            geometry.transform(4326)
        if not geometry.valid:
            if "self-intersection" in (geometry.valid_reason or "").lower():
                raise forms.ValidationError(_("Die Umrisslinie kreuzt sich selbst. Bitte zeichnen Sie das Gebiet "
                                              "ohne Überschneidung (oder als mehrere Flächen)."),
                                            code="self_intersection")
            raise forms.ValidationError(self.error_messages["invalid_geom"], code="invalid_geom")
        with connection.cursor() as cursor:
            cursor.execute("""
              SELECT ST_Area(ST_Difference(%(g)s::geometry, ST_Union(boundary))::geography) / ST_Area(%(g)s::geography),
                     ST_Area(%(g)s::geography) / 1e6
              FROM places_municipality WHERE ST_Intersects(boundary, %(g)s::geometry)""", {"g": geometry.ewkt})
            outside, km2 = cursor.fetchone()
        if outside is None or outside > 0.05:
            raise forms.ValidationError(_("Das Gebiet liegt (überwiegend) außerhalb Thüringens."))
        if km2 > MAX_AREA_KM2:
            raise forms.ValidationError(_("Das Gebiet ist zu groß; bitte zeichnen Sie es enger."))
        return geometry


class RequestForm(LabelledErrors, forms.ModelForm):
    # localize=True: the edit forms show a stored „12.50“ as „12,50“, as people type it (parse_number reads both)
    centres = forms.ModelMultipleChoiceField(
        TownCentre.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Innenstädte"))
    municipalities = MunicipalitiesField(
        required=False, label=gettext_lazy("Gemeinden"),
        help_text=gettext_lazy("Name oder AGS, mehrere durch Komma getrennt, z. B. „Weimar, Apolda“."))
    area = AreaField(required=False, label=gettext_lazy("Suchgebiet"), help_text=gettext_lazy(
        "Optional, statt oder zusätzlich zu Innenstädten und Gemeinden: oben links in der Karte „Polygon“ oder "
        "„Rechteck“ wählen und das Gebiet zeichnen (mit Maus oder Finger; ein Polygon mit einem Tipp auf seinen "
        "ersten Punkt schließen). Mehrere Flächen sind möglich."))
    min_area = GermanDecimalField(localize=True, label=gettext_lazy("Fläche von (m²)"), min_value=1, max_value=100000,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    max_area = GermanDecimalField(localize=True, label=gettext_lazy("Fläche bis (m²)"), min_value=1, max_value=100000,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    min_frontage = GermanDecimalField(localize=True, label=gettext_lazy("Schaufensterfront mindestens (m)"), required=False,
                                      min_value=0, max_value=1000, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    max_rent = GermanDecimalField(localize=True, label=gettext_lazy("Kaltmiete höchstens (€/m²)"), required=False, min_value=0,
                                  max_value=10000, decimal_places=2, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    max_rent_total = GermanDecimalField(localize=True, label=gettext_lazy("Kaltmiete höchstens (€/Monat gesamt)"), required=False,
                                        min_value=0, max_value=10000000, decimal_places=2,
                                        widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    floors = forms.MultipleChoiceField(choices=Floor.choices, initial=[Floor.GROUND], widget=forms.CheckboxSelectMultiple,
                                       label=gettext_lazy("Geschoss"))
    wanted_from = GermanDateField(label=gettext_lazy("gesucht ab"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    frequency = forms.ChoiceField(choices=Frequency.choices, initial=Frequency.DAILY, widget=forms.RadioSelect,
                                  label=gettext_lazy("Passende Angebote per E-Mail"))

    class Meta:
        model = SpaceRequest
        fields = ["name", "organisation", "email", "phone", "category", "subcategory", "concept", "centres",
                  "municipalities", "area", "min_area", "max_area", "min_frontage", "floors", "step_free", "max_rent",
                  "max_rent_total", "wanted_from", "frequency"]
        widgets = {"concept": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, csp_nonce=None, **kwargs):
        super().__init__(*args, **kwargs)
        # the map's set-up script is inline: it runs only with this response's CSP nonce (compared with None:
        # bool() of django-csp's lazy nonce is False until it has been read)
        self.fields["area"].widget.csp_nonce = None if csp_nonce is None else str(csp_nonce)
        self.fields["name"].required = True
        if "email" in self.fields:
            self.fields["email"].required = True
        self.fields["concept"].label = _("Konzept (kurz: was haben Sie vor?)")
        if self.instance.pk and not self.is_bound:
            self.initial["municipalities"] = ", ".join(m.name for m in self.instance.municipalities.all())

    def clean(self):
        data = super().clean()
        low, high = data.get("min_area"), data.get("max_area")
        if low is not None and high is not None and low > high:
            self.add_error("max_area", _("„Fläche bis“ (%(high)s m²) ist kleiner als „Fläche von“ (%(low)s m²) – "
                                         "bitte die Werte tauschen.") % {"high": floatformat(high, "-1g"), "low": floatformat(low, "-1g")})
        if (not data.get("centres") and not data.get("municipalities") and not data.get("area")
                and not self.errors.keys() & {"municipalities", "area"}):
            self.add_error("centres", _("Bitte wählen Sie mindestens eine Innenstadt oder Gemeinde "
                                        "(oder zeichnen Sie ein Suchgebiet)."))
        from registry.units.categories import subcategory_fits

        if not subcategory_fits(data.get("category"), data.get("subcategory")):
            self.add_error("subcategory", _("Die Branche passt nicht zur Nutzungsart."))
        return data

    def _save_m2m(self):
        pass  # regions are written by the services


class PublicRequestForm(RequestForm):
    consent_contact = forms.BooleanField(label=gettext_lazy(
        "Ich willige ein, dass das Citymanagement der gewählten Städte mich zu meinem Gesuch kontaktiert."))
    consent_matches = forms.BooleanField(label=gettext_lazy(
        "Ich möchte passende Angebote per E-Mail erhalten (jederzeit abbestellbar)."))
    website = forms.CharField(required=False, label=gettext_lazy("Bitte leer lassen"))  # honeypot

    def is_bot(self):
        return bool(self.data.get("website"))


class EditRequestForm(RequestForm):
    """The seeker's own edit: everything but the e-mail address (a new one would need a new opt-in)."""

    class Meta(RequestForm.Meta):
        fields = [f for f in RequestForm.Meta.fields if f != "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("email", None)


class StaffRequestForm(RequestForm):
    consent_contact = forms.BooleanField(label=gettext_lazy("Einwilligung zur Kontaktaufnahme liegt vor"),
                                         help_text=gettext_lazy("z. B. mündlich am Telefon; wird mit Ihrem Namen erfasst."))
    consent_matches = forms.BooleanField(required=False, label=gettext_lazy(
        "Einwilligung zu E-Mails mit passenden Angeboten liegt vor"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = False

    def clean(self):
        data = super().clean()
        if data.get("consent_matches") and not data.get("email"):
            self.add_error("email", _("Für E-Mails mit passenden Angeboten wird eine E-Mail-Adresse gebraucht."))
        return data


class ProposalOutcomeForm(LabelledErrors, forms.Form):
    outcome = forms.ChoiceField(choices=[c for c in Proposal.Outcome.choices if c[0] != "proposed"],
                                label=gettext_lazy("Ergebnis"))
    on = GermanDateField(label=gettext_lazy("Datum"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=gettext_lazy("Grund der Absage"), required=False, max_length=300)
    note = forms.CharField(label=gettext_lazy("Notiz"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
