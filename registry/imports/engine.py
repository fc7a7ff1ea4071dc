"""The one import engine, for the web job and the command line: analyse (dry run) → commit → undo.

All or nothing: every row is checked (staging.py, in SQL) and every problem is
reported as "Zeile N, Spalte X: …"; `commit` writes only a file without any, in
one transaction (writing.py). Existing units are matched by external ID, else by
the address key within the municipality, so re-importing a file changes nothing.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from registry import history
from registry.accounts import access
from registry.units.models import Unit

from . import staging, values, writing
from .wording import describe
from .models import ImportBatch, ImportChange

UndoRefused = writing.UndoRefused


def no_headers_message(columns):
    return ("Keine Spalte der Datei wurde erkannt (" + ", ".join(f"„{c}“" for c in columns[:8]) + "). Erwartet "
            "werden Spalten wie: " + ", ".join(values.expected_headers()) + f". Eine Vorlage: {TEMPLATE_URL}")


def unmapped_message(recognised):
    """Why a column stops the import, with the best guess at what it holds."""
    text = "Keinem Feld zugeordnet und nicht ausdrücklich ignoriert"
    if recognised.field:
        text += f" (Vorschlag: {values.LABELS[recognised.field]}, {recognised.score} %)"
    return text + ". Bitte zuordnen oder ignorieren."


@dataclass
class Preview:
    rows: int = 0
    errors: list = field(default_factory=list)  # (row, column, message)
    notices: list = field(default_factory=list)
    crs: str = ""
    counts: dict = field(default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0})
    summary: dict = field(default_factory=dict)  # staging.change_summary(): moves, status and owner changes
    changes: list = field(default_factory=list)  # the diff's rows (staging.fetch_changes), when asked for

    def sentence(self):
        return describe(self.counts, self.summary)

    def error(self, row, column, message):
        self.errors.append((row, column, message))

    def error_lines(self):
        return [f"Zeile {row}, Spalte {column}: {message}" for row, column, message in sorted(
            self.errors, key=lambda e: (e[0], e[1]))]


class ImportRefused(ValueError):
    def __init__(self, preview):
        super().__init__(f"{len(preview.errors)} Fehler: nichts importiert.")
        self.preview = preview


TEMPLATE_URL = "/import/vorlage.xlsx"


def _check(table, municipality, mapping, progress):
    """Stage and check the file; returns the preview and the mapped fields (None if unusable).

    `mapping` is {column: field, or "" for a column ignored on purpose}; a column it leaves out is
    refused, so nothing in a file is dropped without someone having decided so."""
    preview = Preview()
    mapping = values.suggest_mapping(table.columns) if mapping is None else mapping
    ignored = [column for column, target in mapping.items() if target not in values.FIELDS and column in table.columns]
    # field names become SQL column names in staging.py: only ours pass (a preset may come from the admin)
    mapping = {column: target for column, target in mapping.items() if target in values.FIELDS}
    if not mapping:
        preview.error(1, "–", no_headers_message(table.columns))
        return preview, None, {}
    if ignored:
        preview.notices.append("Ausdrücklich ignorierte Spalten: " + ", ".join(ignored))
    recognised = None
    for column in values.unmapped(table.columns, {**mapping, **dict.fromkeys(ignored, "")}):
        recognised = recognised or values.recognise(table.columns, mapping)
        preview.error(1, column, unmapped_message(recognised[column]))
    for column, target in mapping.items():
        if problem := values.expected_unit_problem(column, target):
            preview.error(1, column, problem)
    column_of = {}
    for column in mapping.keys() - set(table.columns):  # a saved preset for another layout
        preview.error(1, column, "Diese Spalte der Zuordnung fehlt in der Datei.")
    for column, target in mapping.items():
        if target in column_of:
            preview.error(1, column, f"Auch die Spalte „{column_of[target]}“ ist diesem Feld zugeordnet.")
        column_of[target] = column
    if preview.errors:
        return preview, None, column_of
    if "street" not in column_of:
        preview.error(1, "–", "Keine Spalte für die Straße gefunden (z. B. „Straße“ oder „Str.“).")
        return preview, None, column_of
    file_points = table.has_geometry
    # no coordinates at all is fine for updating known units (they keep their place); a new unit without
    # one is refused per row once matching knows it is new (staging.match). Half a pair is a slip.
    if not file_points and ("x" in column_of) != ("y" in column_of):
        given, missing = ("x", "y") if "x" in column_of else ("y", "x")
        preview.error(1, column_of[given], f"Koordinatenspalte ohne Gegenstück: bitte auch eine Spalte "
                                           f"„{values.LABELS[missing]}“ zuordnen.")
        return preview, None, column_of
    fields = list(column_of)
    preview.rows = staging.stage(table, column_of, progress)
    for name, example in staging.decode(fields).items():  # said, not done silently
        places = Unit._meta.get_field(name).decimal_places
        preview.notices.append(f"Spalte „{column_of[name]}“: Werte mit mehr als {places} Nachkommastelle(n) "
                               f"werden gerundet (z. B. „{example}“).")
    crs = None
    shares = None if file_points else staging.coordinate_shares(fields)
    if shares:
        try:
            crs = values.coordinate_system(shares)
        except ValueError as problem:
            preview.error(1, f"{column_of['x']}/{column_of['y']}", str(problem))
    preview.crs = crs or ""
    staging.build_rows(fields, crs)
    # without a recognised CRS the rows' places are unknown, not missing: that error is reported once above
    locate = file_points or bool(crs) or shares is None
    preview.errors += staging.row_errors(fields, column_of, municipality, locate, crs)
    return preview, fields, column_of


def analyse(table, municipality, mapping=None, progress=None, batch=None, keep_changes=False):
    """The dry run: every problem, the coordinate system found, new / changed / unchanged counts and the
    diff of every changed unit (saved as the batch's ImportChange rows; in `preview.changes` if asked)."""
    with staging.session():
        preview, fields, column_of = _check(table, municipality, mapping, progress)
        if fields and not preview.errors:
            preview.errors += staging.match(fields, column_of, municipality)
            _matched(preview, fields)
            if keep_changes and not preview.errors:
                preview.changes = staging.fetch_changes()
        if batch is not None:
            with transaction.atomic():
                ImportChange.objects.filter(batch=batch).delete()
                if fields and not preview.errors:
                    staging.save_changes(batch.pk)
    return preview


def _matched(preview, fields):
    preview.counts = staging.counts()
    staging.changes(fields)
    preview.summary = staging.change_summary()
    if orphans := staging.contacts_without_owner():
        preview.notices.append(f"{orphans} Zeile(n) nennen Telefon oder E-Mail, aber keinen Eigentümer; diese Angaben "
                               "werden nicht übernommen.")


def commit(table, municipality, user, file_name, mapping=None, progress=None, batch=None):
    """Check and write in one go; ImportRefused (with the preview) when any row has a problem."""
    access.require_edit(user, municipality.pk)
    with staging.session():
        preview, fields, column_of = _check(table, municipality, mapping, progress)
        if preview.errors:
            raise ImportRefused(preview)
        with transaction.atomic():
            # matched inside the transaction and under the municipality's lock, so no other import
            # or undo slips between matching and writing
            writing.lock(municipality)
            preview.errors += staging.match(fields, column_of, municipality)
            if preview.errors:
                raise ImportRefused(preview)
            _matched(preview, fields)
            batch = batch or ImportBatch(municipality=municipality, file_name=file_name, created_by=user)
            batch.created, batch.changed, batch.unchanged = (preview.counts[k] for k in ("new", "changed",
                                                                                          "unchanged"))
            batch.rows_total, batch.crs, batch.notices = preview.rows, preview.crs, preview.notices
            if batch.pk is None:
                batch.save()  # its number goes into the history of every row it writes
            # set here, not by the web's middleware: the import runs in the background worker (jobs.py)
            with history.context(user=user.pk, channel="import", import_batch=batch.pk):
                writing.write(batch, user, municipality, fields)
            batch.state, batch.finished_at = ImportBatch.State.DONE, timezone.now()
            batch.save()
            staging.save_changes(batch.pk)  # what was changed, as the dry run showed it (it may differ now)
    return batch


def _undoable(user, municipality):
    return ImportBatch.objects.filter(municipality=municipality, created_by=user, state=ImportBatch.State.DONE,
                                      undone_at__isnull=True).order_by("-finished_at")


def last_undoable(user, municipality):
    """The batch undo_last would take back, or None."""
    return _undoable(user, municipality).first()


def undo_sentence(batch):
    """What taking the batch back will do, in one German sentence (for the confirmation)."""
    text = f"Import „{batch.file_name}“ vom {timezone.localtime(batch.finished_at):%d.%m.%Y %H:%M}"
    parts = []
    if batch.created:
        parts.append(f"{batch.created} neue Einheit(en) werden gelöscht")
    if batch.changed:
        parts.append(f"{batch.changed} geänderte Einheit(en) bekommen ihre vorherigen Werte und ihren vorherigen "
                     "Status zurück")
    return text + ": " + ("; ".join(parts) or "er hat nichts geändert")


@transaction.atomic
def undo_last(user, municipality):
    """Undo the user's last import batch in the municipality, if nobody changed its units since."""
    access.require_edit(user, municipality.pk)
    writing.lock(municipality)
    batch = _undoable(user, municipality).select_for_update().first()
    if batch is None:
        raise UndoRefused("Es gibt keinen Import, der rückgängig gemacht werden kann.")
    with history.context(user=user.pk, channel="import", import_batch=batch.pk, undo=True):
        writing.undo(batch)
    batch.undone_at = timezone.now()
    # nothing can use them any more; previous contacts are personal data
    batch.previous_values, batch.status_changes, batch.owner_changes = {}, {}, {}
    batch.save(update_fields=["undone_at", "previous_values", "status_changes", "owner_changes"])
    batch.diff.filter(field__startswith="owner").delete()
    return batch
