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


def production_env(tmp_path, database_url, **extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env.update(DEBUG="false", SECRET_KEY="production-test-" + "k" * 40, ALLOWED_HOSTS="127.0.0.1",
               HTTPS="false", DATABASE_URL=database_url, STATIC_ROOT=str(tmp_path / "static"),
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
        self.log = open(Path(env["STATIC_ROOT"]).parent / f"gunicorn-{self.port}.log", "w+")
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
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-5000:]

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
