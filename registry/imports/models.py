from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.places.models import Municipality

from .wording import describe


class ImportBatch(models.Model):
    """One import from upload to result: the background job's state and progress, then what it
    did (who, when, which file, counts) and enough to undo it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("wartet")
        CHECKING = "checking", _("wird geprüft")
        CHECKED = "checked", _("geprüft, bereit zum Import")
        REFUSED = "refused", _("abgelehnt – Fehler in der Datei")
        IMPORTING = "importing", _("wird importiert")
        DONE = "done", _("importiert")
        FAILED = "failed", _("abgebrochen")
        ARCHIVED = "archived", _("importiert, archiviert (nicht mehr rücknehmbar)")

    RUNNING = (State.QUEUED, State.CHECKING, State.IMPORTING)

    state = models.CharField(_("Stand"), max_length=12, choices=State.choices, default=State.QUEUED)
    step = models.CharField(max_length=12, choices=State.choices, default=State.CHECKING, editable=False)
    # the job's heartbeat: set by every state change and progress report (retention finds dead jobs by it)
    touched_at = models.DateTimeField(default=timezone.now, editable=False)
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
    # occupancy ids: {"opened": [...], "closed": [...], "corrected": {id: {status, category, note}}}
    status_changes = models.JSONField(default=dict, editable=False)
    # owners: {"created": [ids of new owner records], "replaced": [ids of owners they replaced on units],
    #          "before": {id: {phone, email}}, "after": {id: {phone, email}}}
    owner_changes = models.JSONField(default=dict, editable=False)
    undone_at = models.DateTimeField(_("rückgängig gemacht am"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)
    # the job's input and progress
    path = models.CharField(max_length=500, editable=False, default="")
    mapping = models.JSONField(default=dict, editable=False)
    rows_total = models.PositiveIntegerField(_("Zeilen"), default=0)
    rows_done = models.PositiveIntegerField(default=0, editable=False)
    crs = models.CharField(max_length=8, blank=True, editable=False)
    notices = models.JSONField(default=list, editable=False)
    errors = models.JSONField(default=list, editable=False)  # [row, column, message]

    class Meta:
        verbose_name = _("Import")
        verbose_name_plural = _("Importe")
        ordering = ["-created_at"]
        # one batch per upload: a double click on "Prüfen" must not start two jobs on one file
        constraints = [models.UniqueConstraint(fields=["path"], condition=~models.Q(path=""),
                                               name="one_batch_per_upload")]

    def __str__(self):
        return f"{self.file_name} ({timezone.localtime(self.created_at):%d.%m.%Y %H:%M})"

    @property
    def running(self):
        return self.state in self.RUNNING

    def sentence(self):
        """What the import does or will do: "120 neu, 3 geändert, davon 1 verschoben um 612 m, …"."""
        summary = self.diff.aggregate(
            moved=models.Count("pk", filter=models.Q(field="location")), max_metres=models.Max("metres"),
            # a new unit's status is part of the new unit, not a status change
            status=models.Count("pk", filter=models.Q(field="status", old__isnull=False)),
            owner=models.Count("unit_id", filter=models.Q(field__startswith="owner"), distinct=True))
        summary["max_metres"] = summary["max_metres"] or 0
        return describe({"new": self.created, "changed": self.changed, "unchanged": self.unchanged}, summary)

    @property
    def percent(self):
        return min(100, round(100 * self.rows_done / self.rows_total)) if self.rows_total else 0


class MappingPreset(models.Model):
    """A town's confirmed column mapping under a name; the latest is suggested again next time,
    and `import_units --mapping NAME` uses one by name."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="mapping_presets",
                                     verbose_name=_("Gemeinde"))
    name = models.CharField(_("Name"), max_length=80, default="Standard")
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Spaltenzuordnung")
        verbose_name_plural = _("Spaltenzuordnungen")
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="one_preset_name_per_town")]

    def __str__(self):
        return f"{self.municipality.name}: {self.name}"


class ImportChange(models.Model):
    """One line of a dry run's diff: what the import would change on a unit already in the register
    or a value a new unit would get (unit NULL, old NULL) (old → new; a move in metres; a status change with the day each status begins). Written in one
    INSERT … SELECT from the staging tables (staging.save_changes). Owner values are personal data:
    shown only to those who may see the unit's owner, and deleted with the batch's other personal data."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="diff")
    n = models.PositiveIntegerField(_("Zeile"))
    # no database constraint: an undo or a deletion of the unit must not be held up by an old diff
    unit = models.ForeignKey("units.Unit", on_delete=models.DO_NOTHING, db_constraint=False, null=True,
                             related_name="+")
    field = models.CharField(_("Feld"), max_length=20)
    old = models.TextField(_("bisher"), null=True)
    new = models.TextField(_("neu"), null=True)
    old_date = models.DateField(null=True)
    new_date = models.DateField(null=True)
    metres = models.FloatField(_("Abstand (m)"), null=True)
    # the address as the diff shows it: the unit's, or for a new unit (unit NULL, old NULL) the file's
    address = models.CharField(_("Adresse"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("Änderung durch einen Import")
        verbose_name_plural = _("Änderungen durch einen Import")
        indexes = [models.Index(fields=["batch", "n"], name="importchange_batch_row")]
