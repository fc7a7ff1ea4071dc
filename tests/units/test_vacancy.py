"""One definition of 'vacant', shared by Python and SQL."""

import re
from pathlib import Path

import pytest
from django.db import connection

import registry.units
from registry.units.vacancy import VACANT_STATUSES, Status, counts_as_vacant, counts_as_vacant_sql, vacancy_rate


def test_interim_use_and_occupied_are_not_vacant_everything_else_is():
    assert {s for s in Status if not counts_as_vacant(s)} == {Status.OCCUPIED, Status.INTERIM_USE}


@pytest.mark.django_db
def test_the_sql_definition_agrees_with_the_python_one():
    with connection.cursor() as cursor:
        cursor.execute("SELECT s, registry_counts_as_vacant(s) FROM unnest(%s::text[]) AS s", [Status.values])
        in_sql = {status for status, vacant in cursor.fetchall() if vacant}
    assert in_sql == {str(s) for s in VACANT_STATUSES}


def test_the_sql_twin_is_generated_from_the_python_definition():
    folder = Path(registry.units.__file__).parent / "sql"
    newest = max(folder.glob("counts_as_vacant_v*.sql"), key=lambda path: int(re.search(r"_v(\d+)", path.name)[1]))
    assert newest.read_text() == counts_as_vacant_sql(), (
        f"VACANT_STATUSES changed: write counts_as_vacant_sql() to the version after {newest.name}, and a units "
        "migration that loads it and re-derives vacant_since for every unit (registry/sqlfiles.py)")


def test_vacancy_rate_is_vacant_over_all_units():
    assert vacancy_rate(12, 100) == 0.12
    assert vacancy_rate(0, 0) is None
