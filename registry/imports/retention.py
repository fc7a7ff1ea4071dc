"""How long an import keeps what it carries: uploaded files hold owners' names and phone numbers,
batch records hold the previous values that make an undo possible. `manage.py prune_imports` (daily)."""

import datetime
import shutil
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .jobs import forget_file
from .models import ImportBatch

State = ImportBatch.State


def prune(days=7, keep_days=90, stale_hours=6):
    """Files of imports never carried out (checked but not imported, refused and not checked again,
    abandoned before the mapping was confirmed, or whose job died with its worker) go after `days`
    (jobs: `stale_hours`); after `keep_days` a batch keeps its counts but no previous values, error
    lists or ids, and can no longer be undone. Returns (files removed, batches archived)."""
    now = timezone.now()
    files = 0
    given_up = [(State.CHECKED, now - datetime.timedelta(days), f"Nach {days} Tagen nicht importiert; die Datei "
                                                                "wurde gelöscht."),
                *[(state, now - datetime.timedelta(hours=stale_hours), "Der Hintergrundjob wurde nicht beendet "
                   "(Worker angehalten?); es wurde nichts importiert.") for state in ImportBatch.RUNNING]]
    for state, before, message in given_up:
        for batch in ImportBatch.objects.filter(state=state, touched_at__lt=before):
            # only if it is still where we found it: a job may have moved it on meanwhile
            if ImportBatch.objects.filter(pk=batch.pk, state=state).update(
                    state=State.FAILED, finished_at=now, errors=[[0, "–", message]], path=""):
                forget_file(batch)
                files += 1
    # a refused batch keeps its state and error list; only the file kept for another mapping goes
    for batch in ImportBatch.objects.filter(state=State.REFUSED, touched_at__lt=now - datetime.timedelta(days)
                                            ).exclude(path=""):
        if ImportBatch.objects.filter(pk=batch.pk, state=State.REFUSED).update(path=""):
            forget_file(batch)
            files += 1
    uploads = Path(settings.IMPORT_UPLOADS)
    needed = {Path(path).parent for path in ImportBatch.objects.exclude(path="").values_list("path", flat=True)}
    oldest = (now - datetime.timedelta(days)).timestamp()
    for folder in uploads.iterdir() if uploads.exists() else []:
        if folder.is_dir() and folder not in needed and folder.stat().st_mtime < oldest:
            shutil.rmtree(folder, ignore_errors=True)
            files += 1
    old = ImportBatch.objects.filter(finished_at__lt=now - datetime.timedelta(keep_days))
    old.filter(state=State.DONE).update(state=State.ARCHIVED)
    archived = old.exclude(errors=[], previous_values={}, status_changes={}, owner_changes={},
                           created_unit_ids=[]).update(errors=[], previous_values={}, status_changes={},
                                                       owner_changes={}, created_unit_ids=[])
    return files, archived
