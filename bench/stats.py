"""Statistics at a reference date over N generated units (plus the demo).

    .venv/bin/python bench/stats.py --units 1000000

Times /api/stats/centres.json (through Django) against the same SQL sent straight
to PostgreSQL, for three reference dates. Target: endpoint ≤ 1.5 × raw SQL.
Generated units carry one interval each and lie partly outside the centres; the
centre table covers the demo units and the generated ones inside the centres.
"""

import argparse
import datetime

from common import median_seconds, prepare, table


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    prepare(args.units)

    from django.test import Client

    from registry.stats import queries
    from registry.units.models import Occupancy, Unit

    client = Client()
    rows = []
    for day in (datetime.date(2020, 6, 30), datetime.date(2024, 12, 31), datetime.date.today()):
        url = f"/api/stats/centres.json?date={day.isoformat()}"
        assert client.get(url).status_code == 200
        endpoint = median_seconds(lambda url=url: client.get(url).content, args.repeat)
        raw = median_seconds(lambda day=day: queries.centre_figures(day), args.repeat)
        rows.append([day.strftime("%d.%m.%Y"), f"{endpoint * 1000:.0f} ms", f"{raw * 1000:.0f} ms",
                     f"{endpoint / raw:.2f}"])
    in_centres = Unit.objects.filter(centre__isnull=False).count()
    print(f"\n/api/stats/centres.json, {Unit.objects.count():,} units ({in_centres:,} in centres), "
          f"{Occupancy.objects.count():,} intervals, medians of {args.repeat}\n")
    print(table(["Stichtag", "endpoint", "raw SQL", "endpoint/raw"], rows))


if __name__ == "__main__":
    main()
