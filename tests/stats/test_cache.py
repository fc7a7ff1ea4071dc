"""Public statistics cached per data version: a write is never followed by a stale ETag or figure,
a client holding the current answer gets a cheap 304, and roles never share cache entries."""

import json
import re

import pytest
from django.test import Client

from registry.stats.cache import data_version
from registry.units import services
from registry.units.models import Unit
from registry.units.vacancy import Status

pytestmark = pytest.mark.django_db
URLS = ["/api/stats/centres.json", "/statistik/", "/statistik/erfurt-altstadt/", "/api/stats/centres.csv"]


def erfurt(client):
    response = client.get("/api/stats/centres.json")
    assert response.status_code == 200
    row = next(r for r in json.loads(response.content)["centres"] if r["slug"] == "erfurt-altstadt")
    return response["ETag"], row


@pytest.mark.parametrize("url", URLS)
def test_the_second_request_with_the_etag_gets_304_and_no_body(url):
    client = Client()
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    assert "no-cache" in first["Cache-Control"] and "public" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]


def test_every_kind_of_write_changes_the_etag_and_the_figures_follow(users, erfurt_market):
    client, manager = Client(), users["stadt-erfurt"]
    tag, before = erfurt(client)
    page = client.get("/statistik/")
    # a new vacant unit in the centre (INSERT of unit and interval)
    unit = services.create_unit(manager, street="Anger", house_number="99", location=erfurt_market,
                                status=Status.VACANT)
    tag2, after = erfurt(client)
    page2 = client.get("/statistik/", HTTP_IF_NONE_MATCH=page["ETag"])
    assert page2.status_code == 200 and page2["ETag"] != page["ETag"]
    summary = re.compile(r'id="summary">(.*?)</p>', re.S)
    assert summary.search(page.content.decode()).group(1) != summary.search(page2.content.decode()).group(1)
    assert tag2 != tag and (after["units"], after["vacant"]) == (before["units"] + 1, before["vacant"] + 1)
    # the status changes (UPDATE/INSERT of intervals, UPDATE of the unit by the triggers)
    unit = services.change_status(manager, unit.pk, unit.version, Status.OCCUPIED)
    tag3, after = erfurt(client)
    assert tag3 not in (tag, tag2) and after["vacant"] == before["vacant"]
    # an old ETag is not answered with 304
    assert client.get("/api/stats/centres.json", HTTP_IF_NONE_MATCH=tag2).status_code == 200
    # deleting and raw SQL writes bump too: the version lives in the database, not in the services
    Unit.objects.filter(pk=unit.pk).delete()
    tag4, after = erfurt(client)
    assert tag4 != tag3 and after["units"] == before["units"]
    from django.db import connection

    version = data_version()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE places_towncentre SET name = name WHERE slug = 'erfurt-altstadt'")
    assert data_version() > version


def test_reading_does_not_bump_the_version():
    client = Client()
    version = data_version()
    for url in URLS:
        client.get(url)
    assert data_version() == version


def test_cached_figures_are_served_without_recomputing(django_assert_max_num_queries):
    client = Client()
    client.get("/api/stats/centres.json?date=2024-12-31")
    # one query for the data version; the figures come from the worker's memory (an entry never changes)
    with django_assert_max_num_queries(1):
        assert client.get("/api/stats/centres.json?date=2024-12-31").status_code == 200


def test_roles_never_share_entries_or_etags(users):
    anonymous, analyst = Client(), Client()
    analyst.force_login(users["analyst"])
    tag_public = anonymous.get("/api/stats/centres.json")["ETag"]
    response = analyst.get("/api/stats/centres.json")
    assert response["ETag"] != tag_public and "private" in response["Cache-Control"]
    # an analyst's ETag does not validate an anonymous request
    assert anonymous.get("/api/stats/centres.json", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200
    from django.db import connection

    from registry.stats.cache import _local

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM registry_cache WHERE cache_key LIKE %s", ["%stats:%"])
        keys = [row[0] for row in cursor.fetchall()] + list(_local)
    roles = {key.split("stats:")[1].split(":")[1] for key in keys}
    assert {"public", "analyst"} <= roles


def test_a_bad_request_is_not_cached_as_an_answer():
    response = Client().get("/api/stats/centres.json?date=kaputt")
    assert response.status_code == 400 and "ETag" not in response


@pytest.mark.browser
def test_a_write_committed_elsewhere_is_seen_at_once_through_the_running_server(app_url, committed):
    """Another connection commits (as a second worker or an import would): the next request, with the old ETag,
    gets the new figure and a new ETag — no stale entry in the shared cache or in a worker's memory."""
    import urllib.error
    import urllib.request

    from registry.units.models import Unit

    unit = Unit.objects.filter(centre__slug="erfurt-altstadt", status="vacant", floor_area__isnull=False).first()

    def get(etag=None):
        request = urllib.request.Request(f"{app_url}/api/stats/centres.json",
                                         headers={"If-None-Match": etag} if etag else {})
        try:
            with urllib.request.urlopen(request) as response:
                body = json.loads(response.read())
                row = next(r for r in body["centres"] if r["slug"] == "erfurt-altstadt")
                return response.status, response.headers["ETag"], row["vacant_floor_area"]
        except urllib.error.HTTPError as error:
            return error.code, error.headers["ETag"], None

    status, tag, area = get()
    assert get(tag)[0] == 304
    committed("UPDATE units_unit SET floor_area = floor_area + 10 WHERE id = %s", [unit.pk])
    try:
        status, new_tag, new_area = get(tag)
        assert status == 200 and new_tag != tag and new_area == area + 10
    finally:
        committed("UPDATE units_unit SET floor_area = floor_area - 10 WHERE id = %s", [unit.pk])
    status, _tag, back = get(new_tag)
    assert status == 200 and back == area
