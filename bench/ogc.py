"""OGC API – Features paging of all units, in one run on the same rows (issue 17):

    .venv/bin/python bench/ogc.py --units 100000
    .venv/bin/python bench/ogc.py --units 100000 --pygeoapi /tmp/venv-pygeoapi   # with the reference server

- ours, server only: follow the typed `next` links from /ogc/collections/units/items?limit=N to the end
  (analyst token, all fields of the tier), under gunicorn (1 sync worker), at limit 1,000 and 10,000;
- ours through GDAL: `ogrinfo -ro -al -q -oo PAGE_SIZE=N OAPIF:…` (parses every feature), against GDAL's parse
  floor: the same ogrinfo on a local GeoJSON file of the same rows;
- deep page: the last page (keyset `after=`) and, for comparison, the same page by `offset=`, against the first;
- COPY: `COPY (SELECT ST_AsGeoJSON(t.*) FROM units_unit t) TO STDOUT`, the in-database limit;
- pygeoapi 0.21.0 (the last release for Python 3.11), PostgreSQL provider on the same table, under gunicorn
  (1 worker), paged the same way — when a virtualenv with it is given (`--pygeoapi DIR`, made with
  `python3 -m venv DIR && DIR/bin/pip install pygeoapi==0.21.0 psycopg2-binary gunicorn`).
Medians of --repeat runs. Targets (issue 17): ours ≤ 3 × COPY at limit 10,000, ≤ 5 × at 1,000, ≥ 1.5 × faster
than pygeoapi; the last page within 1.5 × the first; GDAL end to end ≤ 1.5 × its parse floor.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://leerstand:leerstand@127.0.0.1:5432/leerstand_bench_ogc")

from common import ROOT, prepare, table  # noqa: E402

PORT, PYGEOAPI_PORT = 8914, 8915


def wait_for(url):
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} antwortet nicht")


def gunicorn(binary, app, port, env, cwd):
    server = subprocess.Popen([binary, app, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "900",
                               "--log-level", "warning"], cwd=cwd, env={**os.environ, **env})
    return server


def get(url, token=None):
    headers = {"Accept": "application/geo+json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=900) as response:
        return response.read()


LINK = re.compile(rb'\{[^{}]*"rel": ?"next"[^{}]*\}')
RETURNED = re.compile(rb'"numberReturned": ?(\d+)')


def walk(url, token=None):
    """All pages by their typed next links; returns (features, bytes). Only the links and numberReturned are
    read (not the features), so the time is the server's and the transfer, not a client's JSON parser."""
    features = size = 0
    while url:
        body = get(url, token)
        size += len(body)
        features += int(RETURNED.search(body).group(1))
        links = [json.loads(match) for match in LINK.findall(body)]
        url = next((link["href"] for link in links
                    if link.get("type", "application/geo+json") in ("application/geo+json", "application/json")),
                   None)
    return features, size


def median(function, repeat):
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        runs.append((time.perf_counter() - started, result))
    return sorted(runs, key=lambda run: run[0])[len(runs) // 2]


def pygeoapi_config(directory, db, venv):
    config = f"""
server:
  bind: {{host: 127.0.0.1, port: {PYGEOAPI_PORT}}}
  url: http://127.0.0.1:{PYGEOAPI_PORT}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  limits: {{default_items: 10, max_items: 10000}}
  map: {{url: "https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png", attribution: OSM}}
