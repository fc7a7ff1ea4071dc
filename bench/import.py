"""Importing a 100k-row survey CSV: our engine against `ogr2ogr -f PostgreSQL` into a plain table.

    .venv/bin/python bench/import.py --rows 100000

Both read the same Windows-1252 CSV with UTM coordinates, in one run. Target (issue 7): ≤ 2 × ogr2ogr.
Also timed: our dry run alone, and two floors: the same new rows copied into tables shaped like the
register's (same indexes and constraints, no triggers), without and with the register's foreign keys,
which no import into the register can beat. Prints the importing process's peak memory growth.

Issue 19 (history of every write, registry/history.py): the same import is also timed with the history
triggers switched off (rolled back), so their cost is a ratio within one run. Measured 2 December 2026 on
the shared 2-core machine under a load average of 5–6 (other builds running; absolute seconds swing 2×):
import ÷ import without the history triggers 0.92, 1.16 and 1.00 (three runs of 100,000 rows) and 1.13 (median
of three alternating 50,000-row pairs: 23.2 s on, 20.6 s off). Before/after across the change, same machine and
load, import of 100,000 rows: before 26.5 / 47.8 / 49.4 s (median 47.8 s), after 51.6 / 33.2 / 41.0 / 29.5 s
(median 37.1 s); import ÷ floor with keys before 1.99 / 2.25 / 2.82, after 2.76 / 5.09 / 2.26 / 2.90. Target ≤ 1.3 ×.
"""

import argparse
import os
import random
import resource
import subprocess
import tempfile
import time

from common import prepare, table


def write_survey(path, rows):
    rng = random.Random(7)
    with open(path, "w", encoding="cp1252") as out:
        out.write("Straße;Hausnr.;Nutzfläche;Status;Rechtswert;Hochwert\n")
        for n in range(rows):
            out.write(f"Benchgasse {n // 500};{n % 500 + 1};{rng.randint(20, 400)},{rng.randint(0, 9)};"
                      f"{rng.choice(['leer', 'genutzt', 'genutzt', 'genutzt'])};"
                      f"{rng.uniform(639000, 645000):.1f};{rng.uniform(5646000, 5652000):.1f}\n")


def index_floor(foreign_keys=False):
    """The same new units and intervals copied into tables shaped like the register's (same indexes and
    constraints, no triggers; with `foreign_keys` also the register's foreign keys, checked per row):
    what writing into an indexed register costs at least."""
    from django.db import connection

    spent = 0.0
    with connection.cursor() as cursor:
        for table, where in (("units_unit", "street LIKE 'Benchgasse%%'"),
                             ("units_occupancy",
                              "unit_id IN (SELECT id FROM units_unit WHERE street LIKE 'Benchgasse%%')")):
            cursor.execute(f"DROP TABLE IF EXISTS bench_floor; CREATE TABLE bench_floor (LIKE {table} INCLUDING ALL)")
            if foreign_keys:
                cursor.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                               "AND contype = 'f'", [table])
                for (definition,) in cursor.fetchall():
                    cursor.execute(f"ALTER TABLE bench_floor ADD {definition}")
            started = time.perf_counter()
            cursor.execute(f"INSERT INTO bench_floor SELECT * FROM {table} WHERE {where}")
            spent += time.perf_counter() - started
            cursor.execute("DROP TABLE bench_floor")
    return spent


