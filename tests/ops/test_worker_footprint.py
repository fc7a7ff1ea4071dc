"""An idle web worker stays small (issue 17): pandas, geopandas and pyogrio (with its own GDAL; together
~100 MB of a worker's 230) and the spreadsheet/PDF libraries load on first use, not when the URLconf is
imported. A gunicorn worker after serving /, /angebote/, /ogc/, /statistik/ and a GeoJSON export: 122 MB."""

import os
import subprocess
import sys

HEAVY = ("pandas", "geopandas", "pyogrio", "pyproj", "openpyxl", "reportlab")


def test_loading_every_view_imports_no_heavy_library():
    code = ("import django, sys; django.setup(); import registry.urls; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "registry.settings"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert result.stdout.strip() == ""
