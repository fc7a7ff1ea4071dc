"""SQL functions live in versioned files (registry/sqlfiles.py): released files are never edited, each file holds
the function it is named after, and a database migrated to the end runs the newest version of each."""

import re
from pathlib import Path

import pytest
from django.db import connection

from registry import sqlfiles

FILES = sorted(Path(sqlfiles.ROOT).glob("*/sql/*_v*.sql"))
NAME = re.compile(r"(?P<name>\w+)_v(?P<version>\d+)\.sql")


def newest():
    versions = {}
    for path in FILES:
        match = NAME.fullmatch(path.name)
        name, version = match["name"], int(match["version"])
        if version > versions.get(name, (0, None))[0]:
            versions[name] = (version, path)
    return versions


def test_every_sql_file_is_released_unchanged():
    for path in FILES:
        sqlfiles.sql(str(path.relative_to(sqlfiles.ROOT)))  # raises SQLFileChanged naming the file


def test_an_edited_file_stops_the_migration(tmp_path, monkeypatch):
    (tmp_path / "units" / "sql").mkdir(parents=True)
    original = sqlfiles.ROOT / "units/sql/vacancy_spell_v2.sql"
    (tmp_path / "units/sql/vacancy_spell_v2.sql").write_text(original.read_text() + "-- edited\n")
    (tmp_path / "units/sql/SHA256SUMS").write_text((original.parent / "SHA256SUMS").read_text())
    monkeypatch.setattr(sqlfiles, "ROOT", tmp_path)
    with pytest.raises(sqlfiles.SQLFileChanged, match="vacancy_spell_v2.sql is not the released version"):
        sqlfiles.sql("units/sql/vacancy_spell_v2.sql")


def test_each_file_defines_the_function_it_is_named_after_and_versions_have_no_gaps():
    for name, (version, _path) in newest().items():
        for v in range(1, version + 1):
            text = (_path.parent / f"{name}_v{v}.sql").read_text()
            assert re.findall(r"CREATE OR REPLACE FUNCTION (\w+)\(", text) == [f"registry_{name}"], (name, v)


def test_every_file_is_loaded_by_a_migration_and_every_newest_version_forwards():
    migrations = "\n".join(path.read_text() for path in Path(sqlfiles.ROOT).glob("*/migrations/0*.py"))
    for path in FILES:
        assert str(path.relative_to(sqlfiles.ROOT)) in migrations, f"{path.name} is loaded by no migration"


def _body(text):
    return re.search(r"\$\$(.*)\$\$", text, re.S)[1]


@pytest.mark.django_db
def test_the_database_runs_the_newest_version_of_every_function():
    with connection.cursor() as cursor:
        for name, (_version, path) in newest().items():
            cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [f"registry_{name}"])
            assert cursor.fetchall() == [(_body(path.read_text()),)], f"registry_{name} is not {path.name}"
