"""Any JSON a client may send to the map API is answered 200, 400 or 409 — never a 500, never half-written."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.units.models import Unit

pytestmark = pytest.mark.django_db

FIELDS = ["version", "name", "street", "house_number", "postcode", "town", "floor", "category", "subcategory",
          "wz_code", "internal_note", "external_id", "floor_area", "sales_area", "frontage", "asking_rent",
          "step_free", "listed_building", "location", "owner", "status"]
NASTY_TEXT = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e309", "-1e309", "\x00", "a\x00b", "nein", "ja",
                              "1.250,5", "12,5", "9,50 €", "", " ", "x" * 300, "<script>", "=1+1", "٣", "1_000"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40), NASTY_TEXT)
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(st.text(max_size=5), SCALARS, max_size=2))
BODIES = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=6).map(json.dumps),
    st.sampled_from(['{"version": 1e309}', '{"version": NaN}', '{"floor_area": Infinity, "version": 1}',
                     '{"version": -1e309}', "[]", "null", '"x"', "{", '{"location": [1e309, 50]}']),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(body=BODIES)
def test_map_api_never_fails_on_any_json(client, users, body):
    unit = Unit.objects.filter(municipality__ags="16051000").order_by("pk").first()
    client.force_login(users["stadt-erfurt"])
    before = Unit.objects.filter(pk=unit.pk).values().get()
    for url in (f"/api/units/{unit.pk}/", f"/api/units/{unit.pk}/status/", f"/api/units/{unit.pk}/checked/"):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code in (200, 400, 403, 409), (url, body, response.status_code)
        if response.status_code != 200:
            assert Unit.objects.filter(pk=unit.pk).values().get() == before
        else:
            before = Unit.objects.filter(pk=unit.pk).values().get()
    response = client.post("/api/units/", body, content_type="application/json")
    assert response.status_code in (200, 400, 403), (body, response.status_code)
