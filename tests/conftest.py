"""Test set-up: a real PostGIS test database holding the demo register.

The demo is loaded once per session (committed), every test then runs in a
transaction that is rolled back, so tests see the same Thuringian data.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.test.testcases import LiveServerThread, _StaticFilesHandler

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside the ORM


@pytest.fixture(scope="session", autouse=True)
def _fast_hasher():
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _german():
    """Each test starts in German: a request with another Accept-Language leaves its language active."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from registry.units.models import Unit

    with django_db_blocker.unblock():
        if not Unit.objects.filter(external_id__startswith="demo-").exists():
            call_command("load_demo", verbosity=0)


@pytest.fixture
def users(db):
    from django.contrib.auth import get_user_model

    return {user.username: user for user in get_user_model().objects.filter(
        username__in=["admin", "stadt-erfurt", "stadt-jena", "analyst", "eigentuemer"])}


@pytest.fixture
def erfurt_market():
    """A point on Erfurt's Anger, inside the Altstadt centre polygon."""
    from registry.places.models import TownCentre

    centre = TownCentre.objects.get(slug="erfurt-altstadt")
    return centre.boundary.point_on_surface


@pytest.fixture
def jena_point():
    from registry.places.models import TownCentre

    return TownCentre.objects.get(slug="jena-innenstadt").boundary.point_on_surface


@pytest.fixture
def outside_thuringia():
    return Point(13.4050, 52.5200, srid=4326)  # Berlin


# --- live server and browser (used by tests/maps and tests/ogc) ---



ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def app_url(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        thread = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
        thread.terminate()


@pytest.fixture(scope="session")
def db_worker(app_url):
    """The real background worker (`manage.py db_worker`) on the test database, for the live server's jobs."""
    db = settings.DATABASES["default"]
    url = (f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'])}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
           f"/{db['NAME']}")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        cwd=settings.BASE_DIR, env={**os.environ, "DATABASE_URL": url})
    yield worker
    worker.terminate()
    worker.wait(timeout=10)


@pytest.fixture
def work_off_queue():
    """Run the queued jobs here, in the test's transaction, as db_worker would (claim, run, record)."""
    from django_tasks_db.models import DBTaskResult

    def run():
        for result in DBTaskResult.objects.ready():
            result.claim("test")
            result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
            result.set_successful(None)
    return run


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    }


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)
    return lambda name: page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


@pytest.fixture
def console_errors(page):
    """Console errors, except tiles that cannot load on a closed network."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error"
            and "ERR_" not in msg.text and "tile" not in msg.text.lower() else None)
    return errors


@pytest.fixture
def committed(settings):
    """Run SQL in its own committed transaction, so the live server thread sees it."""
    import psycopg

    from registry.ops.database import conninfo

    def run(sql, params=()):
        with psycopg.connect(conninfo(settings.DATABASES["default"]), autocommit=True) as conn:
            conn.execute(sql, params)
    return run


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "de-DE", "timezone_id": "Europe/Berlin"}


@pytest.fixture
def log_in(page, app_url):
    """Log in through the real login form as a demo account (password `demo`)."""
    def run(username):
        page.goto(f"{app_url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "demo")
        page.click("form.login button[type=submit]")
        page.wait_for_url(f"{app_url}/")
    return run
