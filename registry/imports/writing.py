"""Writing a checked survey into the register in a handful of statements, and taking it back.

Works on the tables of staging.py inside the caller's transaction. New units get
their municipality (checked for every row before) and centre here, set-based, with
`registry.bulk_import` telling the per-row triggers to leave them alone
(units/migrations/0003); the one-open-interval rule is then checked in one query.
"""

import contextlib
import json

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from registry.owners.models import Owner
from registry.units.models import Occupancy, Unit

from .staging import MOVED, NEW_OWNER, STATUS_DATE, UNIT_FIELDS


class UndoRefused(Exception):
    pass


@contextlib.contextmanager
def _bulk(cursor):
    """Per-row derivation and open-interval checks off while the import writes (units/migrations/0003, 0005).
    The triggers' WHEN conditions read the flag, so no check is even queued for commit."""
    cursor.execute("SET LOCAL registry.bulk_import = 'on'")
    yield
    # bulk mode ends here, not at the end of the transaction: the caller's transaction may go on writing
    # (a test, a larger job)
    cursor.execute("SET LOCAL registry.bulk_import = 'off'")


def lock(municipality):
    """One import or undo at a time per municipality, until the transaction ends: two imports matching
    at once would both take a unit for new."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK, municipality.pk])


IMPORT_LOCK = 7_361  # the first key of the advisory lock: ours, not another feature's


def _insert(cursor, model, provided, source, source_params=(), returning=None):
    """INSERT … SELECT with the SQL in `provided` (column → sql or (sql, params)), model defaults elsewhere."""
    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.column not in provided:
            if field.primary_key:
                continue
            expressions.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
        else:
            sql, extra = provided[field.column] if isinstance(provided[field.column], tuple) else (
                provided[field.column], [])
            expressions.append(sql)
            params.extend(extra)
        columns.append(field.column)
    cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(expressions)} "
                   f"{source}{f' RETURNING {returning}' if returning else ''}", [*params, *source_params])
    return cursor.fetchall() if returning else None


def write(batch, user, municipality, fields):
    """New units with owners and first intervals, changed attributes, status changes; fills `batch`'s record."""
    today, now, note = timezone.localdate(), timezone.now(), f"Import {batch.file_name}"
    status = "coalesce(r.status, 'occupied')"
    # a new unit has no current interval: its vacancy starts on "leer seit"; other statuses today
    valid_from = "CASE WHEN registry_counts_as_vacant(r.status) THEN coalesce(r.vacant_since, %s) ELSE %s END"
    given = [field for field in UNIT_FIELDS if field in fields]  # unit columns the file has
    with connection.cursor() as cursor, _bulk(cursor):
        created_owners, replaced_owners = _new_owners(cursor)
        cursor.execute("""
          CREATE TEMP TABLE import_new AS
          SELECT m.n, nextval(pg_get_serial_sequence('units_unit', 'id')) AS unit_id, io.owner_id
          FROM import_matches m LEFT JOIN import_owners io USING (n) WHERE m.action = 'new'""")
        new_rows = "FROM import_new nw JOIN import_rows r USING (n)"
        _insert(cursor, Unit, {
            "id": "nw.unit_id", **{field: (f"coalesce(r.{field}, %s)", [_default(field)]) for field in given},
            "location": "r.location", "municipality_id": ("%s", [municipality.pk]), "centre_id": "c.id",
            "status": status, "vacant_since": (f"CASE WHEN registry_counts_as_vacant({status}) THEN {valid_from} END",
                                               [today, today]),
            "owner_id": "nw.owner_id",
            "created_at": ("%s", [now]), "updated_at": ("%s", [now]), "created_by_id": ("%s", [user.pk]),
            "updated_by_id": ("%s", [user.pk]),
        }, f"""{new_rows} LEFT JOIN LATERAL (
                 SELECT id FROM places_towncentre c WHERE c.municipality_id = %s AND ST_Covers(c.boundary, r.location)
                 ORDER BY id LIMIT 1) c ON true""", [municipality.pk])
        _insert(cursor, Occupancy, {
            "unit_id": "nw.unit_id", "status": status,
            "category": f"CASE WHEN {status} = 'occupied' THEN coalesce(r.category, '') ELSE '' END",
            "valid_from": (valid_from, [today, today]),
            "note": ("%s", [note]), "recorded_by_id": ("%s", [user.pk]), "recorded_at": ("%s", [now]),
        }, new_rows)
        cursor.execute("SELECT coalesce(array_agg(unit_id ORDER BY n), '{}') FROM import_new")
        batch.created_unit_ids = cursor.fetchone()[0]

        batch.owner_changes = {"created": created_owners, "replaced": replaced_owners, **_change_contacts(cursor)}
        before = [*given, "owner_id", "subcategory"]  # a new category clears the branch (Unit.clean)
        cursor.execute(f"""
          SELECT coalesce(json_object_agg(u.id, json_build_object(
                   'version', u.version + 1,
                   'before', json_build_object({''.join(f"'{f}', u.{f}, " for f in before)}
                                               'location', ST_AsEWKT(u.location)))), '{{}}')
          FROM units_unit u JOIN import_matches m ON m.unit_id = u.id WHERE m.action = 'changed'""")
        batch.previous_values = cursor.fetchone()[0]
        assignments = "".join(f"{f} = coalesce(r.{f}, u.{f}), " for f in given)
        cursor.execute(f"""
          UPDATE units_unit u SET {assignments} owner_id = coalesce(io.owner_id, u.owner_id),
                                  location = CASE WHEN {MOVED} THEN r.location ELSE u.location END,
                                  subcategory = CASE WHEN r.category IS DISTINCT FROM u.category
                                                     AND r.category IS NOT NULL THEN '' ELSE u.subcategory END,
                                  version = u.version + 1, updated_at = %s, updated_by_id = %s
          FROM import_matches m JOIN import_rows r USING (n) LEFT JOIN import_owners io USING (n)
          WHERE m.unit_id = u.id AND m.action = 'changed'""", [now, user.pk])
        batch.status_changes = _change_statuses(cursor, user, today, now, note)

        cursor.execute("""
          SELECT count(*) FROM (SELECT unit_id FROM import_new UNION SELECT unit_id FROM import_status) t
          WHERE NOT EXISTS (SELECT 1 FROM units_occupancy o WHERE o.unit_id = t.unit_id AND o.valid_to IS NULL)""")
        if cursor.fetchone()[0]:
            raise IntegrityError("Import: Einheiten ohne aktuellen Status.")
        cursor.execute("DROP TABLE import_new, import_status, import_owners")


