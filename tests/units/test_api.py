"""The map's write endpoints: scope 403, validation 400 with the field, stale 409, CSRF."""

import datetime
import json

import pytest
from django.test import Client

from registry.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def erfurt_client(client, users):
    client.force_login(users["stadt-erfurt"])
    return client


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_create_a_vacant_unit_by_point(erfurt_client, erfurt_market):
    response = post(erfurt_client, "/api/units/", {
        "location": [erfurt_market.x, erfurt_market.y], "street": "Anger", "house_number": "12",
        "floor_area": "85,5", "status": "vacant", "since": "2026-10-01", "note": "Neu erfasst"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "vacant" and body["vacant_since"] == "2026-10-01" and body["floor_area"] == 85.5
    assert body["municipality"] == "16051000" and body["editable"]


def test_errors_name_the_field_in_german(erfurt_client, erfurt_market):
    response = post(erfurt_client, "/api/units/", {
        "location": [erfurt_market.x, erfurt_market.y], "street": "Anger", "floor_area": "ca. 80"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"floor_area": ["Nutzfläche (m²): „ca. 80“ ist keine Zahl."]}
    assert response.json()["labels"] == {"floor_area": "Nutzfläche (m²)"}  # for clients that show the name apart


def test_numbers_as_people_type_them(erfurt_client, erfurt_market):
    response = post(erfurt_client, "/api/units/", {
        "location": [erfurt_market.x, erfurt_market.y], "street": "Anger", "house_number": "13",
        "floor_area": "1.250", "asking_rent": "9,50 €", "step_free": True, "status": "vacant", "since": "01.10.2026"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["floor_area"], body["asking_rent"], body["step_free"]) == (1250, 9.5, True)
    assert body["vacant_since"] == "2026-10-01"


def test_a_service_error_is_labelled_too(erfurt_client, erfurt_market):
    response = post(erfurt_client, "/api/units/", {
        "location": [erfurt_market.x, erfurt_market.y], "street": "Anger", "postcode": "99O84"})
    assert response.status_code == 400
    assert response.json()["labels"] == {"postcode": "PLZ"}


def test_another_municipality_answers_403_and_changes_nothing(erfurt_client):
    unit = Unit.objects.filter(municipality__ags="16053000").first()
    response = post(erfurt_client, f"/api/units/{unit.pk}/status/", {"version": unit.version, "status": "vacant"})
    assert response.status_code == 403
    assert Unit.objects.get(pk=unit.pk).status == unit.status


def test_move_status_and_checked_with_optimistic_locking(erfurt_client):
    unit = Unit.objects.filter(municipality__ags="16051000", status="occupied").first()
    target = unit.location.clone()
    target.x += 0.0001
    moved = post(erfurt_client, f"/api/units/{unit.pk}/", {"version": unit.version, "location": [target.x, target.y]})
    assert moved.status_code == 200
    stale = post(erfurt_client, f"/api/units/{unit.pk}/status/", {"version": unit.version, "status": "vacant"})
    assert stale.status_code == 409
    assert "inzwischen von jemand anderem geändert" in stale.json()["error"]
    version = moved.json()["version"]
    vacated = post(erfurt_client, f"/api/units/{unit.pk}/status/",
                   {"version": version, "status": "vacant", "date": datetime.date.today().isoformat()})
    assert vacated.json()["status"] == "vacant"
    checked = post(erfurt_client, f"/api/units/{unit.pk}/checked/", {"version": vacated.json()["version"]})
    assert checked.json()["last_checked"] == datetime.date.today().isoformat()


def test_writes_need_login_and_a_csrf_token(users):
    unit = Unit.objects.filter(municipality__ags="16051000").first()
    anonymous = Client()
    assert post(anonymous, f"/api/units/{unit.pk}/checked/", {"version": unit.version}).status_code == 401
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users["stadt-erfurt"])
    assert post(strict, f"/api/units/{unit.pk}/checked/", {"version": unit.version}).status_code == 403


def test_unknown_unit_answers_404(erfurt_client):
    assert post(erfurt_client, "/api/units/999999999/checked/", {"version": 1}).status_code == 404
