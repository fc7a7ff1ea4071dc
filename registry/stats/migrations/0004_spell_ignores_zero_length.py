"""A zero-length interval [d, d) does not end a vacancy spell.

Same-day status changes now leave zero-length intervals (units 0007). A state that lasted
no day — "genutzt" entered by mistake and put back to "leer" the same day — must not cut
the spell in two, so only non-vacant intervals that covered at least one day count as its
end. Unchanged otherwise (and still inlinable: STABLE, SQL, set-returning).
"""

from django.db import migrations

from registry.sqlfiles import sql

class Migration(migrations.Migration):
    dependencies = [("stats", "0003_vacancy_spell"), ("units", "0007_same_day_intervals")]
    operations = [migrations.RunSQL(sql("units/sql/vacancy_spell_v2.sql"), sql("units/sql/vacancy_spell_v1.sql"))]
