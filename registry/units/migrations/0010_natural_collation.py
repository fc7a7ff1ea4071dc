from django.contrib.postgres.operations import CreateCollation
from django.db import migrations


class Migration(migrations.Migration):
    """House numbers sort as people count them („Anger 2“ before „Anger 19“, „3a“ after „3“): ICU's numeric
    collation, used in ORDER BY only (units/ordering.py), so no index or stored value changes."""

    dependencies = [("units", "0009_unit_states_from_vacancy_spell")]

    operations = [CreateCollation("registry_natural", provider="icu", locale="de-u-kn-true")]
