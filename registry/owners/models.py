"""Owners and contacts: private data (DSGVO). Nothing here may reach a public surface."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry import history


# Who the owner is (name, contacts, address, how consent was given) leaves the history with the owner
# (README „Aufbewahrung/Historie“); what was decided (type, consent and its date) stays.
PERSONAL_FIELDS = ("name", "organisation", "phone", "email", "postal_address", "consent_evidence")


@history.track(triggers=[history.scrubbed_on_delete("owners_ownerevent", PERSONAL_FIELDS,
                                                     admin_log=("owners", "owner"))])
class Owner(models.Model):
    class Type(models.TextChoices):
        PRIVATE = "private", _("Privatperson")
        COMPANY = "company", _("Unternehmen")
        PUBLIC = "public", _("Öffentliche Hand")
        CHURCH = "church", _("Kirche")
        UNKNOWN = "unknown", _("unbekannt")

    class Consent(models.TextChoices):
        UNKNOWN = "unknown", _("unbekannt")
        ASKED = "asked", _("angefragt")
        CONSENTED = "consented", _("zugestimmt")
        REFUSED = "refused", _("abgelehnt")

    name = models.CharField(_("Name"), max_length=200)
    organisation = models.CharField(_("Organisation"), max_length=200, blank=True)
    owner_type = models.CharField(
        _("Eigentümerart"), max_length=10, choices=Type.choices, default=Type.UNKNOWN
    )
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    postal_address = models.TextField(_("Postanschrift"), blank=True)
    consent = models.CharField(
        _("Einwilligung zur Veröffentlichung"),
        max_length=10,
        choices=Consent.choices,
        default=Consent.UNKNOWN,
    )
    consent_date = models.DateField(_("Einwilligung vom"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("Einwilligung erfasst von"),
    )
    consent_recorded_at = models.DateTimeField(_("Einwilligung erfasst am"), null=True, blank=True)
    consent_evidence = models.TextField(
        _("Nachweis der Einwilligung"), blank=True,
        help_text=_("Wie die Erklärung vorliegt, z. B. „schriftlich vom 3.5.2026, Akte 12/26“."),
    )
    # The town that recorded the owner. Scopes an owner who has no unit yet to that town's managers;
    # owners with units are in the scope of the units' towns.
    municipality = models.ForeignKey(
        "places.Municipality", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("erfasst von Gemeinde"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owner_record",
        verbose_name=_("Benutzerkonto"),
    )

    class Meta:
        verbose_name = _("Eigentümer")
        verbose_name_plural = _("Eigentümer")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent__in=["unknown", "asked", "consented", "refused"]),
                name="owner_consent_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(consent="consented") | models.Q(consent_date__isnull=False),
                name="owner_consent_has_date",
                violation_error_code="consent_date",
                violation_error_message=_("Datum der Einwilligung: Bitte das Datum angeben, an dem der "
                                          "Eigentümer eingewilligt hat."),
            ),
        ]

    def __str__(self):
        return self.organisation or self.name

    @property
    def has_consented(self):
        return self.consent == self.Consent.CONSENTED
