"""QGIS 3.22 (Debian's PyQGIS, headless) adds the register as an OGC API – Features layer, with and without login."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from registry.listings.models import Listing
from registry.units.models import Unit

PROBE = Path(__file__).with_name("qgis_probe.py")
QGIS_PYTHON = "/usr/bin/python3"


def _has_qgis():
    return shutil.which(QGIS_PYTHON) and subprocess.run(
        [QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True).returncode == 0


pytestmark = [pytest.mark.django_db, pytest.mark.skipif(not _has_qgis(), reason="Debian's python3-qgis fehlt")]


def probe(app_url, *login, query=""):
    result = subprocess.run([QGIS_PYTHON, str(PROBE), app_url, *login], capture_output=True, text=True, timeout=120,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": "/tmp",
                                 "PROBE_QUERY": query})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_qgis_adds_the_public_layer(app_url):
    layer = probe(app_url)
    assert layer["valid"], layer
    assert layer["count"] == layer["read"] == Listing.objects.public().count()
    assert layer["fields"]["vacant_since"] == "Date" and layer["fields"]["floor_area"] == "Real"


@pytest.mark.parametrize("mode", ["authcfg", "userpass"])
def test_qgis_logs_in_when_challenged(app_url, committed_token, mode):
    layer = probe(app_url, mode, "analyst", committed_token)
    assert layer["valid"], layer
    assert layer["count"] == Unit.objects.count()
    if mode == "userpass":
        assert not probe(app_url, mode, "analyst", "lr_falsch")["valid"]


def test_qgis_filters_on_the_server_through_the_connection_url(app_url, committed_token):
    """QGIS 3.22 evaluates a layer filter (subset string) itself, after downloading every unit; filter parameters in
    the connection URL (README, "QGIS verbinden") reach the server: it sends them with every page. QGIS does not
    filter on them itself, so a count of only the vacant Gera units proves the server did."""
    wanted = Unit.objects.filter(status="vacant", centre__slug="gera-innenstadt").count()
    assert 0 < wanted < Unit.objects.count()
    layer = probe(app_url, "authcfg", "analyst", committed_token, query="status=vacant&centre=gera-innenstadt")
    assert layer["valid"], layer
    assert layer["count"] == layer["read"] == wanted
    assert not probe(app_url, "authcfg", "analyst", committed_token, query="status=bogus")["valid"]
