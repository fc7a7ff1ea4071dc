"""Map viewports at zoom 8, 12 and 16 over N generated units.

    .venv/bin/python bench/map.py --units 100000
    .venv/bin/python bench/map.py --units 1000000

For each viewport (1280×800 px) it times, in one run on the same data:
- the endpoint: GET /api/map/units.json as an analyst (all units), through Django;
- baseline "raw": the very SQL the endpoint runs, sent straight to PostGIS (target: endpoint ≤ 2 × raw);
- baseline "naive": every point in the viewport as GeoJSON, what a map without aggregation would load;
and the bytes on the wire (target ≤ 300 KB per viewport).
"""

import argparse
import gzip
import math

from common import median_seconds, prepare, table

VIEWPORTS = {8: (50.90, 11.03), 12: (50.978, 11.031), 16: (50.9775, 11.031)}
WIDTH, HEIGHT = 1280, 800


def bbox(zoom, lat, lon):
    degrees_per_pixel = 360 / (256 * 2 ** zoom)
    half_w = WIDTH / 2 * degrees_per_pixel
    half_h = HEIGHT / 2 * degrees_per_pixel * math.cos(math.radians(lat))
    return f"{lon - half_w:.6f},{lat - half_h:.6f},{lon + half_w:.6f},{lat + half_h:.6f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    prepare(args.units)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from registry.units import selectors
    from registry.maps import queries
    from registry.units.filters import UnitFilter

    analyst = get_user_model().objects.get(username="analyst")
    client = Client(headers={"Accept-Encoding": "gzip"})
    client.force_login(analyst)
    rows = []
    for zoom, (lat, lon) in VIEWPORTS.items():
        box = bbox(zoom, lat, lon)
        url = f"/api/map/units.json?bbox={box}&zoom={zoom}"
        response = client.get(url)
        wire = response.content
        body = gzip.decompress(wire) if response.get("Content-Encoding") == "gzip" else wire
        endpoint = median_seconds(lambda url=url: client.get(url).content, args.repeat)

        form = UnitFilter({"bbox": box})
        form.is_valid()
        visible = selectors.visible_units(analyst)
        raw = median_seconds(lambda form=form, visible=visible, zoom=zoom: queries.viewport(
                                 form, visible, analyst, zoom, "http://testserver"),
                             args.repeat)

        west, south, east, north = (float(v) for v in box.split(","))

        def naive(west=west, south=south, east=east, north=north):
            with connection.cursor() as cursor:
                cursor.execute("""SELECT json_agg(json_build_object('type', 'Feature', 'id', id, 'geometry',
                                    ST_AsGeoJSON(location, 6)::json, 'properties', json_build_object('status', status)))::text
                                  FROM units_unit WHERE location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)""",
                               [west, south, east, north])
                return cursor.fetchone()[0] or ""
        naive_body = naive()
        naive_time = median_seconds(naive, args.repeat)
        kind = next(k for k in ("municipalities", "grid", "units") if f'"kind" : "{k}"'.encode() in body
                    or f'"kind": "{k}"'.encode() in body)
        rows.append([zoom, kind, body.count(b'"Feature"'), f"{endpoint * 1000:.0f} ms", f"{raw * 1000:.0f} ms",
                     f"{endpoint / raw:.2f}", f"{len(body) / 1024:.0f} KB", f"{len(wire) / 1024:.0f} KB",
                     f"{naive_time * 1000:.0f} ms", f"{len(naive_body) / 1024:.0f} KB"])
    print(f"\nMap viewports, {args.units:,} generated units (+ demo), analyst view, medians of {args.repeat}\n")
    print(table(["zoom", "answer", "features", "endpoint", "raw SQL", "endpoint/raw", "JSON bytes", "on the wire (gzip)",
                 "naive all points", "naive bytes"], rows))


if __name__ == "__main__":
    main()
