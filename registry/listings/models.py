"""Public offers of vacant units. Public only with the owner's recorded consent."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry import history
from registry.accounts import access
from registry.units.models import Unit


class ListingQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see: the access policy's rule (published, and the owner's consent still stands)."""
        return self.filter(access.public_listing_q())


@history.track(indexes=["unit"])
class Listing(models.Model):
    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="listing", verbose_name=_("Einheit"))
    slug = models.SlugField(_("Kurzname"), max_length=140, unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    rent = models.DecimalField(_("Kaltmiete (€/m²)"), max_digits=7, decimal_places=2, null=True, blank=True)
    available_from = models.DateField(_("verfügbar ab"), null=True, blank=True)
    published = models.BooleanField(_("veröffentlicht"), default=False)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rent__gte=0), name="listing_rent_not_negative"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("listings:detail", args=[self.slug])

    def clean(self):
        if self.published:
            owner = self.unit.owner if self.unit_id else None
            if owner is None or not owner.has_consented:
                raise ValidationError(
                    {"published": _("Ohne dokumentierte Einwilligung des Eigentümers kann das Angebot nicht veröffentlicht werden.")}
                )

    def save(self, *args, **kwargs):
        if self.published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)


@history.track(indexes=["listing"])
class ListingPhoto(models.Model):
    """Re-encoded without metadata by listings.photos; the original upload is never stored."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("Foto"), upload_to="listings/%Y/")
    thumbnail = models.ImageField(_("Vorschau"), upload_to="listings/%Y/thumbs/", blank=True)
    caption = models.CharField(_("Bildunterschrift"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Foto")
        verbose_name_plural = _("Fotos")
        ordering = ["position", "id"]


class Inquiry(models.Model):
    """A request from someone looking for space. Private: sender data never reaches a public page."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="inquiries",
                                verbose_name=_("Angebot"))
    name = models.CharField(_("Name"), max_length=120)
    email = models.EmailField(_("E-Mail"))
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    intended_use = models.CharField(_("geplante Nutzung"), max_length=200)
    message = models.TextField(_("Nachricht"), max_length=4000)
    created_at = models.DateTimeField(_("eingegangen am"), default=timezone.now)
    client_key = models.CharField(max_length=64, db_index=True, editable=False)
    sent_to = models.TextField(_("benachrichtigt"), blank=True, editable=False)

    class Meta:
        verbose_name = _("Anfrage")
        verbose_name_plural = _("Anfragen")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.listing} – {self.created_at:%d.%m.%Y}"
