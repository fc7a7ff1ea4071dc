"""Each tier sees exactly its rows and fields; bad input gets a 400 naming the parameter."""

import json

import pytest

from registry.listings.models import Listing
from registry.owners.models import Owner
from registry.units.models import Unit

from .conftest import read

pytestmark = pytest.mark.django_db

CONTACT_FIELDS = {"owner_name", "owner_organisation", "owner_phone", "owner_email", "owner_address", "internal_note"}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_anonymous_gets_published_listings_only_and_no_owner_data(client, geojson):
    collection = geojson()
    ids = {f["id"] for f in collection["features"]}
    assert ids == set(Listing.objects.public().values_list("unit_id", flat=True))
    raw = read(client.get("/api/units.geojson")).decode() + read(client.get("/api/units.csv")).decode()
    for owner in Owner.objects.filter(units__id__in=ids):
        assert owner.name not in raw and owner.email not in raw and owner.phone not in raw
    assert not CONTACT_FIELDS & set(collection["features"][0]["properties"])


def test_analyst_gets_all_units_without_personal_data(geojson, token_for):
    collection = geojson(**bearer(token_for("analyst")))
    assert len(collection["features"]) == Unit.objects.count()
    assert not CONTACT_FIELDS & set(collection["features"][0]["properties"])


def test_city_manager_gets_contacts_of_own_municipality_only_on_request(geojson, token_for):
    token = token_for("stadt-erfurt")
    plain = geojson(**bearer(token))
    # all of Erfurt, and elsewhere only what the public sees (published listings)
    erfurt = [f for f in plain["features"] if f["properties"]["municipality"] == "16051000"]
    assert len(erfurt) == Unit.objects.filter(municipality__ags="16051000").count()
    elsewhere = {f["id"] for f in plain["features"]} - {f["id"] for f in erfurt}
    assert elsewhere == set(Listing.objects.public().exclude(unit__municipality__ags="16051000")
                            .values_list("unit_id", flat=True))
    assert not CONTACT_FIELDS & {key for f in plain["features"] for key in f["properties"]}
    internal = geojson("?include=contacts", **bearer(token))
    assert CONTACT_FIELDS <= set(internal["features"][0]["properties"])
    assert {f["properties"]["municipality"] for f in internal["features"]} == {"16051000"}


@pytest.mark.parametrize("username", [None, "analyst", "eigentuemer"])
def test_contacts_are_refused_for_everyone_else(client, token_for, username):
    headers = bearer(token_for(username)) if username else {}
    response = client.get("/api/units.geojson?include=contacts", headers=headers)
    assert response.status_code == 403
    assert "include" in json.loads(response.content)["parameters"]


def test_owner_sees_own_units(geojson, token_for, users):
    ids = {f["id"] for f in geojson(**bearer(token_for("eigentuemer")))["features"]}
    own = set(Unit.objects.filter(owner__user=users["eigentuemer"]).values_list("id", flat=True))
    assert own <= ids


@pytest.mark.parametrize(("query", "parameter"), [
    ("?status=closed", "status"), ("?category=bakery", "category"), ("?municipality=1605", "municipality"),
    ("?bbox=11,50,10", "bbox"), ("?bbox=12,50,11,51", "bbox"), ("?min_area=ca.%2080", "min_area"),
    ("?min_area=100&max_area=50", "max_area"), ("?vacant_since_before=31.02.2024", "vacant_since_before"),
])
def test_bad_filters_answer_400_naming_the_parameter(client, query, parameter):
    for fmt in ("geojson", "csv", "gpkg"):
        response = client.get(f"/api/units.{fmt}{query}")
        assert response.status_code == 400
        body = json.loads(response.content)
        assert parameter in body["parameters"], body


def test_an_unknown_crs_for_geopackage_is_refused(client):
    response = client.get("/api/units.gpkg?crs=3857")
    assert response.status_code == 400 and "crs" in json.loads(response.content)["parameters"]


def test_tokens_work_as_bearer_and_as_basic_password_and_are_hashed(client, token_for):
    from registry.accounts.models import ApiToken

    token = token_for("analyst")
    assert not ApiToken.objects.filter(digest=token).exists() and token not in str(list(ApiToken.objects.values()))
    import base64
    basic = "Basic " + base64.b64encode(f"analyst:{token}".encode()).decode()
    response = client.get("/api/units.geojson?centre=gera-innenstadt", headers={"Authorization": basic})
    assert len(json.loads(read(response))["features"]) == Unit.objects.filter(centre__slug="gera-innenstadt").count()


def test_a_revoked_or_wrong_token_is_refused(client, token_for, users):
    from registry.accounts.tokens import revoke
    from registry.accounts.models import ApiToken

    token = token_for("analyst")
    revoke(ApiToken.objects.get(prefix=token[:10]).pk, users["analyst"])
    assert client.get("/api/units.geojson", headers=bearer(token)).status_code == 401
    assert client.get("/api/units.csv", headers=bearer("lr_wrong")).status_code == 401


def test_create_api_token_prints_the_token_as_last_line(users):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_api_token", "analyst", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    assert token.startswith("lr_") and len(token) > 30
