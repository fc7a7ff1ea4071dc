"""GeoJSON export of N generated units against three baselines, in one run on the same data.

    .venv/bin/pip install -e ".[bench]"          # djangorestframework-gis, a baseline only
    .venv/bin/python bench/export.py --units 100000
    .venv/bin/python bench/export.py --units 1000000

- ours: GET /api/units.geojson as an analyst (token), served by gunicorn (1 sync worker), read to the end
  (median of --repeat runs, as for COPY);
  peak RSS of the worker before and after;
- COPY: `COPY (SELECT ST_AsGeoJSON(t.*) FROM units_unit t) TO STDOUT`, the in-database limit;
- ogr2ogr: `ogr2ogr -f GeoJSON` from the same table;
- DRF-GIS: djangorestframework-gis GeoFeatureModelSerializer over the same model, rendered to JSON.
Targets: ours ≤ 1.15 × COPY, ≤ 0.6 × ogr2ogr, worker memory growth < 100 MB at 1 M units.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from common import prepare, serve, table

PORT = 8765


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def download(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    size = 0
    with urllib.request.urlopen(request, timeout=900) as response:
        while chunk := response.read(1 << 16):
            size += len(chunk)
    return size


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--skip-drf", action="store_true", help="DRF-GIS needs minutes and GBs at 1 M units")
    parser.add_argument("--repeat", type=int, default=3, help="runs of ours and COPY; the median counts")
    args = parser.parse_args()
    prepare(args.units)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    from registry.accounts.tokens import create_token
    from registry.units.models import Unit

    total = Unit.objects.count()
    token = create_token(get_user_model().objects.get(username="analyst"), "bench")
    rows = []

    server, worker = serve(PORT)
    try:
        before = peak_rss_mb(worker)
        runs = [timed(lambda: download(f"http://127.0.0.1:{PORT}/api/units.geojson", token))
                for _ in range(args.repeat)]
        ours, size = sorted(runs)[len(runs) // 2]  # median: these machines are noisy
        after = peak_rss_mb(worker)
    finally:
        server.terminate()
        server.wait()
    rows.append(["ours (/api/units.geojson)", f"{ours:.2f} s", f"{size / 1e6:.0f} MB",
                 f"{before:.0f} → {after:.0f} MB (+{after - before:.0f})"])

    def copy():
        connection.ensure_connection()
        size = 0
        with connection.cursor() as cursor:
            with cursor.cursor.copy("COPY (SELECT ST_AsGeoJSON(t.*) FROM units_unit t) TO STDOUT") as stream:
                for chunk in stream:
                    size += len(chunk)
        return size
    copy_time, copy_size = sorted(timed(copy) for _ in range(args.repeat))[args.repeat // 2]
    rows.append(["COPY ST_AsGeoJSON (limit)", f"{copy_time:.2f} s", f"{copy_size / 1e6:.0f} MB", "–"])

    db = settings.DATABASES["default"]
    with tempfile.TemporaryDirectory() as directory:
        target = os.path.join(directory, "units.geojson")
        pg = (f"PG:dbname={db['NAME']} host={db['HOST']} port={db['PORT'] or 5432} user={db['USER']} "
              f"password={db['PASSWORD']}")
        ogr_time, _ = timed(lambda: subprocess.run(
            ["ogr2ogr", "-f", "GeoJSON", target, pg, "units_unit"], check=True, capture_output=True))
        rows.append(["ogr2ogr -f GeoJSON", f"{ogr_time:.2f} s", f"{os.path.getsize(target) / 1e6:.0f} MB", "–"])

    if not args.skip_drf:
        from rest_framework.renderers import JSONRenderer
        from rest_framework_gis.serializers import GeoFeatureModelSerializer

        class UnitSerializer(GeoFeatureModelSerializer):
            class Meta:
                model = Unit
                geo_field = "location"
                fields = ("id", "status", "category", "floor_area", "sales_area", "frontage", "floor",
                          "vacant_since", "last_checked", "street", "house_number", "postcode", "town")

        drf_time, body = timed(lambda: JSONRenderer().render(
            UnitSerializer(Unit.objects.all().iterator(chunk_size=2000), many=True).data))
        rows.append(["DRF-GIS GeoFeatureModelSerializer", f"{drf_time:.2f} s", f"{len(body) / 1e6:.0f} MB", "–"])
        drf_ratio = f", ours/DRF-GIS {ours / drf_time:.2f}"
    else:
        drf_ratio = ""

    print(f"\nGeoJSON export of {total:,} units (analyst, all fields of the tier)\n")
    print(table(["what", "time", "size", "server peak RSS"], rows))
    print(f"\nratios: ours/COPY {ours / copy_time:.2f} (target ≤ 1.15), ours/ogr2ogr {ours / ogr_time:.2f} "
          f"(target ≤ 0.6){drf_ratio}; memory growth {after - before:.0f} MB (target < 100 MB)")


if __name__ == "__main__":
    sys.exit(main())
