"""OGC API – Features Part 1: the documents QGIS needs before it shows a layer, in JSON and HTML."""

import json

import pytest
from openapi_spec_validator import validate

from registry.ogc.openapi import OPENAPI_MEDIA_TYPE
from registry.units.filters import PARAMETERS

pytestmark = pytest.mark.django_db

RESOURCES = ["/ogc/", "/ogc/api", "/ogc/conformance", "/ogc/collections", "/ogc/collections/units",
             "/ogc/collections/units/queryables", "/ogc/collections/units/schema",
             "/ogc/collections/units/items?limit=5", "/ogc/collections/town-centres",
             "/ogc/collections/town-centres/items?limit=5", "/ogc/collections/town-centres/queryables"]


def test_landing_links_an_openapi_document_that_validates(client):
    landing = client.get("/ogc/?f=json").json()
    rels = {link["rel"]: link for link in landing["links"]}
    assert {"self", "alternate", "service-desc", "service-doc", "conformance", "data"} <= set(rels)
    assert rels["service-desc"]["type"] == OPENAPI_MEDIA_TYPE
    assert rels["service-desc"]["href"].startswith("http://testserver/ogc/")
    response = client.get(rels["service-desc"]["href"])
    assert response["Content-Type"] == OPENAPI_MEDIA_TYPE
    document = response.json()
    validate(document)
    limit = document["components"]["parameters"]["limit"]["schema"]
    assert (limit["default"], limit["maximum"]) == (100, 10_000)
    items = document["paths"]["/collections/units/items"]["get"]["parameters"]
    names = {p.get("name") or p["$ref"].rsplit("/", 1)[1] for p in items}
    # the shared filter's parameters, the OGC ones and the queryables, all described
    assert set(PARAMETERS) | {"limit", "offset", "bbox-crs", "crs", "datetime", "filter", "filter-lang", "sortby",
                              "properties", "skipGeometry", "floor", "postcode"} <= names
    assert "owner_email" not in json.dumps(document)
    doc = client.get(rels["service-doc"]["href"])
    assert doc["Content-Type"].startswith("text/html") and "min_area" in doc.content.decode()


@pytest.mark.parametrize("url", RESOURCES)
def test_every_resource_in_json_and_html_and_head(client, url):
    separator = "&" if "?" in url else "?"
    as_json = client.get(url)
    assert as_json.status_code == 200
    assert "json" in as_json["Content-Type"]
    json.loads(as_json.content)
    as_html = client.get(f"{url}{separator}f=html")
    assert as_html.status_code == 200 and as_html["Content-Type"].startswith("text/html")
    by_accept = client.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert by_accept["Content-Type"].startswith("text/html")
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Type"] == as_json["Content-Type"]


def test_collection_lists_its_crs_and_links_schema_and_queryables(client):
    units = client.get("/ogc/collections/units").json()
    assert units["crs"] == ["http://www.opengis.net/def/crs/OGC/1.3/CRS84",
                            "http://www.opengis.net/def/crs/EPSG/0/25832"]
    rels = {link["rel"]: link for link in units["links"]}
    assert rels["describedBy"]["type"] == "application/schema+json"
    assert rels["http://www.opengis.net/def/rel/ogc/1.0/queryables"]["href"].endswith("/collections/units/queryables")


def test_queryables_and_schema_never_name_personal_data(client, basic):
    for headers in ({}, basic("analyst"), basic("stadt-erfurt")):
        for path in ("queryables", "schema", "schema/feature"):
            text = client.get(f"/ogc/collections/units/{path}", **headers).content.decode()
            assert "owner_" not in text and "internal_note" not in text
    queryables = client.get("/ogc/collections/units/queryables").json()
    assert queryables["properties"]["vacant_since"] == {"title": "leer seit", "type": "string", "format": "date"}
    assert queryables["properties"]["status"]["enum"][0] == "occupied"
    assert queryables["properties"]["geometry"]["format"] == "geometry-point"


def test_every_path_in_the_openapi_document_answers(client):
    from registry.listings.models import Listing
    from registry.places.models import TownCentre

    document = client.get("/ogc/api").json()
    ids = {"units": Listing.objects.public().first().unit_id, "town-centres": TownCentre.objects.first().pk}
    assert document["servers"] == [{"url": "http://testserver/ogc"}]
    for path in document["paths"]:
        collection = path.split("/")[2] if path.startswith("/collections/") else None
        url = "/ogc" + path.replace("{featureId}", str(ids.get(collection, "")))
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:200])
