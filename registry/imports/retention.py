"""How long an import keeps what it carries: uploaded files hold owners' names and phone numbers,
batch records hold the previous values that make an undo possible. `manage.py prune_imports` (daily)."""

import datetime
import shutil
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .jobs import forget_file
from .models import ImportBatch, ImportChange

State = ImportBatch.State


def prune(days=7, keep_days=90, stale_hours=6):
    """Files of imports never carried out (checked but not imported, refused and not checked again,
    abandoned before the mapping was confirmed, or whose job died with its worker) go after `days`
    (jobs: `stale_hours`); after `keep_days` a batch keeps its counts but no previous values, error
    lists or ids, and can no longer be undone; owners it replaced go if nothing uses them any more.
    Returns (files removed, batches archived)."""
    now = timezone.now()
    files = 0
    week = now - datetime.timedelta(days)

    def failed(message):
        return {"state": State.FAILED, "finished_at": now, "errors": [[0, "–", message]]}

    given_up = [(State.CHECKED, week, failed(f"Nach {days} Tagen nicht importiert; die Datei wurde gelöscht.")),
                *[(state, now - datetime.timedelta(hours=stale_hours), failed(
                    "Der Hintergrundjob wurde nicht beendet (Worker angehalten?); es wurde nichts importiert."))
                  for state in ImportBatch.RUNNING],
                (State.REFUSED, week, {})]  # a refused batch keeps its state and error list; only its file goes
    for state, before, changes in given_up:
        for batch in ImportBatch.objects.filter(state=state, touched_at__lt=before).exclude(
                state=State.REFUSED, path=""):  # a refused batch without a file has nothing left to prune
            # only if it is still where we found it: a job or a re-check may have moved it on meanwhile
            if ImportBatch.objects.filter(pk=batch.pk, state=state, touched_at__lt=before).update(path="", **changes):
                forget_file(batch)
                ImportChange.objects.filter(batch=batch).delete()  # the diff names owners: gone with the file
                files += 1
    uploads = Path(settings.IMPORT_UPLOADS)
    needed = {Path(path).parent for path in ImportBatch.objects.exclude(path="").values_list("path", flat=True)}
    oldest = week.timestamp()
    for folder in uploads.iterdir() if uploads.exists() else []:
        if folder.is_dir() and folder not in needed and folder.stat().st_mtime < oldest:
            shutil.rmtree(folder, ignore_errors=True)
            files += 1
    old = ImportBatch.objects.filter(finished_at__lt=now - datetime.timedelta(keep_days))
    old.filter(state=State.DONE).update(state=State.ARCHIVED)
    _forget_former_owners(list(old.exclude(owner_changes={}).values_list("pk", flat=True)))
    ImportChange.objects.filter(batch__in=old).delete()
    archived = old.exclude(errors=[], previous_values={}, status_changes={}, owner_changes={},
                           created_unit_ids=[]).update(errors=[], previous_values={}, status_changes={},
                                                       owner_changes={}, created_unit_ids=[])
    return files, archived


def _forget_former_owners(batch_ids):
    """Owners whom these imports replaced on a unit, once the imports can no longer be undone: deleted
    when they own no unit any more, never answered on consent and have no account (personal data kept
    for no purpose), unless an import that can still be undone would link them again."""
    if not batch_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute("""
          WITH relinked AS (  -- owners the undo of a batch not archived yet would put back on a unit
            SELECT (e.value->'before'->>'owner_id')::bigint AS owner_id
            FROM imports_importbatch b, jsonb_each(b.previous_values) e
            WHERE b.id <> ALL(%s) AND e.value->'before'->>'owner_id' IS NOT NULL)
          DELETE FROM owners_owner o
          WHERE o.id IN (SELECT jsonb_array_elements_text(b.owner_changes->'replaced')::bigint
                         FROM imports_importbatch b WHERE b.id = ANY(%s))
            AND o.id NOT IN (SELECT owner_id FROM relinked)
            AND o.consent = 'unknown' AND o.user_id IS NULL
            AND NOT EXISTS (SELECT 1 FROM units_unit u WHERE u.owner_id = o.id)""", [batch_ids, batch_ids])