def _default(field):
    model_field = Unit._meta.get_field(field)
    return model_field.get_db_prep_save(model_field.get_default(), connection)


def _new_owners(cursor):
    """Owner records for new units with an owner and for units the file gives another owner
    (staging.NEW_OWNER: another name gets a new record, never the old one's consent). Rows naming
    the same person with the same phone and e-mail share one record. Fills import_owners(n, owner_id);
    returns the ids of the owners created and of those they replace on units in the register."""
    cursor.execute(f"""
      CREATE TEMP TABLE import_owner_rows AS
      SELECT m.n, r.owner_name AS name, coalesce(r.owner_phone, '') AS phone, coalesce(r.owner_email, '') AS email,
             -- a name alone does not tell two people apart: such rows get a record each
             CASE WHEN r.owner_phone IS NULL AND r.owner_email IS NULL THEN m.n END AS alone,
             u.owner_id AS replaced
      FROM import_matches m JOIN import_rows r USING (n) LEFT JOIN units_unit u ON u.id = m.unit_id
      LEFT JOIN owners_owner o ON o.id = u.owner_id
      WHERE r.owner_name IS NOT NULL AND (m.action = 'new' OR m.action = 'changed' AND {NEW_OWNER})""")
    cursor.execute("""
      CREATE TEMP TABLE import_owner_records AS
      SELECT nextval(pg_get_serial_sequence('owners_owner', 'id')) AS id, name, phone, email, alone
      FROM (SELECT DISTINCT name, phone, email, alone FROM import_owner_rows) people""")
    created = _insert(cursor, Owner, {"id": "p.id", "name": "p.name", "phone": "p.phone", "email": "p.email"},
                      "FROM import_owner_records p", returning="id")
    cursor.execute("""
      CREATE TEMP TABLE import_owners AS
      SELECT io.n, p.id AS owner_id FROM import_owner_rows io
      JOIN import_owner_records p ON (p.name, p.phone, p.email) = (io.name, io.phone, io.email)
                                 AND p.alone IS NOT DISTINCT FROM io.alone""")
    cursor.execute("SELECT coalesce(array_agg(DISTINCT replaced), '{}') FROM import_owner_rows "
                   "WHERE replaced IS NOT NULL")
    replaced = cursor.fetchone()[0]
    cursor.execute("DROP TABLE import_owner_rows, import_owner_records")
    return [pk for (pk,) in created], replaced


