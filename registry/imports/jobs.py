"""Imports as background jobs, so a 100,000-row survey neither times out a request nor hides its progress.

The web stores the file and an ImportBatch, then enqueues `check_file` (the dry
run) and, once the city manager confirms, `import_file`. Both run in
`manage.py db_worker` (django-tasks-db: the queue is a table in our own
PostgreSQL, no extra service). Rows are staged outside a transaction, so the
progress written to the batch is visible to the page polling it.
"""

import logging
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from . import engine
from .models import ImportBatch, ImportChange
from .readers import ImportFileError, read

State = ImportBatch.State
log = logging.getLogger(__name__)


class Progress:
    """Counts staged rows; writes the count to the batch at most twice a second."""

    def __init__(self, batch, every=0.5):
        self.batch_id, self.every, self.done, self.written = batch.pk, every, 0, 0.0

    def __call__(self, rows):
        self.done += rows
        if time.monotonic() - self.written >= self.every:
            ImportBatch.objects.filter(pk=self.batch_id).update(rows_done=self.done, touched_at=timezone.now())
            self.written = time.monotonic()


# step → where it starts from: a checked or refused file may be checked again with another mapping, but a
# batch queued for its import stays queued for it
STARTS_FROM = {State.CHECKING: Q(state=State.QUEUED, step=State.CHECKING) | Q(state__in=(State.CHECKED, State.REFUSED)),
               State.IMPORTING: Q(state=State.CHECKED)}


@transaction.atomic  # the state and the queued job (a row in the same database) commit together
def start(batch, step, user, mapping=None):
    """Queue the batch's next step, the dry run (CHECKING, with a new `mapping` if given) or the import
    (IMPORTING), as `user`, who is then recorded as the importer; False when the batch is not where that
    step starts (a second click, another tab) or its file is gone."""
    changes = {} if mapping is None else {"mapping": mapping}
    moved = ImportBatch.objects.filter(STARTS_FROM[step], pk=batch.pk).exclude(path="").update(
        state=State.QUEUED, rows_done=0, errors=[], step=step, created_by=user, touched_at=timezone.now(),
        **changes)
    if moved:
        (check_file if step == State.CHECKING else import_file).enqueue(batch.pk)
    return bool(moved)


def _begin(batch_id, step):
    """The batch, now in `step`; None when it is not queued for it (the job ran already)."""
    if not ImportBatch.objects.filter(pk=batch_id, state=State.QUEUED, step=step).update(
            state=step, touched_at=timezone.now()):
        return None
    return ImportBatch.objects.select_related("municipality", "created_by").get(pk=batch_id)


def forget_file(batch):
    """The upload holds owners' names and phone numbers: kept only while a later step still needs it."""
    path = Path(batch.path)
    if batch.path and path.parent.parent == Path(settings.IMPORT_UPLOADS):  # the upload's own folder
        shutil.rmtree(path.parent, ignore_errors=True)
    batch.path = ""


def _finish(batch, state, preview=None, errors=None):
    if preview is not None:
        batch.crs, batch.notices = preview.crs, preview.notices
        batch.rows_total = preview.rows or batch.rows_total  # 0 when the mapping stopped it early
        batch.created, batch.changed, batch.unchanged = (preview.counts[k] for k in ("new", "changed", "unchanged"))
        errors = sorted(preview.errors, key=lambda e: (e[0], e[1]))
    batch.errors = [list(error) for error in errors or []]
    batch.rows_done = batch.rows_total
    batch.state, batch.finished_at, batch.touched_at = state, timezone.now(), timezone.now()
    # a checked file waits for the import; one refused for its rows, for another mapping (prune_imports
    # deletes both after a week); an unreadable file or a finished import needs it no more
    waits = state == State.CHECKED or state == State.REFUSED and preview is not None
    if not waits:
        forget_file(batch)
    if state != State.CHECKED:  # a diff only means something for a file about to be imported
        ImportChange.objects.filter(batch=batch).delete()
    # what a rolled-back write left in memory (previous contacts, ids) must not be saved with the batch
    batch.previous_values, batch.status_changes, batch.owner_changes, batch.created_unit_ids = {}, {}, {}, []
    batch.save()


def _read(batch):
    table = read(batch.path)
    batch.rows_total = table.count
    batch.save(update_fields=["rows_total"])
    return table


@task()
def check_file(batch_id):
    batch = _begin(batch_id, State.CHECKING)
    if batch is None:
        return None
    try:
        preview = engine.analyse(_read(batch), batch.municipality, batch.mapping, Progress(batch), batch=batch)
    except ImportFileError as refused:
        return _finish(batch, State.REFUSED, errors=[(1, "–", str(refused))])
    except Exception:
        _finish(batch, State.FAILED, errors=[(0, "–", "Interner Fehler bei der Prüfung.")])
        raise
    _finish(batch, State.REFUSED if preview.errors else State.CHECKED, preview)


@task()
def import_file(batch_id):
    batch = _begin(batch_id, State.IMPORTING)
    if batch is None:
        return None
    try:
        engine.commit(_read(batch), batch.municipality, batch.created_by, batch.file_name, batch.mapping,
                      Progress(batch), batch=batch)
    except engine.ImportRefused as refused:
        return _finish(batch, State.REFUSED, refused.preview)
    except (ImportFileError, PermissionDenied) as refused:
        return _finish(batch, State.REFUSED, errors=[(1, "–", str(refused))])
    except Exception:
        _finish(batch, State.FAILED, errors=[(0, "–", "Interner Fehler beim Import; es wurde nichts geschrieben.")])
        raise
    batch.rows_done = batch.rows_total
    forget_file(batch)
    batch.save(update_fields=["rows_done", "path"])
    log.info("import %s: %s new, %s changed", batch.pk, batch.created, batch.changed)
