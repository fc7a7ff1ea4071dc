"""The README's set-up works with the local PostgreSQL and with a DATABASE_URL.

Runs `setup.sh prepare` for real (packages present: it only checks them).
"""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER = "postgres://leerstand:leerstand@127.0.0.1:5432"

pytestmark = pytest.mark.slow


def run_setup(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    environment.update(ENV_FILE=str(tmp_path / ".env"), **env)
    return subprocess.run(["bash", "setup.sh", "prepare"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=900)


def database_state(url):
    with psycopg.connect(url) as conn:
        postgis = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
        units = conn.execute("SELECT count(*) FROM units_unit").fetchone()[0]
    return bool(postgis), units


def test_setup_with_a_database_url_creates_that_database_and_remembers_it(tmp_path):
    url = f"{SERVER}/leerstand_setup_test"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS leerstand_setup_test WITH (FORCE)")
    try:
        result = run_setup(tmp_path, DATABASE_URL=url)
        assert result.returncode == 0, result.stdout + result.stderr
        assert database_state(url) == (True, 5470)
        assert f"DATABASE_URL={url}" in (tmp_path / ".env").read_text()
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS leerstand_setup_test WITH (FORCE)")


def test_setup_without_database_url_uses_the_local_server(tmp_path):
    result = run_setup(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert database_state(f"{SERVER}/leerstand")[0]
    assert not (tmp_path / ".env").exists()
