"""Shop units (Gewerbeeinheiten) and their occupancy history.

Derived columns are kept right by the database itself (triggers created in the
`0002_derivation_triggers` migration, their functions in registry/units/sql/), so bulk loads, the admin and the
services can never leave them inconsistent:
- `municipality` and `centre` follow the location;
- `status` and `vacant_since` follow the open occupancy interval.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry import history
from registry.owners.models import Owner
from registry.places.models import Municipality, TownCentre

from .categories import Category, Subcategory, subcategory_fits
from .vacancy import VACANT_STATUSES, Status

NOT_NEGATIVE = _("Der Wert darf nicht negativ sein.")


class Floor(models.TextChoices):
    BASEMENT = "UG", _("Untergeschoss (UG)")
    GROUND = "EG", _("Erdgeschoss (EG)")
    UPPER = "OG", _("Obergeschoss (OG)")


class DateRange(Func):
    function = "daterange"
    output_field = DateRangeField()


# Geometries copied into events without a spatial index: events are found by unit, never by place.
@history.track(attrs={
    "location": models.PointField(_("Standort"), srid=4326, spatial_index=False),
    "footprint": models.PolygonField(_("Grundriss"), srid=4326, null=True, blank=True, spatial_index=False),
})
class Unit(models.Model):
    external_id = models.CharField(_("Externe ID"), max_length=100, blank=True)
    name = models.CharField(_("Bezeichnung"), max_length=200, blank=True)
    street = models.CharField(_("Straße"), max_length=200)
    house_number = models.CharField(_("Hausnummer"), max_length=20, blank=True)
    postcode = models.CharField(
        _("PLZ"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("Die PLZ hat genau 5 Ziffern."))],
    )
    town = models.CharField(_("Ort"), max_length=120, blank=True)
    location = models.PointField(_("Standort"), srid=4326)
    footprint = models.PolygonField(_("Grundriss"), srid=4326, null=True, blank=True)
    floor = models.CharField(_("Geschoss"), max_length=2, choices=Floor.choices, default=Floor.GROUND)
    floor_area = models.DecimalField(
        _("Nutzfläche (m²)"), max_digits=9, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0, message=NOT_NEGATIVE)],
    )
    sales_area = models.DecimalField(
        _("Verkaufsfläche (m²)"), max_digits=9, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0, message=NOT_NEGATIVE)],
    )
    frontage = models.DecimalField(
        _("Schaufensterfront (m)"), max_digits=6, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0, message=NOT_NEGATIVE)],
    )
    step_free = models.BooleanField(_("barrierefrei"), null=True, blank=True)
    listed_building = models.BooleanField(_("Denkmalschutz"), default=False)
    category = models.CharField(_("Nutzungsart"), max_length=20, choices=Category.choices, blank=True)
    subcategory = models.CharField(
        _("Branche"), max_length=20, choices=Subcategory.choices, blank=True
    )
    wz_code = models.CharField(
        _("WZ-2008-Schlüssel"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{2}(\.\d{1,2}(\.\d{1,2})?)?$", _("Ein WZ-Schlüssel sieht aus wie 47.71."))],
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.OCCUPIED, editable=False
    )
    vacant_since = models.DateField(_("leer seit"), null=True, blank=True, editable=False)
    asking_rent = models.DecimalField(
        _("Kaltmiete (€/m²)"), max_digits=7, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0, message=NOT_NEGATIVE)],
    )
    last_checked = models.DateField(_("zuletzt geprüft"), null=True, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="units",
        verbose_name=_("Gemeinde"), editable=False, db_index=False,  # (municipality, status) serves
    )
    centre = models.ForeignKey(
        TownCentre, on_delete=models.SET_NULL, null=True, blank=True, related_name="units",
        verbose_name=_("Innenstadt"), editable=False, db_index=False,  # (centre, status) serves
    )
    owner = models.ForeignKey(
        Owner, on_delete=models.SET_NULL, null=True, blank=True, related_name="units",
        verbose_name=_("Eigentümer"),
    )
    internal_note = models.TextField(_("Interne Notiz"), blank=True)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("geändert am"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, verbose_name=_("angelegt von"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, verbose_name=_("geändert von"),
    )
    version = models.PositiveIntegerField(_("Version"), default=1, editable=False)

    class Meta:
        verbose_name = _("Gewerbeeinheit")
        verbose_name_plural = _("Gewerbeeinheiten")
        ordering = ["street", "house_number", "id"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["centre", "status"]),
            # The units in centres, first step of every statistic: an index-only scan of a small partial index
            # instead of one heap page per unit (at 1 M units 2.9 s → 11 ms for 25,871 units, bench/load.py).
            models.Index(fields=["centre", "id"], include=["category", "floor_area"],
                         condition=Q(centre__isnull=False), name="unit_in_centre"),
            models.Index(fields=["vacant_since"]),
            # a plain btree: matching is by equality, the LIKE index Django adds for db_index is not needed
            models.Index(fields=["external_id"], name="unit_external_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="unit_status_known"),
            models.CheckConstraint(
                condition=Q(category="") | Q(category__in=Category.values), name="unit_category_known"
            ),
            models.CheckConstraint(condition=Q(floor_area__gte=0), name="unit_floor_area_not_negative"),
            models.CheckConstraint(condition=Q(sales_area__gte=0), name="unit_sales_area_not_negative"),
            models.CheckConstraint(condition=Q(frontage__gte=0), name="unit_frontage_not_negative"),
            models.CheckConstraint(condition=Q(asking_rent__gte=0), name="unit_rent_not_negative"),
            models.CheckConstraint(
                condition=Q(sales_area__isnull=True) | Q(floor_area__isnull=True)
                | Q(sales_area__lte=F("floor_area")),
                name="unit_sales_area_within_floor_area",
                violation_error_message=_("Die Verkaufsfläche darf nicht größer sein als die Nutzfläche."),
            ),
        ]

    def __str__(self):
        return self.name or self.address

    @property
    def address(self):
        return " ".join(part for part in (self.street, self.house_number) if part)

    @property
    def counts_as_vacant(self):
        return self.status in VACANT_STATUSES

    @property
    def vacancy_days(self):
        if not self.vacant_since:
            return None
        return (timezone.localdate() - self.vacant_since).days

    def clean(self):
        errors = {}
        if self.location is not None:
            municipality = Municipality.objects.filter(boundary__covers=self.location).first()
            if municipality is None:
                errors["location"] = _("Der Standort liegt in keiner Thüringer Gemeinde.")
            else:
                self.municipality = municipality
                self.centre = TownCentre.objects.filter(boundary__covers=self.location).first()
        if self.footprint is not None and not self.footprint.valid:
            errors["footprint"] = _("Der Grundriss ist keine gültige Fläche: %(reason)s") % {
                "reason": self.footprint.valid_reason
            }
        if (
            self.sales_area is not None
            and self.floor_area is not None
            and self.sales_area > self.floor_area
        ):
            errors["sales_area"] = _("Die Verkaufsfläche darf nicht größer sein als die Nutzfläche.")
        if not subcategory_fits(self.category, self.subcategory):
            errors["subcategory"] = _("Die Branche passt nicht zur Nutzungsart.")
        if errors:
            raise ValidationError(errors)


@history.track(indexes=["unit"])
class Occupancy(models.Model):
    """One interval of a unit's history: [valid_from, valid_to), open while valid_to is NULL.

    Several changes on one day leave zero-length intervals [d, d) before the one that lasts: every
    state and note is kept. An empty range overlaps nothing, so the exclusion constraint still holds
    for the intervals that cover days, and no statistic (which asks for the interval covering a day)
    counts them. Within a day the order is the order of recording (`id`).
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="intervals", verbose_name=_("Einheit"),
                             db_index=False)  # occupancy_by_unit serves, and covers the statistics' lookups
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices)
    category = models.CharField(_("Nutzung"), max_length=20, choices=Category.choices, blank=True)
    use_description = models.CharField(_("Nutzung (Freitext)"), max_length=200, blank=True)
    valid_from = models.DateField(_("von"))
    valid_to = models.DateField(_("bis"), null=True, blank=True)
    note = models.TextField(_("Notiz"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("erfasst von"),
    )
    recorded_at = models.DateTimeField(_("erfasst am"), default=timezone.now)

    class Meta:
        verbose_name = _("Belegungszeitraum")
        verbose_name_plural = _("Belegungshistorie")
        # valid_to ascending puts a day's zero-length intervals before the one that lasts (NULL sorts last)
        ordering = ["unit", "valid_from", "valid_to", "id"]
        indexes = [
            # The statistics look up the interval at a day for each unit in a centre (26k at 1 M units); with the
            # dates and status in the index that is an index-only scan, not a random heap read per unit.
            models.Index(fields=["unit"], include=["valid_from", "valid_to", "status"], name="occupancy_by_unit"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="occupancy_status_known"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="occupancy_ends_not_before_start",
                violation_error_message=_("Das Ende darf nicht vor dem Beginn liegen."),
            ),
            models.UniqueConstraint(
                fields=["unit"], condition=Q(valid_to__isnull=True), name="occupancy_one_open_interval",
                violation_error_message=_("Die Einheit hat bereits einen offenen Zeitraum."),
            ),
            ExclusionConstraint(
                name="occupancy_no_overlap",
                expressions=[
                    ("unit", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("Der Zeitraum überschneidet sich mit einem anderen Zeitraum dieser Einheit."),
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()} {self.valid_from}–{self.valid_to or ''}"
