from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups of these names; `access.role_of` decides which applies."""

    CITY_MANAGER = "Citymanager", _("Citymanager")
    ANALYST = "Analyst", _("Analyst")
    OWNER = "Eigentümer", _("Eigentümer")


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name=_("Benutzer")
    )
    # A string reference: accounts (roles and the access policy) sits below places and every other app, which all
    # ask it; to the policy a city manager's municipalities are ids.
    municipalities = models.ManyToManyField(
        "places.Municipality", blank=True, related_name="managers", verbose_name=_("zuständig für Gemeinden"),
        help_text=_("Ein Citymanager sieht und bearbeitet nur die Einheiten dieser Gemeinden."),
    )

    class Meta:
        verbose_name = _("Profil")
        verbose_name_plural = _("Profile")

    def __str__(self):
        return str(self.user)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("Benutzer"))
    name = models.CharField(_("Bezeichnung"), max_length=100, blank=True)
    prefix = models.CharField(_("Anfang"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("zuletzt benutzt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-Token")
        verbose_name_plural = _("API-Tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"
