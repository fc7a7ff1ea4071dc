"""Vacancy figures at a reference date, from the occupancy intervals, with one definition."""

import csv
import datetime
import io
import json

import pytest

from registry.stats import queries
from registry.units import services
from registry.units.models import Unit
from registry.units.vacancy import Status, vacant_q

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def test_centre(users, erfurt_market):
    """A fresh centre of three hand-built units, far from the demo ones."""
    from django.contrib.gis.geos import Point, Polygon

    from registry.places.models import Municipality, TownCentre

    erfurt = Municipality.objects.get(ags="16051000")
    spot = Point(10.985, 50.925, srid=4326)
    TownCentre.objects.create(name="Testzentrum", slug="testzentrum", municipality=erfurt,
                              boundary=Polygon.from_bbox((10.984, 50.924, 10.986, 50.926)))

    def unit(history):
        created = services.create_unit(users["stadt-erfurt"], street="Testgasse", location=spot,
                                       status=history[0][0], since=history[0][1], floor_area=100)
        current = created
        for status, day in history[1:]:
            current = services.change_status(users["stadt-erfurt"], current.pk, current.version, status, day)
        return current

    # vacant 01.03.2023 – 15.01.2024, then let
    unit([(Status.OCCUPIED, D(2018, 1, 1)), (Status.VACANT, D(2023, 3, 1)), (Status.OCCUPIED, D(2024, 1, 15))])
    # churn within a period: vacant in spring 2023 only, and again since 2025 (reserved since 2026)
    unit([(Status.OCCUPIED, D(2018, 1, 1)), (Status.VACANT, D(2023, 2, 1)), (Status.OCCUPIED, D(2023, 5, 1)),
          (Status.VACANT, D(2025, 1, 1)), (Status.RESERVED, D(2026, 2, 1))])
    # interim use since 2024
    unit([(Status.VACANT, D(2021, 1, 1)), (Status.INTERIM_USE, D(2024, 6, 1))])
    return "testzentrum"


def figures(day, slug):
    return queries.centre_figures(day, centre=slug)[0]


def test_a_vacancy_counts_on_dates_inside_its_interval_only(test_centre):
    mid_2023 = figures(D(2023, 6, 30), test_centre)
    assert (mid_2023["units"], mid_2023["vacant"]) == (3, 2)  # first unit and the third (vacant since 2021)
    mid_2024 = figures(D(2024, 6, 30), test_centre)
    assert (mid_2024["units"], mid_2024["vacant"], mid_2024["interim_use"]) == (3, 0, 1)


def test_churn_and_the_spell_through_reserved(test_centre):
    spring_2023 = figures(D(2023, 3, 15), test_centre)
    assert spring_2023["vacant"] == 3
    today = figures(datetime.date.today(), test_centre)
    assert today["vacant"] == 1
    assert today["median_vacancy_days"] == (datetime.date.today() - D(2025, 1, 1)).days  # reserved continues the spell
    assert today["vacancy_rate"] == pytest.approx(1 / 3)
    assert today["vacant_floor_area"] == 100


def test_units_not_yet_recorded_at_a_date_are_not_in_the_stock(test_centre):
    assert figures(D(2017, 6, 30), test_centre)["units"] == 0


def test_todays_figures_agree_with_the_map_and_the_export(client, users):
    today = {row["slug"]: row for row in queries.centre_figures(datetime.date.today())}
    for slug in ("erfurt-altstadt", "gera-innenstadt", "schmoelln-innenstadt"):
        units = Unit.objects.filter(centre__slug=slug)
        assert today[slug]["units"] == units.count()
        assert today[slug]["vacant"] == units.filter(vacant_q()).count()
    client.force_login(users["analyst"])
    vacant_statuses = ",".join(sorted(s.value for s in Status if s not in (Status.OCCUPIED, Status.INTERIM_USE)))
    exported = json.loads(b"".join(client.get(
        f"/api/units.geojson?centre=gera-innenstadt&status={vacant_statuses}").streaming_content))
    assert len(exported["features"]) == today["gera-innenstadt"]["vacant"]


def test_trend_and_buckets_cover_the_reference_dates():
    points = queries.trend(datetime.date.today())
    assert points[0]["day"] == D(2019, 6, 30) and points[-1]["day"] == datetime.date.today()
    assert all(0 < p["rate"] < 0.5 for p in points)
    buckets = queries.duration_buckets(datetime.date.today())
    assert sum(b["count"] for b in buckets) == Unit.objects.filter(vacant_q(), centre__isnull=False).count()


def test_stats_api_json_and_excel_csv(client):
    data = client.get("/api/stats/centres.json?date=2025-06-30").json()
    assert data["date"] == "2025-06-30" and len(data["centres"]) == 28
    assert set(data["centres"][0]) == {"slug", "name", "municipality", "units", "vacant", "vacancy_rate",
                                       "vacant_floor_area", "interim_use", "median_vacancy_days", "date"}
    text = client.get("/api/stats/centres.csv?date=2025-06-30&category=retail").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 28 and rows[0]["date"] == "30.06.2025"
    assert any("ö" in row["name"] for row in rows)
    assert all("." not in row["vacancy_rate"] for row in rows)


@pytest.mark.parametrize("query", ["date=2030-01-01", "date=31.02.2024", "category=bakery"])
def test_bad_stats_parameters_are_named(client, query):
    response = client.get(f"/api/stats/centres.json?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["parameters"]


def test_public_statistics_never_contain_a_unit_location(client):
    unlisted = Unit.objects.filter(vacant_q(), listing__isnull=True, centre__slug="gera-innenstadt")
    pages = [client.get(url).content.decode() for url in (
        "/statistik/", "/statistik/gera-innenstadt/", "/api/stats/centres.json", "/api/stats/centres.csv")]
    text = "\n".join(pages)
    for unit in unlisted[:50]:
        for digits in (4, 5, 6):
            x, y = f"{unit.location.x:.{digits}f}", f"{unit.location.y:.{digits}f}"
            assert f"{x}, {y}" not in text and f"{x},{y}" not in text
        assert f"{unit.street} {unit.house_number}" not in text
    cells = json.loads(pages[1].split('id="density-data" type="application/json">')[1].split("</script>")[0])
    assert all(cell["vacant"] >= queries.DENSITY_MIN_COUNT for cell in cells)
