"""SQL functions and trigger bodies live in versioned files that migrations read: registry/<app>/sql/<name>_v<N>.sql.

A migration must go on meaning what it meant when it was written, so a file a migration loads is never edited.
A change is a new version and a one-line migration:

    cp registry/units/sql/vacancy_spell_v2.sql registry/units/sql/vacancy_spell_v3.sql   # then edit v3
    git diff --no-index registry/units/sql/vacancy_spell_v{2,3}.sql                       # the change to review
    (cd registry/units/sql && sha256sum vacancy_spell_v3.sql >> SHA256SUMS)
    migrations.RunSQL(sql("units/sql/vacancy_spell_v3.sql"), sql("units/sql/vacancy_spell_v2.sql"))

Each sql/ folder's SHA256SUMS (the format `sha256sum -c` reads) lists the released files; reading one that differs
from its line, or is not listed, stops the migration. The file name is the function's name without `registry_`
(tests/test_sqlfiles.py). The newest version of each name is what a database migrated to the end runs.
Trigger definitions themselves (CREATE TRIGGER … WHEN …) stay in the migrations: they are schema, like indexes.

Like django-pgtrigger's triggers or Scenic's versioned view files, but for plain functions as well (most of ours
are SQL functions, not triggers) and without renaming what databases already have.
"""

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent


class SQLFileChanged(RuntimeError):
    pass


def released(folder):
    """{file name: sha256} from folder/SHA256SUMS."""
    sums = {}
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            sums[name.lstrip("*")] = digest
    return sums


def sql(*paths):
    """The text of the files (paths relative to registry/, e.g. "units/sql/unit_states_v4.sql"), in order."""
    texts = []
    for relative in paths:
        path = ROOT / relative
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        expected = released(path.parent).get(path.name)
        if expected != digest:
            raise SQLFileChanged(
                f"{relative} is not the released version ({'changed' if expected else 'not in SHA256SUMS'}). "
                f"A file a migration loads is never edited: copy it to the next _v<N>.sql, change that, add "
                f"'{digest}  <new file>' to {path.parent.relative_to(ROOT)}/SHA256SUMS and load it in a new "
                f"migration (registry/sqlfiles.py).")
        texts.append(data.decode("utf-8"))
    return "\n".join(texts)
