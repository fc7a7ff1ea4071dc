"""Set-based imports derive place and status themselves and check open intervals in one query.

With `SET LOCAL registry.bulk_import = 'on'` (only registry/imports/writing.py sets it,
inside its own transaction) inserted units keep the municipality and centre the
import computed for all rows at once, new intervals leave the units' status to
the import (it writes status and vacant_since itself and syncs the units whose
status it changed), and the per-row check for an open interval is left to the
import's own set-based check. Per-row derivation cost 100k imports about seven
seconds (bench/import.py).
"""

from django.db import migrations

from registry.sqlfiles import sql

FORWARD = sql("units/sql/occupancy_after_insert_v2.sql", "units/sql/unit_before_write_v2.sql",
              "units/sql/check_open_interval_v2.sql")
BACKWARD = sql("units/sql/occupancy_after_insert_v1.sql", "units/sql/unit_before_write_v1.sql",
               "units/sql/check_open_interval_v1.sql")


class Migration(migrations.Migration):
    dependencies = [("units", "0002_derivation_triggers")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
