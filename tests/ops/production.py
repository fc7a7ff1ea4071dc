"""Running the application as production does: DEBUG=false, collected static files, gunicorn started
by the Dockerfile's own CMD (with gunicorn.conf.py), on a free port of this machine."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(name=None, port=None):
    db = settings.DATABASES["default"]
    return (f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'])}@{db['HOST'] or '127.0.0.1'}:"
            f"{port or db['PORT'] or 5432}/{name or db['NAME']}")


def production_env(tmp_path, database_url, static_root=None, **extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env.update(DEBUG="false", SECRET_KEY="production-test-" + "k" * 40, ALLOWED_HOSTS="127.0.0.1",
               HTTPS="false", DATABASE_URL=database_url, STATIC_ROOT=str(static_root or tmp_path / "static"),
               MEDIA_ROOT=str(tmp_path / "media"), IMPORT_UPLOADS=str(tmp_path / "imports"),
               WEB_CONCURRENCY="2", **extra)
    return env


def collectstatic(env):
    result = subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def dockerfile_cmd():
    """The JSON-form CMD of the Dockerfile, its /venv/bin/ programs taken from this virtualenv."""
    line = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD ")][-1]
    return [re.sub(r"^/venv/bin/", f"{VENV_BIN}/", part) for part in json.loads(line[4:])]


class Server:
    def __init__(self, env, port=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.log = open(Path(env["MEDIA_ROOT"]).parent / f"gunicorn-{self.port}.log", "w+")
        self.process = subprocess.Popen(dockerfile_cmd(), cwd=ROOT, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(self.url + "/health/")[0] == 200:
                    break
            except OSError:
                pass
            assert self.process.poll() is None, "gunicorn endete:\n" + self.output()
            assert time.monotonic() < deadline, "gunicorn antwortet nicht:\n" + self.output()
            time.sleep(0.3)

    def output(self):
        return Path(self.log.name).read_text()[-5000:]

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def get(url, data=None, headers=None, timeout=30):
    """(status, headers, body) without following redirects; HTTP errors are answers, not exceptions."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


PG_BIN = Path("/usr/lib/postgresql/15/bin")


class Cluster:
    """A PostgreSQL cluster of the test's own (as the postgres user, data under /tmp, another port),
    with PostGIS from the machine's installation: a server the test may stop and restart."""

    def __init__(self, tmp_path):
        import pwd
        import shutil
        import tempfile

        if os.geteuid() != 0 or not (PG_BIN / "initdb").exists():
            import pytest
            pytest.skip("braucht root und PostgreSQL 15 (Debian) für einen eigenen Cluster")
        self.dir = Path(tempfile.mkdtemp(prefix="leerstand-cluster-"))
        account = pwd.getpwnam("postgres")
        shutil.chown(self.dir, account.pw_uid, account.pw_gid)
        self.data, self.log = self.dir / "data", self.dir / "server.log"
        self.port = free_port()
        self._as_postgres([PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync",
                           "-E", "UTF8", "--locale", "C.UTF-8"])
        self.start()

    def _as_postgres(self, command, **kwargs):
        return subprocess.run(["runuser", "-u", "postgres", "--", *map(str, command)], check=True,
                              capture_output=True, text=True, timeout=120, **kwargs)

    def _pg_ctl(self, action, *extra):
        return self._as_postgres([PG_BIN / "pg_ctl", action, "-D", self.data, "-l", self.log, "-w", *extra,
                                  "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"])

    def start(self):
        self._pg_ctl("start")

    def restart(self):
        self._pg_ctl("restart", "-m", "fast")

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def psql(self, database, sql):
        return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", self.url(database), "-c", sql],
                              check=True, capture_output=True, text=True, timeout=120).stdout

    def stop(self):
        import shutil

        try:
            self._as_postgres([PG_BIN / "pg_ctl", "stop", "-D", self.data, "-m", "immediate"])
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def copy_database(target_url):
    """The test database (demo register, migrated) into another server, through pg_dump -Fc."""
    dump = subprocess.run(["pg_dump", "-Fc", database_url()], check=True, capture_output=True, timeout=300).stdout
    subprocess.run(["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "-d", target_url], input=dump,
                   check=True, capture_output=True, timeout=300)


def csrf_post(url, fields, headers=None):
    """A form POST as a browser sends it: the CSRF cookie and the same token in the form."""
    from urllib.parse import urlencode

    token = "t" * 32
    body = urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
    return get(url, data=body, headers={"Cookie": f"csrftoken={token}",
                                        "Content-Type": "application/x-www-form-urlencoded", **(headers or {})})


def committed(function):
    """Runs ORM code in a thread of its own: its own connection, outside the test's transaction,
    committed at once, so the server process sees the result."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def run():
        try:
            return function()
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()
