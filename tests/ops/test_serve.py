"""`bash setup.sh serve`: the production mode on one machine — gunicorn, DEBUG=false, a SECRET_KEY
generated once into .env, the pages answered with hashed static files, no demo loaded."""

import os
import signal
import subprocess
import time

import pytest

from .production import ROOT, database_url, free_port, get

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_setup_serve_runs_gunicorn_in_production_mode(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY")}
    env.update(ENV_FILE=str(tmp_path / ".env"), DATABASE_URL=database_url(), PORT=str(port),
               STATIC_ROOT=str(tmp_path / "static"), WEB_CONCURRENCY="1")
    log = open(tmp_path / "serve.log", "w+")
    process = subprocess.Popen(["bash", "setup.sh", "serve"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if get(f"http://127.0.0.1:{port}/health/")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(1)
        status, _, body = get(f"http://127.0.0.1:{port}/angebote/")
        assert status == 200
        page = body.decode()
        assert "/static/registry/site." in page and ".css" in page and "/static/registry/site.css" not in page
        assert get(f"http://127.0.0.1:{port}/gibt-es-nicht/")[2].find(b"Traceback") == -1  # DEBUG is off
        settings_file = (tmp_path / ".env")
        assert oct(settings_file.stat().st_mode & 0o777) == "0o600"
        keys = [line for line in settings_file.read_text().splitlines() if line.startswith("SECRET_KEY=")]
        assert len(keys) == 1 and len(keys[0]) > 60
        assert "gunicorn" in (tmp_path / "serve.log").read_text()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
        log.close()