def _change_contacts(cursor):
    """The same owner name on a unit in the register updates that owner's phone and e-mail; returns
    the contacts before and after, for undo."""
    kept = f"""FROM units_unit u JOIN import_matches m ON m.unit_id = u.id JOIN import_rows r USING (n)
               WHERE o.id = u.owner_id AND m.action = 'changed' AND NOT ({NEW_OWNER})
                 AND (r.owner_phone IS DISTINCT FROM o.phone AND r.owner_phone IS NOT NULL
                      OR r.owner_email IS DISTINCT FROM o.email AND r.owner_email IS NOT NULL)"""
    cursor.execute(f"""SELECT coalesce(json_object_agg(o.id, json_build_object('phone', o.phone, 'email', o.email)),
                                       '{{}}') FROM owners_owner o WHERE EXISTS (SELECT 1 {kept})""")
    before = cursor.fetchone()[0]
    cursor.execute(f"""UPDATE owners_owner o SET phone = coalesce(r.owner_phone, o.phone),
                                                 email = coalesce(r.owner_email, o.email) {kept}
                       RETURNING o.id, o.phone, o.email""")
    after = {str(pk): {"phone": phone, "email": email} for pk, phone, email in cursor.fetchall()}
    return {"before": before, "after": after}


def _change_statuses(cursor, user, today, now, note):
    """As units.services.change_status, for all rows at once: close the open interval on the row's
    date and open a new one; on the open interval's first day it is closed as a zero-length interval,
    so the state and note it held are kept (see units 0007)."""
    cursor.execute(f"""
      CREATE TEMP TABLE import_status AS
      SELECT m.unit_id, r.status, CASE WHEN r.status = 'occupied' THEN coalesce(r.category, '') ELSE '' END AS category,
             {STATUS_DATE} AS on_date, o.id AS current_id, o.valid_from
      FROM import_matches m JOIN import_rows r USING (n)
      JOIN units_occupancy o ON o.unit_id = m.unit_id AND o.valid_to IS NULL
      WHERE m.status_changed""", [today, today])
    corrected = {}  # in-place corrections are gone; the key stays for undoing older batches that made some
    cursor.execute("""
      UPDATE units_occupancy o SET valid_to = s.on_date
      FROM import_status s WHERE o.id = s.current_id AND s.on_date >= s.valid_from RETURNING o.id""")
    closed = [pk for (pk,) in cursor.fetchall()]
    opened = _insert(cursor, Occupancy, {
        "unit_id": "s.unit_id", "status": "s.status", "category": "s.category", "valid_from": "s.on_date",
        "note": ("%s", [note]), "recorded_by_id": ("%s", [user.pk]), "recorded_at": ("%s", [now]),
    }, "FROM import_status s WHERE s.on_date >= s.valid_from", returning="id")
    cursor.execute("SELECT registry_sync_unit_states(ARRAY(SELECT unit_id FROM import_status))")
    return {"opened": [pk for (pk,) in opened], "closed": closed, "corrected": corrected}