def without_history(commit):
    """The same import with the history triggers (registry/history.py, issue 19) switched off, rolled back:
    what recording every write costs the import, measured in the same run."""
    from django.db import connection, transaction

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE tgname LIKE 'pgtrigger_%%' "
                           "AND tgrelid::regclass::text IN ('units_unit', 'units_occupancy', 'owners_owner')")
            for table, name in cursor.fetchall():
                cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')
            started = time.perf_counter()
            commit()
            raise Rollback(time.perf_counter() - started)
    except Rollback as done:
        return done.args[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    prepare(0)

    from django.conf import settings
    from django.contrib.auth import get_user_model

    from registry.imports import engine
    from registry.imports.readers import read
    from registry.places.models import Municipality
    from registry.units.models import Unit
    from django.db import connection

    def remove_bench_units():
        Unit.objects.filter(street__startswith="Benchgasse").delete()
        with connection.cursor() as cursor:  # and their history: else every run writes into larger event tables
            cursor.execute("DELETE FROM units_occupancyevent WHERE unit_id IN (SELECT pgh_obj_id FROM "
                           "units_unitevent WHERE street LIKE 'Benchgasse%%')")
            cursor.execute("DELETE FROM units_unitevent WHERE street LIKE 'Benchgasse%%'")

    remove_bench_units()  # left over from an interrupted run
    with connection.cursor() as cursor:  # earlier runs' deleted rows would slow both ours and the floor
        cursor.execute("VACUUM ANALYZE units_unit, units_occupancy, owners_owner, units_unitevent, "
                       "units_occupancyevent")
    erfurt = Municipality.objects.get(ags="16051000")
    user = get_user_model().objects.get(username="stadt-erfurt")
    db = settings.DATABASES["default"]
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "erhebung.csv")
        write_survey(path, args.rows)
        size_mb = os.path.getsize(path) / 1e6
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        preview = engine.analyse(read(path), erfurt)
        dry_run = time.perf_counter() - started
        assert not preview.errors, preview.error_lines()[:3]
        # first, rolled back (the file's units must be new for both), then the tables cleaned as at the start
        no_history = without_history(lambda: engine.commit(read(path), erfurt, user, "erhebung.csv"))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE units_unit, units_occupancy, owners_owner")
        started = time.perf_counter()
        batch = engine.commit(read(path), erfurt, user, "erhebung.csv")  # reads, checks and writes again
        ours = time.perf_counter() - started
        rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_before
        floor, floor_with_keys = index_floor(), index_floor(foreign_keys=True)
        pg = (f"PG:dbname={db['NAME']} host={db['HOST']} port={db['PORT'] or 5432} user={db['USER']} "
              f"password={db['PASSWORD']}")
        started = time.perf_counter()
        subprocess.run(["ogr2ogr", "-f", "PostgreSQL", pg, path, "-nln", "bench_ogr_import", "-overwrite",
                        "-oo", "X_POSSIBLE_NAMES=Rechtswert", "-oo", "Y_POSSIBLE_NAMES=Hochwert",
                        "-s_srs", "EPSG:25832", "-t_srs", "EPSG:4326"],
                       check=True, capture_output=True, env={**os.environ, "PGCLIENTENCODING": "WIN1252"})
        ogr = time.perf_counter() - started
    assert batch.created == args.rows
    remove_bench_units()
    print(f"\nImport of {args.rows:,} CSV rows (Windows-1252, UTM 32N)\n")
    rows = [["ours: dry run (read, check every row, match)", dry_run],
            ["ours: import (read, check, match, write, commit)", ours],
            ["ours: the same import without the history triggers (rolled back)", no_history],
            ["floor: same rows into copies of the register tables (indexes, constraints)", floor],
            ["floor with the register's foreign keys, checked per row", floor_with_keys],
            ["ogr2ogr -f PostgreSQL (plain table)", ogr]]
    print(table(["what", "time", "÷ ogr2ogr"], [[what, f"{t:.1f} s", f"{t / ogr:.2f}"] for what, t in rows]))
    print(f"\nratio import/ogr2ogr {ours / ogr:.2f} (target ≤ 2) · import/floor with keys "
          f"{ours / floor_with_keys:.2f}")
    print(f"history triggers: import ÷ import without them {ours / no_history:.2f} (issue 19: ≤ 1.3)")
    print(f"peak memory growth of the importing process: {rss_growth:.0f} MB (file {size_mb:.1f} MB)")


if __name__ == "__main__":
    main()
