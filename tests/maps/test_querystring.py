"""One way back from a filter to a query string: repeated and comma-separated lists mean the same everywhere."""

import json
import re
from html import unescape

import pytest
from django.http import QueryDict

from registry.units.filters import UnitFilter
from registry.units.models import Unit

pytestmark = pytest.mark.django_db
THURINGIA = "9.8,50.2,12.7,51.7"
REPEATED = "status=vacant&status=reserved&centre=erfurt-altstadt"
COMMAS = "status=vacant,reserved&centre=erfurt-altstadt"


def test_the_filter_normalises_lists_and_drops_empty_values():
    form = UnitFilter(QueryDict("status=vacant,reserved&status=occupied&category=&q=&min_area=1.250&seite=3"))
    assert form.querystring() == "status=vacant&status=reserved&status=occupied&min_area=1.250"
    assert form.querystring(status=None, seite=2) == "min_area=1.250&seite=2"
    assert UnitFilter(QueryDict(COMMAS)).querystring() == UnitFilter(QueryDict(REPEATED)).querystring()


def map_ids(client, query):
    response = client.get(f"/api/map/units.json?{query}&zoom=15&bbox={THURINGIA}")
    assert response.status_code == 200
    return sorted(feature["id"] for feature in json.loads(response.content)["features"])


def page_facts(client, query):
    html = client.get(f"/?{query}").content.decode()
    count = int(re.search(r'id="unit-list-box" data-count="(\d+)"', html).group(1))
    csv = unescape(re.search(r'href="(/api/units\.csv\?[^"]*)"', html).group(1))
    return count, csv


def test_repeated_and_comma_separated_statuses_agree_on_map_list_and_csv(client, users):
    client.force_login(users["analyst"])
    expected = Unit.objects.filter(centre__slug="erfurt-altstadt", status__in=["vacant", "reserved"])
    assert expected.values("status").distinct().count() == 2  # the demo has both
    assert map_ids(client, REPEATED) == map_ids(client, COMMAS) == sorted(expected.values_list("id", flat=True))
    count, csv_link = page_facts(client, REPEATED)
    assert (count, csv_link) == page_facts(client, COMMAS)
    assert count == expected.count()
    rows = b"".join(client.get(csv_link).streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(rows) - 1 == expected.count()


def test_list_pages_and_sorting_keep_every_filter(client, users):
    client.force_login(users["analyst"])
    html = client.get("/?status=vacant&status=occupied&centre=erfurt-altstadt").content.decode()
    next_link = unescape(re.search(r'href="([^"]*)"[^>]*rel="next"', html).group(1))
    assert "status=vacant&status=occupied&centre=erfurt-altstadt" in next_link and "seite=2" in next_link
    sort_link = unescape(re.search(r'href="([^"]*)" data-sort="-flaeche"', html).group(1))
    assert "status=vacant&status=occupied" in sort_link


def test_listings_paging_keeps_the_filters(client):
    html = client.get("/angebote/?min_area=10").content.decode()
    match = re.search(r'href="([^"]*)" rel="next"', html)
    assert match, "the demo has more than one page of listings"
    assert unescape(match.group(1)) == "?min_area=10&seite=2"


def test_statistics_links_keep_day_and_category(client):
    html = unescape(client.get("/statistik/?date=2025-06-30&category=retail&sort=-vacancy_rate").content.decode())
    assert 'href="?date=2025-06-30&category=retail&sort=vacancy_rate"' in html  # the current sort flips
    assert 'href="?date=2025-06-30&category=retail&sort=name"' in html
    assert "/api/stats/centres.csv?date=2025-06-30&category=retail" in html
