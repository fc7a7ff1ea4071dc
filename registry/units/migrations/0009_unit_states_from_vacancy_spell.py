"""registry_unit_states() reads the start of the vacancy spell from registry_vacancy_spell(): one definition of a
spell for vacant_since and the statistics, and the vacancy SQL now belongs to units (registry/units/sql/).

Until now the live version depended on migration order: a database migrated from scratch ran stats 0001 after
units 0007 and kept stats' copy (a scalar registry_vacancy_start() call per unit, five times slower), one migrated
step by step kept units 0007's inline copy of the spell. Both give what v4 gives (checked on the demo data:
all 5,470 units equal, and equal to the stored status and vacant_since), so no unit is re-derived.

Depends on stats 0004 so that every later change to the vacancy SQL runs after the statistics app's old ones.
"""

from django.db import migrations

from registry.sqlfiles import sql


class Migration(migrations.Migration):
    dependencies = [("units", "0008_history"), ("stats", "0004_spell_ignores_zero_length")]

    operations = [migrations.RunSQL(sql("units/sql/unit_states_v4.sql"), sql("units/sql/unit_states_v3.sql"))]
