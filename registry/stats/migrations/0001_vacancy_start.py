"""One SQL definition of "when did the vacancy spell covering a date begin", used by the
unit triggers (for today) and by the statistics (for any reference date)."""

from django.db import migrations

from registry.sqlfiles import sql

# Since units 0009 the units app owns these files and redefines them only in its own migrations.
FORWARD = sql("units/sql/vacancy_start_v1.sql", "units/sql/unit_states_v2.sql")
BACKWARD = sql("units/sql/unit_states_v1.sql") + "DROP FUNCTION IF EXISTS registry_vacancy_start(bigint, date);\n"


class Migration(migrations.Migration):
    dependencies = [("units", "0002_derivation_triggers")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
