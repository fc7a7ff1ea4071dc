from django.contrib.gis.db import models
from django.core.validators import RegexValidator
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from registry import history

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def german_slug(text):
    """Slugs as Germans read them: Sömmerda → soemmerda, not sommerda."""
    return slugify(str(text).translate(_UMLAUTS))

ags_validator = RegexValidator(
    r"^\d{8}$", _("Der Amtliche Gemeindeschlüssel (AGS) hat genau 8 Ziffern.")
)


@history.track(attrs={"boundary": models.MultiPolygonField(_("Gemeindegrenze"), srid=4326, spatial_index=False)})
class Municipality(models.Model):
    """A Gemeinde, identified by its official 8-digit key (AGS)."""

    ags = models.CharField(_("AGS"), max_length=8, unique=True, validators=[ags_validator])
    name = models.CharField(_("Name"), max_length=120)
    kind = models.CharField(_("Art"), max_length=60, blank=True)
    district_ags = models.CharField(_("Kreisschlüssel"), max_length=5, blank=True)
    district = models.CharField(_("Landkreis"), max_length=120, blank=True)
    boundary = models.MultiPolygonField(_("Gemeindegrenze"), srid=4326)
    # The town's public contact for listings (an office, never an owner).
    contact_name = models.CharField(_("Ansprechpartner (öffentlich)"), max_length=200, blank=True)
    contact_email = models.EmailField(_("E-Mail (öffentlich)"), blank=True)
    contact_phone = models.CharField(_("Telefon (öffentlich)"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("Gemeinde")
        verbose_name_plural = _("Gemeinden")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.ags})"


@history.track(attrs={"boundary": models.PolygonField(_("Abgrenzung"), srid=4326, spatial_index=False)})
class TownCentre(models.Model):
    """A zentraler Versorgungsbereich: the planning polygon of a town centre."""

    name = models.CharField(_("Name"), max_length=120)
    slug = models.SlugField(_("Kurzname"), max_length=120, unique=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="centres",
        verbose_name=_("Gemeinde"),
    )
    boundary = models.PolygonField(_("Abgrenzung"), srid=4326)

    class Meta:
        verbose_name = _("Innenstadt")
        verbose_name_plural = _("Innenstädte")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.boundary is not None and not self.boundary.valid:
            raise ValidationError(
                {"boundary": _("Die Abgrenzung ist keine gültige Fläche: %(reason)s")
                 % {"reason": self.boundary.valid_reason}}
            )
