"""The one import engine (command line today, web upload later): analyse → preview → commit.

All or nothing: `analyse` checks every row and collects every problem as
"Zeile N, Spalte X: …"; `commit` refuses unless there are none and writes in a
single transaction. Existing units are matched by external ID, else by the
normalised address within the municipality, so re-importing a file changes
nothing.
"""

from dataclasses import dataclass, field

import pyproj
from django.db import connection, transaction
from django.utils import timezone

from registry.accounts import access
from registry.owners.models import Owner
from registry.units import services as unit_services
from registry.units.models import Occupancy, Unit
from registry.units.vacancy import Status

from . import values
from .models import ImportBatch

UNIT_FIELDS = ("external_id", "name", "street", "house_number", "postcode", "town", "floor", "floor_area",
               "sales_area", "frontage", "step_free", "listed_building", "category", "asking_rent", "last_checked")
_TO_WGS84 = pyproj.Transformer.from_crs(25832, 4326, always_xy=True)


@dataclass
class Row:
    number: int  # as the user sees it in the spreadsheet
    values: dict
    lon: float = None
    lat: float = None
    existing: Unit = None
    action: str = "new"  # new / changed / unchanged


@dataclass
class Preview:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (row, column, message)
    notices: list = field(default_factory=list)
    crs: str = ""

    def error(self, row, column, message):
        self.errors.append((row, column, message))

    @property
    def counts(self):
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def error_lines(self):
        return [f"Zeile {row}, Spalte {column}: {message}" for row, column, message in sorted(
            self.errors, key=lambda e: (e[0], e[1]))]


def analyse(table, municipality, mapping=None, progress=None):
    preview = Preview()
    mapping = mapping or values.suggest_mapping(table.columns)
    ignored = [column for column in table.columns if column not in mapping]
    if ignored:
        preview.notices.append("Nicht zugeordnete Spalten werden ignoriert: " + ", ".join(ignored))
    column_of = {target: column for column, target in mapping.items()}
    if "street" not in column_of:
        preview.error(1, "–", "Keine Spalte für die Straße gefunden (z. B. „Straße“ oder „Str.“).")
        return preview
    has_coordinates = "x" in column_of and "y" in column_of
    if not has_coordinates and not any(table.points):
        preview.error(1, "–", "Weder Punktgeometrie noch Koordinatenspalten (Rechtswert/Hochwert, lon/lat).")
        return preview

    for offset, raw in enumerate(table.rows):
        number = table.first_row_number + offset
        row = Row(number, {})
        for target, column in column_of.items():
            cell = raw.get(column, "")
            if cell == "":
                continue
            try:
                row.values[target] = values.parse(target, cell)
            except ValueError as problem:
                preview.error(number, column, str(problem))
        if not row.values.get("street"):
            preview.error(number, column_of["street"], "Die Straße fehlt.")
        floor_area, sales_area = row.values.get("floor_area"), row.values.get("sales_area")
        if floor_area is not None and sales_area is not None and sales_area > floor_area:
            preview.error(number, column_of["sales_area"], "Die Verkaufsfläche ist größer als die Nutzfläche.")
        if table.points and table.points[offset]:
            row.lon, row.lat = table.points[offset]
        preview.rows.append(row)
        if progress:
            progress(1)

    if has_coordinates and not table.points:
        _coordinates(preview, column_of)
    _inside(preview, municipality)
    _duplicates(preview, column_of)
    if not preview.errors:
        _match(preview, municipality)
    return preview


def _coordinates(preview, column_of):
    pairs = [(r.values["x"], r.values["y"]) for r in preview.rows if "x" in r.values and "y" in r.values]
    if not pairs:
        return
    try:
        preview.crs = values.coordinate_system(pairs)
    except ValueError as problem:
        preview.error(1, f"{column_of['x']}/{column_of['y']}", str(problem))
        return
    for row in preview.rows:
        if "x" in row.values and "y" in row.values:
            x, y = row.values.pop("x"), row.values.pop("y")
            row.lon, row.lat = _TO_WGS84.transform(x, y) if preview.crs == "25832" else (x, y)