def undo(batch):
    """Take the batch back: delete its new units and the owners it created, reopen what its status
    changes closed, restore attributes, owner links and contacts. Refused, with nothing changed, when
    anyone edited those units or owners since, or uses them elsewhere (a listing, a consent)."""
    created, changed = batch.created_unit_ids, json.dumps(batch.previous_values)
    statuses = {"opened": [], "closed": [], "corrected": {}, **batch.status_changes}
    owners = {"created": [], "before": {}, "after": {}, **batch.owner_changes}
    with connection.cursor() as cursor:
        cursor.execute("""SELECT id FROM units_unit WHERE id = ANY(%s) OR id IN (SELECT key::bigint
                          FROM json_each(%s::json)) ORDER BY id FOR UPDATE""", [created, changed])
        cursor.execute("""
          SELECT EXISTS (SELECT 1 FROM units_unit WHERE id = ANY(%s) AND version <> 1)
              OR EXISTS (SELECT 1 FROM units_unit u JOIN json_each(%s::json) e ON u.id = e.key::bigint
                         WHERE u.version <> (e.value->>'version')::int)
              OR EXISTS (SELECT 1 FROM owners_owner o JOIN json_each(%s::json) a ON o.id = a.key::bigint
                         WHERE (o.phone, o.email) IS DISTINCT FROM (a.value->>'phone', a.value->>'email'))""",
                       [created, changed, json.dumps(owners["after"])])
        if cursor.fetchone()[0]:
            raise UndoRefused("Einheiten aus diesem Import wurden inzwischen bearbeitet; der Import bleibt bestehen.")
        cursor.execute("""
          SELECT coalesce(array_agg(id), '{}'), coalesce(bool_or(consent <> 'unknown' OR user_id IS NOT NULL), false)
          FROM owners_owner WHERE id = ANY(%s) OR id IN (SELECT owner_id FROM units_unit WHERE id = ANY(%s))""",
                       [owners["created"], created])
        doomed_owners, owners_in_use = cursor.fetchone()
        if owners_in_use:
            raise UndoRefused("Für Eigentümer aus diesem Import wurde inzwischen eine Einwilligung oder ein Zugang "
                              "erfasst; der Import bleibt bestehen.")
        try:
            with transaction.atomic(), _bulk(cursor):
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # anything used elsewhere fails here, not at commit
                cursor.execute("DELETE FROM units_occupancy WHERE unit_id = ANY(%s) OR id = ANY(%s)",
                               [created, statuses["opened"]])
                cursor.execute("DELETE FROM units_unit WHERE id = ANY(%s)", [created])
                cursor.execute("UPDATE units_occupancy SET valid_to = NULL WHERE id = ANY(%s)", [statuses["closed"]])
                cursor.execute("""
                  UPDATE units_occupancy o SET status = c.value->>'status', category = c.value->>'category',
                                               note = c.value->>'note'
                  FROM json_each(%s::json) c WHERE o.id = c.key::bigint""", [json.dumps(statuses["corrected"])])
                _restore_units(cursor, batch.previous_values)
                cursor.execute("""
                  UPDATE owners_owner o SET phone = b.value->>'phone', email = b.value->>'email'
                  FROM json_each(%s::json) b WHERE o.id = b.key::bigint""", [json.dumps(owners["before"])])
                cursor.execute("DELETE FROM owners_owner WHERE id = ANY(%s)", [doomed_owners])
                cursor.execute("""SELECT count(*) FROM units_unit u WHERE u.id IN (SELECT key::bigint FROM
                                  json_each(%s::json)) AND NOT EXISTS (SELECT 1 FROM units_occupancy o
                                  WHERE o.unit_id = u.id AND o.valid_to IS NULL)""", [changed])
                if cursor.fetchone()[0]:
                    raise IntegrityError("Rücknahme: Einheiten ohne aktuellen Status.")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        except IntegrityError:
            raise UndoRefused("Einheiten aus diesem Import werden inzwischen anderswo verwendet (z. B. in einem "
                              "Angebot); der Import bleibt bestehen.") from None


def _restore_units(cursor, previous_values):
    """Each unit gets back the fields its own record holds (records of older batches differ in fields)."""
    fields = sorted({field for record in previous_values.values() for field in record["before"]}
                    & {*UNIT_FIELDS, "owner_id", "subcategory", "location"})
    if not fields:
        return
    assignments = "".join(f"{f} = CASE WHEN e.value->'before' ? '{f}' THEN p.{f} ELSE u.{f} END, " for f in fields)
    cursor.execute(f"""
      UPDATE units_unit u SET {assignments} version = u.version + 1
      FROM jsonb_each(%s::jsonb) e, jsonb_populate_record(NULL::units_unit, e.value->'before') p
      WHERE u.id = e.key::bigint""", [json.dumps(previous_values)])
