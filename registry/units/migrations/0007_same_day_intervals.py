"""Same-day status changes keep every state: zero-length intervals [d, d).

Before, a second change on the open interval's first day overwrote it (status, use and
note lost). Now the open interval is closed on that day as an empty range and a new one
opens: the exclusion constraint is unaffected (an empty range overlaps nothing), the
intervals that cover days still tile the history, and the statistics — which ask for the
interval covering a day — never see the empty ones. The order within a day is the
recording order (id).

registry_unit_states() gets the rule the statistics' registry_vacancy_spell() gets in
stats 0004: a non-vacant state that lasted no day does not end a vacancy spell, so
`vacant_since` and the figures agree.
"""

from django.db import migrations, models

from registry.sqlfiles import sql

class Migration(migrations.Migration):

    dependencies = [
        ('units', '0006_statistics_covering_indexes'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='occupancy',
            options={'ordering': ['unit', 'valid_from', 'valid_to', 'id'], 'verbose_name': 'Belegungszeitraum',
                     'verbose_name_plural': 'Belegungshistorie'},
        ),
        migrations.RemoveConstraint(
            model_name='occupancy',
            name='occupancy_ends_after_start',
        ),
        migrations.AddConstraint(
            model_name='occupancy',
            constraint=models.CheckConstraint(
                condition=models.Q(('valid_to__isnull', True), ('valid_to__gte', models.F('valid_from')),
                                   _connector='OR'),
                name='occupancy_ends_not_before_start',
                violation_error_message='Das Ende darf nicht vor dem Beginn liegen.'),
        ),
        migrations.RunSQL(sql("units/sql/unit_states_v3.sql"), sql("units/sql/unit_states_v1.sql")),
    ]
