from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.places.models import Municipality


class ImportBatch(models.Model):
    """One committed import: who, when, which file, what it did; enough to undo it."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, verbose_name=_("Gemeinde"))
    file_name = models.CharField(_("Datei"), max_length=255)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   verbose_name=_("importiert von"))
    created_at = models.DateTimeField(_("importiert am"), default=timezone.now)
    created = models.PositiveIntegerField(_("neu"), default=0)
    changed = models.PositiveIntegerField(_("geändert"), default=0)
    unchanged = models.PositiveIntegerField(_("unverändert"), default=0)
    created_unit_ids = models.JSONField(default=list, editable=False)
    # unit id → {"version": version after the import, "before": {field: value}}
    previous_values = models.JSONField(default=dict, editable=False)
    undone_at = models.DateTimeField(_("rückgängig gemacht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Import")
        verbose_name_plural = _("Importe")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%d.%m.%Y %H:%M})"


class MappingPreset(models.Model):
    """The last confirmed column mapping of a town, suggested again next time."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, verbose_name=_("Gemeinde"))
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Spaltenzuordnung")
        verbose_name_plural = _("Spaltenzuordnungen")
