"""OGC API – Features as GDAL's OAPIF driver (and so QGIS) reads it, over a live server."""

import json
import os
import subprocess

import pytest

from registry.listings.models import Listing
from registry.units.models import Unit

pytestmark = pytest.mark.django_db


def ogr(url, *options, env=None):
    result = subprocess.run(["ogrinfo", "-ro", "-al", "-q", *options, f"OAPIF:{url}/ogc/", "units"],
                            capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_gdal_reads_every_public_feature_across_pages(app_url):
    output = ogr(app_url, "-oo", "PAGE_SIZE=10")  # 72 listings → 8 pages
    assert output.count("OGRFeature(units)") == Listing.objects.public().count()


@pytest.fixture
def committed_token(committed, users):
    """A token the live server thread can see (committed), removed afterwards."""
    from registry.accounts.tokens import PREFIX, _digest

    token = PREFIX + "ogc-test-token-" + "x" * 20
    committed("INSERT INTO accounts_apitoken (user_id, name, prefix, digest, created_at) "
              "VALUES (%s, 'GDAL', %s, %s, now())", [users["analyst"].pk, token[:10], _digest(token)])
    yield token
    committed("DELETE FROM accounts_apitoken WHERE digest = %s", [_digest(token)])


def test_gdal_with_a_token_as_basic_password_reads_the_analyst_tier(app_url, committed_token):
    token = committed_token
    output = ogr(app_url, "-oo", "PAGE_SIZE=2000",
                 env={"GDAL_HTTP_AUTH": "BASIC", "GDAL_HTTP_USERPWD": f"analyst:{token}"})
    assert output.count("OGRFeature(units)") == Unit.objects.count()
    assert "owner_email" not in output


def test_landing_conformance_and_collections(client):
    landing = client.get("/ogc/?f=json").json()
    assert {link["rel"] for link in landing["links"]} >= {"self", "conformance", "data"}
    conformance = client.get("/ogc/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conformance
    collections = client.get("/ogc/collections")
    assert collections["Content-Type"] == "application/json"
    ids = [c["id"] for c in collections.json()["collections"]]
    assert ids == ["units", "town-centres"]
    bbox = collections.json()["collections"][0]["extent"]["spatial"]["bbox"][0]
    assert 9.8 < bbox[0] < bbox[2] < 12.7


def test_items_page_with_absolute_typed_next_link(client):
    response = client.get("/ogc/collections/units/items?limit=10&offset=20")
    assert response["Content-Type"] == "application/geo+json"
    page = response.json()
    assert page["numberMatched"] == Listing.objects.public().count()
    assert page["numberReturned"] == 10
    following = next(link for link in page["links"] if link["rel"] == "next")
    assert following["type"] == "application/geo+json"
    assert following["href"].startswith("http://testserver/ogc/collections/units/items?")
    assert "offset=30" in following["href"]


def test_town_centres_are_aggregates(client):
    page = client.get("/ogc/collections/town-centres/items?limit=100").json()
    assert page["numberMatched"] == 28
    properties = page["features"][0]["properties"]
    assert {"units", "vacant", "vacancy_rate"} <= set(properties)
    assert not {"owner_name", "street"} & set(properties)


def test_single_item_and_privacy(client):
    public = Listing.objects.public().first().unit
    assert client.get(f"/ogc/collections/units/items/{public.pk}").json()["id"] == public.pk
    hidden = Unit.objects.exclude(listing__published=True).first()
    assert client.get(f"/ogc/collections/units/items/{hidden.pk}").status_code == 404


@pytest.mark.parametrize(("url", "status", "parameter"), [
    ("/ogc/collections/nope/items", 404, "collectionId"),
    ("/ogc/collections/units/items?limit=100000", 400, "limit"),
    ("/ogc/collections/units/items?limit=abc", 400, "limit"),
    ("/ogc/collections/units/items?bbox=1,2", 400, "bbox"),
    ("/ogc/collections/units/items?status=weg", 400, "status"),
])
def test_bad_input_names_the_parameter(client, url, status, parameter):
    response = client.get(url)
    assert response.status_code == status
    assert parameter in json.loads(response.content)["parameters"]


def test_html_view_for_people(client):
    response = client.get("/ogc/collections/units/items", HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    assert "Gewerbeeinheiten" in response.content.decode()
