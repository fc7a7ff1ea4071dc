"""Space seekers' requests (Flächengesuche), the alerts they receive and the proposals city managers make.

A request is private: who is looking (name, organisation, e-mail, phone) and the concept text never reach a
public page, export, API response or another seeker's e-mail. What it looks for (use, size, region, rent) is
used for matching and, aggregated, for the supply–demand figures.
"""

import datetime
import secrets

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db.models import F, Q
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.places.models import Municipality, TownCentre
from registry.units.categories import Category, Subcategory
from registry.units.models import Floor, Unit

NOT_NEGATIVE = _("Der Wert darf nicht negativ sein.")
VALID_DAYS = 180  # a request lapses after half a year unless renewed (one click in the reminder)
REMIND_DAYS_BEFORE = 14


def new_nonce():
    return secrets.token_urlsafe(12)


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("sofort")
    DAILY = "daily", _("täglich (Sammelmail)")
    WEEKLY = "weekly", _("wöchentlich (Sammelmail)")


class SpaceRequest(models.Model):
    class State(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("unbestätigt")
        ACTIVE = "active", _("aktiv")
        PAUSED = "paused", _("pausiert")
        FULFILLED = "fulfilled", _("erfüllt")
        WITHDRAWN = "withdrawn", _("zurückgezogen")
        EXPIRED = "expired", _("abgelaufen")

    class Source(models.TextChoices):
        PUBLIC = "public", _("Formular „Fläche gesucht“")
        STAFF = "staff", _("Citymanagement (Telefon, Kammer …)")
        DEMO = "demo", _("Demodaten")

    # --- who (private) ---
    name = models.CharField(_("Name"), max_length=120, blank=True)
    organisation = models.CharField(_("Unternehmen / Organisation"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    # --- what ---
    category = models.CharField(_("Nutzungsart"), max_length=20, choices=Category.choices)
    subcategory = models.CharField(_("Branche"), max_length=20, choices=Subcategory.choices, blank=True)
    concept = models.TextField(_("Konzept"), max_length=4000, blank=True)
    # --- where: any of these (at least one) ---
    municipalities = models.ManyToManyField(Municipality, blank=True, related_name="+", verbose_name=_("Gemeinden"))
    centres = models.ManyToManyField(TownCentre, blank=True, related_name="+", verbose_name=_("Innenstädte"))
    area = models.MultiPolygonField(_("Suchgebiet"), srid=4326, null=True, blank=True)
    # --- how big, which floor ---
    min_area = models.DecimalField(_("Fläche von (m²)"), max_digits=8, decimal_places=1,
                                   validators=[MinValueValidator(0, message=NOT_NEGATIVE)])
    max_area = models.DecimalField(_("Fläche bis (m²)"), max_digits=8, decimal_places=1,
                                   validators=[MinValueValidator(0, message=NOT_NEGATIVE)])
    min_frontage = models.DecimalField(_("Schaufensterfront mindestens (m)"), max_digits=6, decimal_places=1,
                                       null=True, blank=True, validators=[MinValueValidator(0, message=NOT_NEGATIVE)])
    floors = ArrayField(models.CharField(max_length=2, choices=Floor.choices), verbose_name=_("Geschoss"),
                        default=list)
    step_free = models.BooleanField(_("barrierefrei nötig"), default=False)
    # --- rent ceiling: per m², in total, or both ---
    max_rent = models.DecimalField(_("Kaltmiete höchstens (€/m²)"), max_digits=7, decimal_places=2, null=True,
                                   blank=True, validators=[MinValueValidator(0, message=NOT_NEGATIVE)])
    max_rent_total = models.DecimalField(_("Kaltmiete höchstens (€/Monat gesamt)"), max_digits=9, decimal_places=2,
                                         null=True, blank=True, validators=[MinValueValidator(0, message=NOT_NEGATIVE)])
    wanted_from = models.DateField(_("gesucht ab"), null=True, blank=True)
    # --- state and consent ---
    state = models.CharField(_("Status"), max_length=12, choices=State.choices, default=State.UNCONFIRMED)
    source = models.CharField(_("Herkunft"), max_length=8, choices=Source.choices, default=Source.PUBLIC)
    frequency = models.CharField(_("Benachrichtigung"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.DAILY)
    alerts = models.BooleanField(_("Benachrichtigungen per E-Mail"), default=True)
    consent_contact = models.BooleanField(_("Einwilligung: Kontakt durch das Citymanagement"), default=False)
    consent_matches = models.BooleanField(_("Einwilligung: passende Angebote per E-Mail"), default=False)
    consent_at = models.DateTimeField(_("Einwilligung erfasst am"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    expires_on = models.DateField(_("gültig bis"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("erinnert am"), null=True, blank=True)
    fulfilled_unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                       verbose_name=_("erfüllt mit Einheit"))
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    personal_data_deleted_at = models.DateTimeField(_("persönliche Daten gelöscht am"), null=True, blank=True)
    # every link (confirm, manage, unsubscribe, renew) carries this; a new one voids all old links
    link_nonce = models.CharField(max_length=24, default=new_nonce, editable=False)
    client_key = models.CharField(max_length=64, db_index=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("geändert am"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False, verbose_name=_("erfasst von"))

    class Meta:
        verbose_name = _("Flächengesuch")
        verbose_name_plural = _("Flächengesuche")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state"])]
        constraints = [
            models.CheckConstraint(condition=Q(min_area__lte=F("max_area")), name="request_area_range_ordered",
                                   violation_error_message=_("„Fläche von“ darf nicht größer sein als „Fläche bis“.")),
            models.CheckConstraint(condition=Q(min_area__gte=0), name="request_min_area_not_negative"),
            models.CheckConstraint(condition=Q(state__in=["unconfirmed", "active", "paused", "fulfilled",
                                                          "withdrawn", "expired"]), name="request_state_known"),
        ]

    def __str__(self):
        return _("Gesuch %(id)s: %(use)s, %(low)s–%(high)s m²") % {
            "id": self.pk, "use": self.get_category_display(), "low": floatformat(self.min_area, "-1"),
            "high": floatformat(self.max_area, "-1")}

    @property
    def is_open(self):
        return self.state in (self.State.UNCONFIRMED, self.State.ACTIVE, self.State.PAUSED)

    def renew_dates(self, today=None):
        self.expires_on = (today or timezone.localdate()) + datetime.timedelta(days=VALID_DAYS)


class Alert(models.Model):
    """A listing that fits a request, to be mailed once: the unique pair makes "once" a database fact."""

    request = models.ForeignKey(SpaceRequest, on_delete=models.CASCADE, related_name="alert_records")
    listing = models.ForeignKey("listings.Listing", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "listing"], name="alert_once_per_listing")]
        indexes = [models.Index(fields=["sent_at"], name="alert_unsent", condition=Q(sent_at__isnull=True))]


class Proposal(models.Model):
    """A city manager proposes a unit to a request (and so contacts both sides)."""

    class Outcome(models.TextChoices):
        PROPOSED = "proposed", _("vorgeschlagen")
        INTERESTED = "interested", _("interessiert")
        VIEWING = "viewing", _("Besichtigung")
        DECLINED = "declined", _("abgelehnt")
        LET = "let", _("vermietet")

    request = models.ForeignKey(SpaceRequest, on_delete=models.CASCADE, related_name="proposals",
                                verbose_name=_("Gesuch"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("Einheit"))
    proposed_on = models.DateField(_("vorgeschlagen am"), default=timezone.localdate)
    outcome = models.CharField(_("Ergebnis"), max_length=12, choices=Outcome.choices, default=Outcome.PROPOSED)
    outcome_on = models.DateField(_("Ergebnis am"), null=True, blank=True)
    reason = models.CharField(_("Grund der Absage"), max_length=300, blank=True)
    notes = models.TextField(_("Notizen"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("vorgeschlagen von"))
    updated_at = models.DateTimeField(_("geändert am"), default=timezone.now)

    class Meta:
        verbose_name = _("Vorschlag")
        verbose_name_plural = _("Vorschläge")
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "unit"], name="proposal_once_per_unit"),
            models.CheckConstraint(condition=~Q(outcome="declined") | ~Q(reason=""), name="proposal_declined_reason",
                                   violation_error_message=_("Bei einer Absage bitte den Grund angeben.")),
        ]

    def __str__(self):
        return f"{self.unit} → {self.request_id}"


class ProposalStep(models.Model):
    """One entry of a proposal's timeline: its outcome on a day, with a note."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="steps")
    outcome = models.CharField(_("Ergebnis"), max_length=12, choices=Proposal.Outcome.choices)
    on = models.DateField(_("am"))
    note = models.TextField(_("Notiz"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("erfasst von"))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "id"]
