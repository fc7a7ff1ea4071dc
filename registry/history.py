"""The history of every write: who, when, through which channel, old → new (issue 19).

django-pghistory records it in the database: triggers on each tracked table copy the
row into an event table (`<Model>Event`, in the tracked model's own app) on insert,
update and delete. So the admin, the services, raw SQL and the import's set-based
INSERT … SELECT / UPDATE are covered alike; nothing in Python can forget to record.

The triggers are statement-level (transition tables): a 100,000-row import writes its
events in one INSERT … SELECT per statement instead of one trigger call per row
(bench/import.py).

Each event points to a `pghistory.Context` row whose metadata says who and how:
`user` (id), `channel` (CHANNELS below, or "import"), `url`, and for imports
`import_batch` (and `undo`: true for taking it back), for token requests `token` (id).
Web requests get it from HistoryMiddleware; the import job (a background worker, no
request) sets it itself (imports.engine), `manage.py housekeeping` records as channel
"housekeeping", `manage.py load_demo` as channel "demo". Writes outside these (a shell, a migration) have no
context (pgh_context NULL).

Private: events keep owners' contacts and internal notes, and the context who edited
what. They are read only through units.history for those allowed to see the unit's
private data; no export, OGC response or public page reads an event table.
"""

import pghistory

# URL prefix → channel; the first match wins.
CHANNELS = (
    ("/admin/", "admin"),
    ("/api/units/", "map"),
    ("/begehung/", "walk"),
    ("/eigentuemer/", "owner"),
    ("/import/", "import"),
    ("/konto/", "account"),
    ("/gesuche/", "seekers"),
)


def channel_for(path):
    return next((channel for prefix, channel in CHANNELS if path.startswith(prefix)), "web")


def track(*, indexes=(), attrs=None, triggers=()):
    """pghistory.track with our defaults: insert, update and delete events, statement-level triggers,
    an index on (pgh_obj, pgh_id) for a record's events in order (and pgh_diff's previous event), plus
    `indexes` (fields of the event model) for the events of related records (a unit's intervals);
    `triggers` go on the event table."""
    from django.db import models

    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(),
        level=pghistory.Statement, attrs=attrs,
        meta={"indexes": [models.Index(fields=["pgh_obj", "pgh_id"]),
                          *(models.Index(fields=[field, "pgh_id"]) for field in indexes)],
              "triggers": list(triggers)},
    )


def scrubbed_on_delete(table, fields, admin_log=None):
    """A trigger for an event table: when the tracked record is deleted, its personal `fields` are emptied
    in the delete event and in all its earlier events. In the database, so every way of deleting (admin,
    retention, an import's undo, SQL) forgets them alike.

    `admin_log` ("app_label", "model"): the record's name in Django's admin log (the admin's „Neueste
    Aktionen“ and its object history show `object_repr`, e.g. an owner's name) is replaced by „gelöscht“ too.
    The admin writes its deletion entry before it deletes, so that entry is covered as well."""
    import pgtrigger

    blank = ", ".join(f"{field} = ''" for field in fields)
    log = ""
    if admin_log:
        app_label, model = admin_log
        log = ("UPDATE django_admin_log SET object_repr = 'gelöscht' WHERE object_id = NEW.pgh_obj_id::text "
               "AND content_type_id = (SELECT id FROM django_content_type "
               f"WHERE app_label = '{app_label}' AND model = '{model}'); ")
    return pgtrigger.Trigger(
        name="scrub_on_delete", when=pgtrigger.Before, operation=pgtrigger.Insert, level=pgtrigger.Row,
        condition=pgtrigger.Q(new__pgh_label="delete"),
        func=("".join(f"NEW.{field} := ''; " for field in fields)
              + f"UPDATE {table} SET {blank} WHERE pgh_obj_id = NEW.pgh_obj_id; " + log + "RETURN NEW;"),
    )


def context(**metadata):
    """Enter (or extend) the history context of this thread's writes; metadata as in the module docstring."""
    return pghistory.context(**metadata)



def baseline(app_label, *model_names):
    """A migration operation: one `baseline` event per row already there when tracking starts, so the first
    recorded change of an older record has its old values (pgh_diff compares with the previous event)."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        for name in model_names:
            tracked, event = apps.get_model(app_label, name), apps.get_model(app_label, f"{name}Event")
            columns = [f.column for f in event._meta.local_concrete_fields if not f.name.startswith("pgh_")]
            listed = ", ".join(f'"{column}"' for column in columns)
            schema_editor.execute(
                f'INSERT INTO "{event._meta.db_table}" ({listed}, pgh_created_at, pgh_label, pgh_obj_id) '
                f"SELECT {listed}, clock_timestamp(), 'baseline', id FROM \"{tracked._meta.db_table}\" ORDER BY id")

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)
