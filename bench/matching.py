"""Matching: one request against all units, and all requests against one new listing.

    .venv/bin/python bench/matching.py --units 0            # the demo register only
    .venv/bin/python bench/matching.py --units 1000000 --requests 10000

In one run on the same data it times (medians):
- "one request": seekers.matching.units_for_request as a city manager of Erfurt and as an admin (all units),
  incl. the per-criterion explanation of the (≤ 200) rows, against the very SQL it runs, sent straight to PostGIS
  (target: ≤ 1.5 × raw, and < 200 ms on the demo);
- "one listing": seekers.matching.requests_for_unit for a new vacant unit in Erfurt against all active requests,
  and the alert INSERT … SELECT for a published listing there (rolled back), against the raw SQL.
"""

import argparse
import random
from decimal import Decimal

from common import median_seconds, prepare, table


def ensure_requests(count, seed=7):
    """Exactly `count` generated active requests (source demo, client_key 'bench-…') over the centres."""
    from django.utils import timezone

    from registry.places.models import TownCentre
    from registry.seekers.models import SpaceRequest

    generated = SpaceRequest.objects.filter(client_key__startswith="bench-")
    if generated.count() == count:
        return
    generated.delete()
    rng = random.Random(seed)
    centres = list(TownCentre.objects.order_by("slug").values_list("pk", flat=True))
    kinds = [("gastronomy", 40, 150), ("retail", 60, 400), ("services", 40, 120), ("craft", 60, 200),
             ("culture", 30, 150), ("health", 80, 250)]
    requests = []
    for index in range(count):
        category, low, high = rng.choice(kinds)
        min_area = rng.randint(low, (low + high) // 2)
        requests.append(SpaceRequest(
            name=f"Bench {index}", email=f"bench{index}@example.net", category=category,
            min_area=Decimal(min_area), max_area=Decimal(min(high, int(min_area * rng.uniform(1.3, 2)))),
            floors=["EG"] if rng.random() < 0.8 else ["EG", "OG"], step_free=rng.random() < 0.1,
            max_rent=Decimal(rng.randint(5, 30)) if rng.random() < 0.8 else None,
            state="active", source="demo", consent_contact=True, consent_matches=True,
            confirmed_at=timezone.now(), client_key=f"bench-{index}"))
    SpaceRequest.objects.bulk_create(requests, batch_size=2000)
    Through = SpaceRequest.centres.through
    Through.objects.bulk_create([Through(spacerequest_id=r.pk, towncentre_id=rng.choice(centres)) for r in requests],
                                batch_size=5000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    prepare(args.units)
    ensure_requests(args.requests)

    from django.contrib.auth import get_user_model
    from django.contrib.gis.geos import Point
    from django.db import connection, transaction
    from django.utils import timezone

    from registry.places.models import TownCentre
    from registry.seekers import matching
    from registry.seekers.models import SpaceRequest
    from registry.units.models import Occupancy, Unit

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE units_unit; ANALYZE seekers_spacerequest; ANALYZE seekers_spacerequest_centres")
    users = get_user_model().objects.in_bulk(["admin", "stadt-erfurt"], field_name="username")
    erfurt = TownCentre.objects.get(slug="erfurt-altstadt")
    cafe = SpaceRequest.objects.create(
        name="Bench Café", email="cafe@example.net", category="gastronomy", min_area=80, max_area=120,
        floors=["EG"], max_rent=Decimal(12), state="active", confirmed_at=timezone.now(), client_key="bench-cafe")
    cafe.centres.set([erfurt])
    cafe.municipalities.set([erfurt.municipality])
    rows = []
    try:
        for who in ("stadt-erfurt", "admin"):
            user = users[who]
            scope_sql, scope_params = matching._scope(user, False)
            sql, positional = matching.units_sql(False, scope_sql)
            sql, params = matching._named(sql, positional)
            params = {**params, **scope_params, "request": cafe.pk, "limit": matching.DEFAULT_LIMIT}

            def raw(sql=sql, params=params):
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchall()
            found = len(raw())
            service = median_seconds(lambda user=user: matching.units_for_request(cafe, user), args.repeat)
            baseline = median_seconds(raw, args.repeat)
            rows.append([f"one request ({who})", found, f"{service * 1000:.1f} ms", f"{baseline * 1000:.1f} ms",
                         f"{service / baseline:.2f}"])

        # a new vacant unit of 100 m² on the Anger, as if just listed
        with transaction.atomic():
            point = erfurt.boundary.point_on_surface
            unit = Unit.objects.create(street="Anger", house_number="99", location=Point(point.x, point.y, srid=4326),
                                       floor="EG", floor_area=100, step_free=True, asking_rent=10,
                                       external_id="bench-new")
            Occupancy.objects.create(unit=unit, status="vacant", valid_from=timezone.localdate())
            unit.refresh_from_db()
            sql, positional = matching.requests_sql(False)
            sql, params = matching._named(sql, positional)
            params = {**params, "unit": unit.pk}

            def raw_unit():
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchall()
            found = len(raw_unit())
            service = median_seconds(lambda: matching.requests_for_unit(unit, users["admin"]), args.repeat)
            baseline = median_seconds(raw_unit, args.repeat)
            rows.append(["one listing → all requests", found, f"{service * 1000:.1f} ms",
                         f"{baseline * 1000:.1f} ms", f"{service / baseline:.2f}"])
            transaction.set_rollback(True)
    finally:
        cafe.delete()
    total_units = Unit.objects.count()
    active = SpaceRequest.objects.filter(state="active").count()
    print(f"\nMatching, {total_units:,} units, {active:,} active requests, medians of {args.repeat}\n")
    print(table(["case", "matches", "service", "raw SQL", "service/raw"], rows))


if __name__ == "__main__":
    main()