def _inside(preview, municipality):
    located = [row for row in preview.rows if row.lon is not None]
    for row in preview.rows:
        if row.lon is None:
            preview.error(row.number, "Standort", "Die Zeile hat keinen Standort.")
    if not located:
        return
    with connection.cursor() as cursor:  # one query for all rows
        cursor.execute("""
          SELECT p.n, registry_municipality_at(ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
          FROM unnest(%s::int[], %s::float8[], %s::float8[]) AS p(n, lon, lat)""",
                       [[r.number for r in located], [r.lon for r in located], [r.lat for r in located]])
        where = dict(cursor.fetchall())
    for row in located:
        if where[row.number] is None:
            preview.error(row.number, "Standort", "Der Punkt liegt außerhalb Thüringens.")
        elif where[row.number] != municipality.pk:
            preview.error(row.number, "Standort", f"Der Punkt liegt nicht in {municipality.name}.")


def _duplicates(preview, column_of):
    seen = {}
    for row in preview.rows:
        key = row.values.get("external_id") or values.normalise_address(
            row.values.get("street", ""), row.values.get("house_number", ""))
        if key in seen:
            column = column_of.get("external_id") if row.values.get("external_id") else column_of["street"]
            preview.error(row.number, column, f"Doppelt in der Datei (wie Zeile {seen[key]}).")
        else:
            seen[key] = row.number


def _match(preview, municipality):
    existing = Unit.objects.filter(municipality=municipality)
    by_id = {u.external_id: u for u in existing if u.external_id}
    by_address = {values.normalise_address(u.street, u.house_number): u for u in existing}
    for row in preview.rows:
        unit = by_id.get(row.values.get("external_id")) or by_address.get(
            values.normalise_address(row.values.get("street", ""), row.values.get("house_number", "")))
        if unit is None:
            continue
        row.existing = unit
        row.action = "changed" if _differences(unit, row) else "unchanged"


def _differences(unit, row):
    changes = {}
    for name in UNIT_FIELDS:
        if name in row.values:
            new, old = row.values[name], getattr(unit, name)
            if (float(old) if old is not None and name in values.PARSERS and values.PARSERS[name] is values.number
                    else old) != new:
                changes[name] = new
    if "status" in row.values and row.values["status"] != unit.status:
        changes["status"] = row.values["status"]
    return changes


def _owner(row):
    if not row.values.get("owner_name"):
        return None
    return Owner(name=row.values["owner_name"], phone=row.values.get("owner_phone", ""),
                 email=row.values.get("owner_email", ""))


@transaction.atomic
def commit(preview, user, municipality, file_name):
    """Write the preview; refuses (ValueError) while any row has a problem."""
    if preview.errors:
        raise ValueError("Die Datei hat Fehler; es wurde nichts importiert.")
    access.require_edit(user, municipality.pk)
    today = timezone.localdate()
    counts = preview.counts
    batch = ImportBatch.objects.create(municipality=municipality, file_name=file_name, created_by=user,
                                       created=counts["new"], changed=counts["changed"],
                                       unchanged=counts["unchanged"])
    new_rows = [row for row in preview.rows if row.action == "new"]
    owners = {row.number: _owner(row) for row in new_rows}
    Owner.objects.bulk_create([o for o in owners.values() if o])
    batch.created_unit_ids = _copy_units(new_rows, owners, user, file_name, today)
    for row in preview.rows:
        if row.action != "changed":
            continue
        changes = _differences(row.existing, row)
        status = changes.pop("status", None)
        before = {name: _plain(getattr(row.existing, name)) for name in changes}
        unit = row.existing
        if changes:
            unit = unit_services.update_unit(user, unit.pk, unit.version, **changes)
        if status:
            unit = unit_services.change_status(user, unit.pk, unit.version, status, row.values.get("vacant_since"),
                                               note=f"Import {file_name}")
        batch.previous_values[str(unit.pk)] = {"version": unit.version, "before": before}
    batch.save()
    return batch


