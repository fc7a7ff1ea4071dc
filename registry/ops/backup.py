"""Backup and restore of everything a town would lose with its server: the database (pg_dump custom
format: all tables, PostGIS included) and the photos in MEDIA_ROOT. `manage.py backup DIR` writes
one folder per run; `manage.py restore FOLDER` puts one back (README, "Betrieb").

Not in a backup: import uploads waiting for their job (deleted after a week anyway; re-upload), the
collected static files (rebuilt by collectstatic), settings and SECRET_KEY (.env: keep it apart, see
README — with a new SECRET_KEY the register works, only logged-in sessions and open links end).
"""

import datetime
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection
from django.utils import timezone

from .database import conninfo, ensure_database

DATABASE_FILE = "datenbank.dump"
MEDIA_FILE = "fotos.tar.gz"
MANIFEST = "sicherung.json"


class BackupError(Exception):
    pass


def _env(db):
    # the password through the environment, not the command line (visible in `ps`)
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _dsn(db, name=None):
    return conninfo({**db, "PASSWORD": ""}, name)


def _run(command, db):
    result = subprocess.run(command, env=_env(db), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} ist fehlgeschlagen: {result.stderr.strip()[-2000:]}")
    return result


def backup(target, keep=None):
    """Writes target/<YYYY-MM-DD_HHMMSS>/ with the database dump, the photos and a manifest; removes
    all but the newest `keep` such folders. Returns the new folder. A half-written backup never
    looks like a finished one: it is written under a temporary name and renamed at the end."""
    db = settings.DATABASES["default"]
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    name = timezone.localtime().strftime("%Y-%m-%d_%H%M%S")
    folder, partial = target / name, target / f".{name}.unvollständig"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)  # owners' and seekers' personal data: for the operator only
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(partial / DATABASE_FILE),
          _dsn(db)], db)
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(partial / MEDIA_FILE, "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname=".")
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = cursor.fetchall()
    (partial / MANIFEST).write_text(json.dumps({
        "erstellt": timezone.now().isoformat(), "datenbank": db["NAME"],
        "migrationen": [f"{app}.{migration}" for app, migration in migrations][-200:],
        "dateien": {DATABASE_FILE: (partial / DATABASE_FILE).stat().st_size,
                    MEDIA_FILE: (partial / MEDIA_FILE).stat().st_size},
    }, indent=1, ensure_ascii=False))
    partial.rename(folder)
    if keep:
        finished = sorted(p for p in target.iterdir() if p.is_dir() and (p / MANIFEST).exists())
        for old in finished[:-keep]:
            shutil.rmtree(old)
    return folder


def _holds_register(db):
    with psycopg.connect(conninfo(db), connect_timeout=10) as conn:
        return conn.execute("SELECT to_regclass('public.django_migrations') IS NOT NULL").fetchone()[0]


def restore(folder, replace=False):
    """Puts a backup folder back into the configured database and MEDIA_ROOT.

    The database is created if missing. A database that already holds tables is only overwritten
    with replace=True. The dump goes in as one transaction: it is restored completely or not at all."""
    db = settings.DATABASES["default"]
    folder = Path(folder)
    for needed in (DATABASE_FILE, MEDIA_FILE, MANIFEST):
        if not (folder / needed).exists():
            raise BackupError(f"{folder} ist keine vollständige Sicherung: {needed} fehlt.")
    connection.close()
    try:
        tables = _holds_register(db)
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error) and "existiert nicht" not in str(error):
            raise BackupError(f"Datenbank {db['NAME']} nicht erreichbar: {error}") from error
        tables = False
    if tables and not replace:
        raise BackupError(f"Die Datenbank {db['NAME']} enthält schon Daten. Zum Überschreiben --ersetzen "
                          "angeben (vorher selbst sichern!), oder in eine neue, leere Datenbank zurückspielen.")
    # The database and its extensions (PostGIS, btree_gist) come from ensure_database, not from the dump:
    # creating, commenting or dropping an extension needs a superuser, the register's own role need not be one.
    ensure_database(db)
    contents = _run(["pg_restore", "--list", str(folder / DATABASE_FILE)], db).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:  # the backup may be read-only
        # PostGIS's own table spatial_ref_sys belongs to the extension as well
        handle.write("\n".join(line for line in contents.splitlines()
                               if " EXTENSION " not in line and " spatial_ref_sys " not in line) + "\n")
    listing = Path(handle.name)
    try:
        _run(["pg_restore", "--no-owner", "--no-acl", "--no-comments", "--exit-on-error", "--single-transaction",
              *(["--clean", "--if-exists"] if tables else []), "--use-list", str(listing),
              "--dbname", _dsn(db), str(folder / DATABASE_FILE)], db)
    finally:
        listing.unlink(missing_ok=True)
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA_FILE, "r:gz") as archive:
        archive.extractall(media, filter="data")  # "data": no absolute paths, links out or devices
    return json.loads((folder / MANIFEST).read_text())


def newest(target):
    finished = sorted(p for p in Path(target).iterdir() if p.is_dir() and (p / MANIFEST).exists())
    if not finished:
        raise BackupError(f"In {target} liegt keine Sicherung.")
    return finished[-1]


def age_of(folder):
    return timezone.now() - datetime.datetime.fromisoformat(json.loads((Path(folder) / MANIFEST).read_text())["erstellt"])
