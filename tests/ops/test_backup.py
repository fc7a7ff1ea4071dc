"""A town's IT can back up the register (database and photos) and bring it back on a fresh database:
`manage.py backup DIR`, `manage.py restore FOLDER` (README, "Betrieb"); the restored register serves
its pages and photos under gunicorn. Inquiries are deleted after INQUIRY_RETENTION_MONTHS."""

import datetime
import os
import subprocess
import sys

import psycopg
import pytest
from django.core.management import call_command
from django.utils import timezone

from registry.listings.models import Inquiry, Listing, ListingPhoto

from .production import ROOT, Server, committed, database_url, get, production_env

pytestmark = pytest.mark.django_db


def manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture
def fresh_database():
    name = f"leerstand_restore_{os.getpid()}"
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    yield name
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.slow
def test_backup_restored_into_a_fresh_database_serves_the_register(tmp_path, fresh_database, static_root):
    listing = Listing.objects.public().order_by("pk").first()
    photo = committed(lambda: ListingPhoto.objects.create(
        listing=listing, image="listings/2026/gesichert.jpg", thumbnail="listings/2026/thumbs/gesichert.jpg"))
    try:
        source = production_env(tmp_path / "quelle", database_url(), static_root)
        for path in (photo.image.name, photo.thumbnail.name):
            target = tmp_path / "quelle" / "media" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(b"\xff\xd8\xff\xe0 ein Foto")
        result = manage("backup", str(tmp_path / "sicherungen"), "--behalten", "3", env=source)
        assert result.returncode == 0, result.stderr
    finally:
        committed(lambda: ListingPhoto.objects.filter(pk=photo.pk).delete())
    [folder] = (tmp_path / "sicherungen").iterdir()  # nothing half-written left beside it
    assert oct(folder.stat().st_mode & 0o777) == "0o700"

    restored = production_env(tmp_path / "neu", database_url(fresh_database), static_root)
    result = manage("restore", str(tmp_path / "sicherungen"), env=restored)
    assert result.returncode == 0, result.stderr
    assert "zurückgespielt" in result.stdout
    assert manage("migrate", "--check", env=restored).returncode == 0
    with psycopg.connect(database_url(fresh_database)) as copy, psycopg.connect(database_url()) as original:
        count = "SELECT count(*), count(*) FILTER (WHERE status = 'vacant') FROM units_unit"
        assert copy.execute(count).fetchone() == original.execute(count).fetchone()

    server = Server(restored)
    try:
        page = get(server.url + listing.get_absolute_url())
        assert page[0] == 200 and "/media/listings/2026/thumbs/gesichert.jpg" in page[2].decode()
        assert get(server.url + "/media/listings/2026/gesichert.jpg")[2] == b"\xff\xd8\xff\xe0 ein Foto"
        assert get(server.url + "/statistik/")[0] == 200
    finally:
        server.stop()

    # a database that holds a register is not overwritten by mistake
    again = manage("restore", str(folder), env=restored)
    assert again.returncode != 0 and "enthält schon Daten" in again.stderr


def test_a_folder_that_is_no_backup_is_refused(tmp_path):
    result = manage("restore", str(tmp_path), env={**os.environ, "DATABASE_URL": database_url("gibt_es_nicht")})
    assert result.returncode != 0 and "keine Sicherung" in result.stderr


def test_inquiries_are_deleted_after_the_retention_period(settings):
    listing = Listing.objects.public().first()

    def inquiry(months_ago, name):
        made = Inquiry.objects.create(listing=listing, name=name, email="s@example.net", intended_use="Café",
                                      message="Hallo", client_key="x")
        Inquiry.objects.filter(pk=made.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=round(months_ago * 30.5)))

    inquiry(13, "alt")
    inquiry(11, "jünger")
    inquiry(0, "neu")
    call_command("housekeeping", verbosity=0)
    assert sorted(Inquiry.objects.values_list("name", flat=True)) == ["jünger", "neu"]
    settings.INQUIRY_RETENTION_MONTHS = 6
    call_command("prune_imports", verbosity=0)  # the old name does the same
    assert list(Inquiry.objects.values_list("name", flat=True)) == ["neu"]
