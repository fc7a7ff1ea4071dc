"""Load on the public endpoints: the app under gunicorn (2 sync workers), wrk (Debian's `wrk`) on the same machine.

    BENCH_DATABASE_URL=postgres://…/leerstand_bench .venv/bin/python bench/load.py --units 100000

For each endpoint: requests/s, p50, p99 and errors (non-2xx/3xx, socket errors, timeouts) at --connections,
for --duration seconds each. Statistics are measured three ways in the same run:
- "cached": the normal case, figures from the cache of the current data version;
- "304": clients that send the ETag they have (If-None-Match);
- "uncached": one request right after a write (the data version bumped, so nothing is cached), median of
  --repeat, next to the raw SQL for the same figures sent straight to PostgreSQL (psycopg, no Django).
Analysts' endpoints (OGC items, GeoJSON export) use an API token; the map, listings and statistics are anonymous.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

from common import ROOT, prepare, table

THURINGIA = "9.87,50.20,12.66,51.65"
ERFURT_CENTRE = "11.020,50.970,11.040,50.985"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port, workers):
    from django.conf import settings

    db = settings.DATABASES["default"]
    env = {**os.environ, "DEBUG": "false", "HTTPS": "false", "ALLOWED_HOSTS": "127.0.0.1",
           "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    # production settings serve hashed static files from a manifest: collect them as production would
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "registry.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", "120", "--log-level", "warning"], cwd=ROOT, env=env)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/stats/centres.json", timeout=60)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn kam nicht hoch")


def _ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url, connections, duration, headers=()):
    command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{duration}s", "--latency", "--timeout", "30s"]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": p50, "p99": p99, "errors": errors, "requests": requests}


def drain(base):
    """Wait until gunicorn has worked off what the last wrk run left queued (sync workers finish every accepted
    request after wrk has gone): one request through the same queue."""
    urllib.request.urlopen(base + "/api/stats/centres.json", timeout=600).read()


def bump_version():
    from django.db import connection

    with connection.cursor() as cursor:  # what every write does (the triggers): nothing cached any more
        cursor.execute("UPDATE stats_data_version SET version = nextval('stats_data_version_seq')")


def timed(function, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def raw_sql_seconds(figures, repeat):
    """The same figures as the endpoint, as SQL sent by psycopg straight to PostgreSQL."""
    import psycopg
    from django.db import connection

    from registry.ops.database import conninfo

    statements = []
    real_cursor = connection.cursor

    class Recorder:  # capture the statements the queries module sends, then replay them without Django
        def __init__(self):
            self.inner = real_cursor()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.inner.close()

        def execute(self, sql, params=None):
            statements.append((sql, params))
            return self.inner.execute(sql, params)

        def __getattr__(self, name):
            return getattr(self.inner, name)

    connection.cursor = Recorder
    try:
        figures()
    finally:
        connection.cursor = real_cursor
    from django.conf import settings

    with psycopg.connect(conninfo(settings.DATABASES["default"]), options="-c jit=off") as conn:
        def run():
            for sql, params in statements:
                conn.execute(sql, params).fetchall()
        run()
        return timed(run, repeat)


def stats_endpoints(base, repeat):
    """Uncached endpoint vs raw SQL for /api/stats/centres.json and /statistik/."""
    from django.utils import timezone

    from registry.stats import queries

    today = timezone.localdate()
    previous = today.replace(year=today.year - 1)

    def endpoint(path):
        def run():
            bump_version()
            with urllib.request.urlopen(base + path, timeout=120) as response:
                response.read()
        run()
        return timed(run, repeat)

    rows = []
    json_raw = raw_sql_seconds(lambda: queries.centre_figures(today), repeat)
    rows.append(("/api/stats/centres.json", endpoint("/api/stats/centres.json"), json_raw))
    page_raw = raw_sql_seconds(lambda: (queries.centre_figures(today), queries.centre_figures(previous),
                                        queries.trend(today), queries.duration_buckets(today)), repeat)
    rows.append(("/statistik/", endpoint("/statistik/"), page_raw))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="statistics only")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk fehlt: apt-get install wrk")
    prepare(args.units)
    from django.db import connection

    with connection.cursor() as cursor:  # what autovacuum does on a live register; index-only scans need it
        cursor.execute("VACUUM ANALYZE units_unit")
        cursor.execute("VACUUM ANALYZE units_occupancy")

    from io import StringIO

    from django.core.management import call_command

    from registry.units.models import Unit

    out = StringIO()
    call_command("create_api_token", "analyst", stdout=out)
    token = out.getvalue().strip().splitlines()[-1].strip()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, args.workers)
    try:
        stats = stats_endpoints(base, args.repeat)
        auth = [f"Authorization: Bearer {token}"]
        plan = [
            ("/api/stats/centres.json", "cached", args.connections, ()),
            ("/statistik/", "cached", args.connections, ()),
        ]
        with urllib.request.urlopen(base + "/api/stats/centres.json") as response:
            etag_json = response.headers["ETag"]
        with urllib.request.urlopen(base + "/statistik/") as response:
            etag_page = response.headers["ETag"]
        plan += [
            ("/api/stats/centres.json", "304 (If-None-Match)", args.connections, (f"If-None-Match: {etag_json}",)),
            ("/statistik/", "304 (If-None-Match)", args.connections, (f"If-None-Match: {etag_page}",)),
        ]
        if not args.quick:
            plan += [
                (f"/api/map/units.json?zoom=8&bbox={THURINGIA}", "anonym, Zoom 8", args.connections, ()),
                (f"/api/map/units.json?zoom=14&bbox={ERFURT_CENTRE}", "anonym, Zoom 14", args.connections, ()),
                ("/angebote/", "anonym", args.connections, ()),
                ("/ogc/collections/units/items?limit=100", "Analyst-Token", args.connections, auth),
                ("/ogc/collections/units/items?limit=1000", "Analyst-Token", args.connections, auth),
                ("/api/units.geojson?centre=erfurt-altstadt", "Analyst-Token, eine Innenstadt", args.connections, auth),
                ("/api/units.geojson", "Analyst-Token, alle Einheiten", 2, auth),
            ]
        results = []
        for path, note, connections, headers in plan:
            # the full export takes seconds per request: a longer window, or wrk sees one or two
            duration = args.duration * (4 if connections < 4 else 1)
            drain(base)
            result = wrk(base + path, connections, duration, headers)
            results.append([path, note, connections, result["requests"], f"{result['rps']:.1f}",
                            f"{result['p50']:.0f} ms", f"{result['p99']:.0f} ms", result["errors"]])
            print(results[-1], file=sys.stderr)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    total = Unit.objects.count()
    print(f"\n{total:,} Einheiten ({Unit.objects.filter(centre__isnull=False).count():,} in Innenstädten), "
          f"gunicorn {args.workers} Worker, wrk {args.duration} s je Zeile\n")
    print(table(["Adresse", "Art", "Verbindungen", "Antworten", "req/s", "p50", "p99", "Fehler"], results))
    print("\nOhne Cache (direkt nach einer Änderung), Median aus", args.repeat, "\n")
    print(table(["Adresse", "Endpunkt", "rohe SQL", "Endpunkt/SQL"],
                [[path, f"{endpoint * 1000:.0f} ms", f"{raw * 1000:.0f} ms", f"{endpoint / raw:.2f}"]
                 for path, endpoint, raw in stats]))


if __name__ == "__main__":
    main()
