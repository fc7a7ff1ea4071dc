"""A data version that every write to units, intervals, centres or municipalities bumps.

The public statistics are cached per version (key and ETag): a figure can only change
when the register changes, so readers never recompute between writes.

One row, bumped by statement-level triggers (a bulk INSERT of 100k units bumps once).
A row rather than a sequence: the new value becomes visible only when the writing
transaction commits, so a reader can never see a new version while the new figures are
still invisible to it. Readers read the version *before* computing, hence a cached
entry holds figures at least as new as its key. The value comes from a sequence so that
it never repeats, even if the row is deleted. TRUNCATE bumps too (tests, bench resets).
The price: concurrent writing transactions queue on this row for the rest of their
transaction (edits are short; a long import holds it until it commits). And a deadlock is
possible when an import that updates existing units and a city manager editing one of them
take the unit row and this row in opposite order; PostgreSQL then aborts one of the two after
deadlock_timeout (not seen in tests). Bumping at commit time (a deferred row-level constraint
trigger) would avoid both but queue one event per written row, which bulk imports avoid.
"""

from django.core.management import call_command
from django.db import migrations

from registry.sqlfiles import sql

TABLES = ("units_unit", "units_occupancy", "places_towncentre", "places_municipality")

FORWARD = """
CREATE SEQUENCE stats_data_version_seq;
CREATE TABLE stats_data_version (
  id smallint PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO stats_data_version (id, version) VALUES (1, nextval('stats_data_version_seq'));

""" + sql("stats/sql/bump_data_version_v1.sql") + "".join(f"""
CREATE TRIGGER {table}_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION registry_bump_data_version();""" for table in TABLES)

BACKWARD = "".join(f"DROP TRIGGER {table}_bumps_data_version ON {table};\n" for table in TABLES) + """
DROP FUNCTION registry_bump_data_version();
DROP TABLE stats_data_version;
DROP SEQUENCE stats_data_version_seq;
"""


def create_cache_table(apps, schema_editor):
    # The default cache backend is a table in our own database (no new service); a no-op for Redis.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_vacancy_start"), ("units", "0005_bulk_flag_in_trigger_conditions"),
                    ("places", "0002_public_contact")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD),
                  migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