_COPY_COLUMNS = ("id", "external_id", "name", "street", "house_number", "postcode", "town", "location", "floor",
                 "floor_area", "sales_area", "frontage", "step_free", "listed_building", "category", "subcategory",
                 "wz_code", "status", "asking_rent", "last_checked", "owner_id", "internal_note", "created_at",
                 "updated_at", "created_by_id", "updated_by_id", "version")


def _copy_units(rows, owners, user, file_name, today):
    """New units and their first interval through COPY: Django's bulk_create spent more time
    compiling SQL than PostgreSQL spent inserting (bench/import.py). Ids are drawn from the
    sequence first so the intervals can refer to them; the triggers still derive place and status."""
    if not rows:
        return []
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('units_unit', 'id')) FROM generate_series(1, %s)",
                       [len(rows)])
        ids = [value for (value,) in cursor.fetchall()]
        raw = cursor.cursor
        with raw.copy(f"COPY units_unit ({', '.join(_COPY_COLUMNS)}) FROM STDIN") as copy:
            for unit_id, row in zip(ids, rows):
                v = row.values
                owner = owners[row.number]
                copy.write_row((
                    unit_id, v.get("external_id", ""), v.get("name", ""), v["street"], v.get("house_number", ""),
                    v.get("postcode", ""), v.get("town", ""), f"SRID=4326;POINT({row.lon!r} {row.lat!r})",
                    v.get("floor", "EG"), v.get("floor_area"), v.get("sales_area"), v.get("frontage"),
                    v.get("step_free"), v.get("listed_building", False), v.get("category", ""), "", "",
                    v.get("status", Status.OCCUPIED), v.get("asking_rent"), v.get("last_checked"),
                    owner.pk if owner else None, "", now, now, user.pk, user.pk, 1))
        with raw.copy("COPY units_occupancy (unit_id, status, category, use_description, valid_from, note, "
                      "recorded_by_id, recorded_at) FROM STDIN") as copy:
            for unit_id, row in zip(ids, rows):
                status = row.values.get("status", Status.OCCUPIED)
                since = row.values.get("vacant_since") if status != Status.OCCUPIED else None
                copy.write_row((unit_id, status, row.values.get("category", "") if status == Status.OCCUPIED else "",
                                "", since or today, f"Import {file_name}", user.pk, now))
    return ids


def _plain(value):
    return float(value) if hasattr(value, "as_tuple") else value.isoformat() if hasattr(value, "isoformat") else value


class UndoRefused(Exception):
    pass


@transaction.atomic
def undo_last(user, municipality):
    """Undo the user's last import batch in the municipality, if nobody changed its units since."""
    access.require_edit(user, municipality.pk)
    batch = ImportBatch.objects.select_for_update().filter(
        municipality=municipality, created_by=user, undone_at__isnull=True).first()
    if batch is None:
        raise UndoRefused("Es gibt keinen Import, der rückgängig gemacht werden kann.")
    created = Unit.objects.filter(pk__in=batch.created_unit_ids)
    if created.exclude(version=1).exists():
        raise UndoRefused("Einheiten aus diesem Import wurden inzwischen bearbeitet; der Import bleibt bestehen.")
    for unit_id, record in batch.previous_values.items():
        if Unit.objects.filter(pk=unit_id).exclude(version=record["version"]).exists():
            raise UndoRefused("Einheiten aus diesem Import wurden inzwischen bearbeitet; der Import bleibt bestehen.")
    Occupancy.objects.filter(unit__in=created).delete()
    Owner.objects.filter(units__in=created).delete()
    created.delete()
    for unit_id, record in batch.previous_values.items():
        if record["before"]:
            Unit.objects.filter(pk=unit_id).update(**record["before"])
    batch.undone_at = timezone.now()
    batch.save(update_fields=["undone_at"])
    return batch
