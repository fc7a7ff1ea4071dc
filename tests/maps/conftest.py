"""A live server over the committed demo data, and Debian's Chromium through Playwright.

pytest-django's live_server would flush the demo data after each test; the map
tests only read, so a server thread over the session's test database suffices.
"""

from pathlib import Path

import pytest
from django.test.testcases import LiveServerThread, _StaticFilesHandler

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


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
