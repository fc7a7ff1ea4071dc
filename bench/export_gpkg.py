"""GeoPackage and XLSX export of N generated units against ogr2ogr, in one run on the same data.

    BENCH_DATABASE_URL=postgres://…/leerstand_bench_17 .venv/bin/python bench/export_gpkg.py --units 100000
    .venv/bin/python bench/export_gpkg.py --units 1000000 --skip-xlsx

- ours: GET /api/units.gpkg as an analyst (token) from gunicorn (1 sync worker), read to the end, median of
  --repeat runs; the worker's VmRSS before and its peak (VmHWM) after: the growth is what a request costs the
  worker (ogr2ogr runs as its child process, its own peak is the baseline's below);
- ogr2ogr: `ogr2ogr -f GPKG` from the table units_unit (all its columns), and from the export's own SELECT
  (the same columns, joins and casts as ours, without HTTP), each with its peak RSS (GNU time, /usr/bin/time);
- XLSX: GET /api/units.xlsx the same way (openpyxl write-only, Python per row; --skip-xlsx at 1 M).
Targets (issue 17): growth < 150 MB, ours ≤ 1.2 × ogr2ogr from the table.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from common import prepare, serve, table

PORT = int(os.environ.get("BENCH_PORT", "8017"))


def status_mb(pid, key):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def download(url, token, path):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=1800) as response, open(path, "wb") as target:
        while chunk := response.read(1 << 16):
            target.write(chunk)
    return os.path.getsize(path)


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def median(runs):
    return sorted(runs)[len(runs) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-xlsx", action="store_true")
    args = parser.parse_args()
    prepare(args.units)

    from django.contrib.auth import get_user_model
    from django.db import connection

    from registry.accounts.tokens import create_token
    from registry.exports import queries
    from registry.units import selectors
    from registry.exports.geopackage import _libpq_environment, inline
    from registry.units.models import Unit

    total = Unit.objects.count()
    analyst = get_user_model().objects.get(username="analyst")
    token = create_token(analyst, "bench")
    rows = []
    directory = tempfile.mkdtemp(prefix="bench-gpkg-")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE units_unit" if connection.get_autocommit() else "SELECT 1")

    server, worker = serve(PORT)
    try:
        download(f"http://127.0.0.1:{PORT}/api/units.gpkg?centre=jena-innenstadt", token,
                 os.path.join(directory, "warm.gpkg"))
        before = status_mb(worker, "VmRSS")
        runs = [timed(lambda: download(f"http://127.0.0.1:{PORT}/api/units.gpkg", token,
                                       os.path.join(directory, "ours.gpkg"))) for _ in range(args.repeat)]
        ours, size = median(runs)
        peak = status_mb(worker, "VmHWM")
        after = status_mb(worker, "VmRSS")
        if not args.skip_xlsx:
            xlsx_time, xlsx_size = timed(lambda: download(f"http://127.0.0.1:{PORT}/api/units.xlsx", token,
                                                          os.path.join(directory, "ours.xlsx")))
            xlsx_peak = status_mb(worker, "VmHWM")
    finally:
        server.terminate()
        server.wait()
    rows.append(["ours: /api/units.gpkg (gunicorn)", f"{ours:.2f} s", f"{size / 1e6:.0f} MB",
                 f"worker {before:.0f} → peak {peak:.0f} MB (+{peak - before:.0f}), after {after:.0f} MB"])

    env = _libpq_environment()
    sql, params = queries.table_sql(Unit.objects.all(), selectors.fields_for(analyst), "http://127.0.0.1")
    query = os.path.join(directory, "query.sql")
    with open(query, "w") as handle:
        handle.write(inline(sql, params))

    peaks = []

    def ogr2ogr(*source):
        target = os.path.join(directory, "ogr.gpkg")
        if os.path.exists(target):
            os.unlink(target)
        # GNU time reports ogr2ogr's own peak; a child's ru_maxrss would include this Python process's
        # size at fork (Linux carries it over exec)
        result = subprocess.run(["/usr/bin/time", "-f", "%M", "ogr2ogr", "-f", "GPKG", target, "PG:", *source],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
        peaks.append(int(result.stderr.strip().splitlines()[-1]) / 1024)
        return os.path.getsize(target)

    table_time, table_size = median([timed(lambda: ogr2ogr("units_unit")) for _ in range(args.repeat)])
    rows.append(["ogr2ogr -f GPKG from units_unit", f"{table_time:.2f} s", f"{table_size / 1e6:.0f} MB",
                 f"ogr2ogr peak {max(peaks):.0f} MB"])
    peaks.clear()
    sql_time, sql_size = median([timed(lambda: ogr2ogr("-sql", "@" + query, "-nln", "units", "-nlt", "POINT",
                                                       "-a_srs", "EPSG:4326", "-gt", "65536"))
                                 for _ in range(args.repeat)])
    rows.append(["ogr2ogr -f GPKG from the export SELECT", f"{sql_time:.2f} s", f"{sql_size / 1e6:.0f} MB",
                 f"ogr2ogr peak {max(peaks):.0f} MB (ours runs the same as a child)"])
    if not args.skip_xlsx:
        rows.append(["ours: /api/units.xlsx (gunicorn)", f"{xlsx_time:.2f} s", f"{xlsx_size / 1e6:.0f} MB",
                     f"worker peak {xlsx_peak:.0f} MB (+{xlsx_peak - before:.0f})"])

    print(f"\nGeoPackage export of {total:,} units (analyst, all fields of the tier), median of {args.repeat}\n")
    print(table(["what", "time", "size", "memory"], rows))
    print(f"\nratios: ours/ogr2ogr(table) {ours / table_time:.2f} (target ≤ 1.2), ours/ogr2ogr(same SELECT) "
          f"{ours / sql_time:.2f}; worker growth {peak - before:.0f} MB (target < 150 MB)")
    for name in os.listdir(directory):
        os.unlink(os.path.join(directory, name))
    os.rmdir(directory)


if __name__ == "__main__":
    sys.exit(main())
