"""Bad numbers, NUL characters and wrong booleans are 400s with a German message naming the field (issue 15).

Each case was a 500 (or a wrong value stored) in the security review.
"""

import json

import pytest

from registry.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query, field", [
    ("max_rent=Infinity", "Miete bis"),
    ("min_area=NaN", "Fläche ab"),
    ("min_area=1e309", "Fläche ab"),
    ("max_rent=-5", "Miete bis"),
])
def test_listing_filters_name_the_bad_field(client, query, field):
    response = client.get(f"/angebote/?{query}")
    assert response.status_code == 400
    assert field in response.content.decode()


@pytest.mark.parametrize("url", [
    "/angebote/?centre=%00", "/?centre=%00", "/?q=a%00b", "/api/units.geojson?q=%00", "/statistik/?x%00=1",
    "/ogc/collections/units/items?q=%00",
])
def test_a_nul_in_any_parameter_is_a_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Steuerzeichen" in response.content.decode()


@pytest.mark.parametrize("query", ["min_area=NaN", "max_area=Infinity", "min_area=1e309", "bbox=NaN,0,1,1"])
def test_map_filters_refuse_non_numbers(client, query):
    response = client.get(f"/?{query}")
    assert response.status_code in (200, 400)  # the page names the error in its filter box
    assert "keine Zahl" in response.content.decode() or "bbox" in response.content.decode()
    assert client.get(f"/api/map/units.json?{query}").status_code == 400


@pytest.fixture
def unit_for(users):
    def get(name="stadt-erfurt"):
        return Unit.objects.filter(municipality__ags="16051000").order_by("pk").first()
    return get


def post(client, url, body):
    return client.post(url, body if isinstance(body, str) else json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("body, field", [
    ('{"version": 1e309, "name": "x"}', "version"),
    ('{"version": NaN, "name": "x"}', None),
    ('{"version": "1e309", "name": "x"}', "version"),
    ({"floor_area": "NaN"}, "floor_area"),
    ({"floor_area": "Infinity"}, "floor_area"),
    ({"floor_area": 1e308}, "floor_area"),
    ({"name": "Laden\u0000"}, "name"),
    ({"street": "A\u0000"}, "street"),
    ({"step_free": "nein"}, "step_free"),
    ({"step_free": "ja"}, "step_free"),
    ({"listed_building": 1}, "listed_building"),
    ({"location": ["NaN", 50.9]}, "location"),
    ({"name": "x" * 5000}, "name"),
])
def test_map_api_refuses_bad_values_with_the_field_named(client, users, unit_for, body, field):
    unit = unit_for()
    client.force_login(users["stadt-erfurt"])
    if isinstance(body, dict):
        body = {"version": unit.version, **body}
    response = post(client, f"/api/units/{unit.pk}/", body)
    assert response.status_code == 400, response.content
    data = response.json()
    if field:
        assert field in data.get("errors", {}), data
    after = Unit.objects.get(pk=unit.pk)
    assert after.version == unit.version and after.step_free == unit.step_free


def test_map_api_documented_booleans_are_stored(client, users, unit_for):
    unit = unit_for()
    client.force_login(users["stadt-erfurt"])
    response = post(client, f"/api/units/{unit.pk}/", {"version": unit.version, "step_free": False})
    assert response.status_code == 200 and response.json()["step_free"] is False
    response = post(client, f"/api/units/{unit.pk}/", {"version": unit.version + 1, "step_free": None})
    assert response.status_code == 200 and response.json()["step_free"] is None


def test_status_note_with_nul_is_refused(client, users, unit_for):
    unit = unit_for()
    client.force_login(users["stadt-erfurt"])
    response = post(client, f"/api/units/{unit.pk}/status/", {"version": unit.version, "status": "vacant",
                                                              "note": "a\u0000b"})
    assert response.status_code == 400


def test_a_nul_in_a_token_name_is_a_400(client, users):
    client.force_login(users["analyst"])
    response = client.post("/konto/tokens/", {"name": "QGIS\x00"})
    assert response.status_code == 400 and "name" in response.content.decode()
    from registry.accounts.models import ApiToken
    assert not ApiToken.objects.filter(user=users["analyst"]).exists()