logging: {{level: ERROR}}
metadata:
  identification: {{title: bench, description: bench, keywords: [bench], keywords_type: theme, terms_of_service: x,
                   url: http://127.0.0.1}}
  license: {{name: x, url: http://127.0.0.1}}
  provider: {{name: x, url: http://127.0.0.1}}
  contact: {{name: x, position: x, address: x, city: x, stateorprovince: x, postalcode: x, country: x, phone: x,
            fax: x, email: x, url: x, hours: x, instructions: x, role: pointOfContact}}
resources:
  units:
    type: collection
    title: units
    description: units
    keywords: [units]
    extents:
      spatial: {{bbox: [9.8, 50.2, 12.7, 51.7], crs: http://www.opengis.net/def/crs/OGC/1.3/CRS84}}
    providers:
      - type: feature
        name: PostgreSQL
        data: {{host: {db['HOST'] or '127.0.0.1'}, port: {db['PORT'] or 5432}, dbname: {db['NAME']},
               user: {db['USER']}, password: {db['PASSWORD']}, search_path: [public]}}
        id_field: id
        table: units_unit
        geom_field: location
        properties: [id, status, category, floor_area, sales_area, frontage, floor, vacant_since, last_checked,
                     name, street, house_number, postcode, town, step_free, listed_building, asking_rent]
"""
    path = os.path.join(directory, "pygeoapi.yml")
    with open(path, "w") as handle:
        handle.write(config)
    openapi = os.path.join(directory, "openapi.yml")
    subprocess.run([os.path.join(venv, "bin/pygeoapi"), "openapi", "generate", path, "--output-file", openapi],
                   check=True, capture_output=True, env={**os.environ, "PYGEOAPI_CONFIG": path})
    return {"PYGEOAPI_CONFIG": path, "PYGEOAPI_OPENAPI": openapi}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pygeoapi", help="virtualenv with pygeoapi 0.21.0, psycopg2 and gunicorn")
    parser.add_argument("--limits", default="1000,10000")
    parser.add_argument("--skip-gdal", action="store_true", help="GDAL parses every feature: minutes at 1 M units")
    args = parser.parse_args()
    prepare(args.units)
    limits = [int(limit) for limit in args.limits.split(",")]

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    from registry.accounts.tokens import create_token
    from registry.units.models import Unit

    total = Unit.objects.count()
    token = create_token(get_user_model().objects.get(username="analyst"), "bench-ogc")
    db = settings.DATABASES["default"]
    base = f"http://127.0.0.1:{PORT}/ogc"
    rows, results = [], {}

    def copy():
        connection.ensure_connection()
        size = 0
        with connection.cursor() as cursor:
            with cursor.cursor.copy("COPY (SELECT ST_AsGeoJSON(t.*) FROM units_unit t) TO STDOUT") as stream:
                for chunk in stream:
                    size += len(chunk)
        return size
    copy_time, copy_size = median(copy, args.repeat)
    rows.append(["COPY ST_AsGeoJSON (limit)", "–", f"{copy_time:.2f} s", "1.00", f"{copy_size / 1e6:.0f} MB"])

    server = gunicorn(str(ROOT / ".venv/bin/gunicorn"), "registry.wsgi", PORT,
                      {"DJANGO_SETTINGS_MODULE": "registry.settings"}, ROOT)
    try:
        wait_for(f"{base}/conformance")
        for limit in limits:
            elapsed, (features, size) = median(lambda limit=limit: walk(f"{base}/collections/units/items?limit={limit}", token),
                                               args.repeat)
            assert features == total, (features, total)
            results[("ours", limit)] = elapsed
            rows.append(["ours, server only", f"{limit:,}", f"{elapsed:.2f} s", f"{elapsed / copy_time:.2f}",
                         f"{size / 1e6:.0f} MB"])

        # the first and the last page (keyset), and the last page by offset
        last_ids = list(Unit.objects.order_by("-id").values_list("id", flat=True)[:1001])
        first_page = f"{base}/collections/units/items?limit=1000&matched={total}"
        last_page = f"{first_page}&after={last_ids[-1]}"
        deep_offset = f"{first_page}&offset={total - 1000}"
        page_times = {name: median(lambda url=url: get(url, token), max(args.repeat, 5))[0]
                      for name, url in (("first", first_page), ("last", last_page), ("offset", deep_offset))}

        with tempfile.TemporaryDirectory() as directory:
            limits_gdal = [] if args.skip_gdal else limits
            local = os.path.join(directory, "units.geojson")
            if limits_gdal:
                with open(local, "wb") as handle:
                    handle.write(get(f"http://127.0.0.1:{PORT}/api/units.geojson", token))
            env = {**os.environ, "GDAL_HTTP_AUTH": "BASIC", "GDAL_HTTP_USERPWD": f"analyst:{token}"}

            def ogrinfo(source, *options, layer=None):
                return lambda: subprocess.run(["ogrinfo", "-ro", "-al", "-q", *options, source,
                                               *([layer] if layer else [])],
                                              check=True, stdout=subprocess.DEVNULL, env=env)
            floor = 1
            if limits_gdal:
                floor, _ = median(ogrinfo(local), args.repeat)
                rows.append(["GDAL parse floor (local GeoJSON)", "–", f"{floor:.2f} s", f"{floor / copy_time:.2f}",
                             "–"])
            for limit in limits_gdal:
                elapsed, _ = median(ogrinfo(f"OAPIF:{base}/", "-oo", f"PAGE_SIZE={limit}", layer="units"),
                                    args.repeat)
                results[("gdal", limit)] = elapsed
                rows.append(["ours through GDAL ogrinfo OAPIF", f"{limit:,}", f"{elapsed:.2f} s",
                             f"{elapsed / copy_time:.2f}", f"{elapsed / floor:.2f} × parse floor"])
    finally:
        server.terminate()
        server.wait()

    pygeoapi_note = "pygeoapi: not measured (no --pygeoapi virtualenv given)"
    if args.pygeoapi:
        with tempfile.TemporaryDirectory() as directory:
            env = pygeoapi_config(directory, db, args.pygeoapi)
            other = gunicorn(os.path.join(args.pygeoapi, "bin/gunicorn"), "pygeoapi.flask_app:APP", PYGEOAPI_PORT,
                             env, directory)
            try:
                wait_for(f"http://127.0.0.1:{PYGEOAPI_PORT}/conformance?f=json")
                for limit in limits:
                    url = f"http://127.0.0.1:{PYGEOAPI_PORT}/collections/units/items?f=json&limit={limit}"
                    elapsed, (features, size) = median(lambda url=url: walk(url), args.repeat)
                    assert features == total, (features, total)
                    results[("pygeoapi", limit)] = elapsed
                    rows.append(["pygeoapi 0.21.0, server only", f"{limit:,}", f"{elapsed:.2f} s",
                                 f"{elapsed / copy_time:.2f}", f"{size / 1e6:.0f} MB"])
            finally:
                other.terminate()
                other.wait()
        pygeoapi_note = "; ".join(f"pygeoapi/ours at {limit:,}: {results[('pygeoapi', limit)] / results[('ours', limit)]:.2f}"
                                  for limit in limits)

    print(f"\nOGC API – Features paging of {total:,} units (analyst, all fields of the tier), medians of "
          f"{args.repeat}\n")
    print(table(["what", "limit", "time", "× COPY", "size / note"], rows))
    print(f"\npages of 1,000: first {page_times['first'] * 1000:.0f} ms, last by keyset "
          f"{page_times['last'] * 1000:.0f} ms ({page_times['last'] / page_times['first']:.2f} × first), "
          f"last by offset {page_times['offset'] * 1000:.0f} ms ({page_times['offset'] / page_times['first']:.2f} ×)")
    print(pygeoapi_note)


if __name__ == "__main__":
    sys.exit(main())
