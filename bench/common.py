"""Shared set-up for the benchmarks: a separate database with N generated units.

BENCH_DATABASE_URL (default: the local server, database leerstand_bench) keeps
benchmark data away from the demo register. Timings are medians of repeated runs;
report ratios against baselines measured in the same run, not absolute seconds.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://leerstand:leerstand@127.0.0.1:5432/leerstand_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("HTTPS", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from registry.ops.database import ensure_database  # noqa: E402


def prepare(units, seed=1):
    """Demo data plus exactly `units` generated units (regenerated when the count differs)."""
    from registry.places.models import TownCentre
    from registry.units.models import Unit

    ensure_database(settings.DATABASES["default"])
    call_command("migrate", verbosity=0)
    if not TownCentre.objects.exists():
        call_command("load_demo", verbosity=0)
    generated = Unit.objects.filter(external_id__startswith="gen-")
    if generated.count() != units:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("""WITH gone AS (DELETE FROM units_occupancy o USING units_unit u
                              WHERE o.unit_id = u.id AND u.external_id LIKE 'gen-%%' RETURNING o.unit_id)
                              DELETE FROM units_unit WHERE id IN (SELECT unit_id FROM gone)""")
            cursor.execute("VACUUM ANALYZE units_unit" if connection.get_autocommit() else "SELECT 1")
        if units:
            started = time.monotonic()
            call_command("generate_units", count=units, seed=seed, verbosity=1)
            print(f"generate_units --count {units}: {time.monotonic() - started:.0f} s", file=sys.stderr)


def median_seconds(function, repeat=5):
    function()  # warm caches and plans
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def table(header, rows):
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(str(cell).ljust(w) for cell, w in zip(header, widths, strict=True)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)) + " |" for row in rows]
    return "\n".join(lines)


def serve(port):
    """The app under gunicorn with one sync worker; returns (server, worker pid) once it answers."""
    import subprocess
    import urllib.request

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "registry.settings"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "registry.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--timeout", "900", "--log-level", "warning"], cwd=ROOT, env=env)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ogc/conformance", timeout=2).read()
            break
        except OSError:
            time.sleep(0.2)
    worker = int(subprocess.check_output(["pgrep", "-P", str(server.pid)]).split()[0])
    return server, worker
