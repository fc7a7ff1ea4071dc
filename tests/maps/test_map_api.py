"""What the map loads per viewport: never more than a few thousand features."""

import json

import pytest

from registry.listings.models import Listing
from registry.maps.queries import MAX_FEATURES
from registry.units.models import Unit

pytestmark = pytest.mark.django_db
THURINGIA = "9.8,50.2,12.7,51.7"


def load(client, query):
    response = client.get(f"/api/map/units.json?{query}")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_few_units_come_as_points_with_what_the_popup_needs(client, users):
    client.force_login(users["stadt-erfurt"])
    data = load(client, "centre=erfurt-altstadt&zoom=14&bbox=" + THURINGIA)
    assert data["kind"] == "units"
    assert len(data["features"]) == Unit.objects.filter(centre__slug="erfurt-altstadt").count()
    properties = data["features"][0]["properties"]
    assert {"status", "street", "version", "editable"} <= set(properties)
    assert all(f["properties"]["editable"] for f in data["features"])


def test_many_units_zoomed_out_are_counted_per_municipality(client, users):
    client.force_login(users["analyst"])
    data = load(client, "zoom=8&bbox=" + THURINGIA)
    assert data["kind"] == "municipalities"
    assert sum(f["properties"]["count"] for f in data["features"]) == Unit.objects.count()


def test_many_units_zoomed_in_are_counted_on_a_grid(client, users):
    client.force_login(users["analyst"])
    data = load(client, "zoom=12&bbox=" + THURINGIA)
    assert data["kind"] == "grid"
    assert len(data["features"]) <= MAX_FEATURES
    assert sum(f["properties"]["count"] for f in data["features"]) == Unit.objects.count()


def test_anonymous_gets_published_listings_only(client):
    data = load(client, "zoom=8&bbox=" + THURINGIA)
    assert data["kind"] == "units"
    assert {f["id"] for f in data["features"]} == set(Listing.objects.public().values_list("unit_id", flat=True))
    assert not any(f["properties"]["editable"] for f in data["features"])


@pytest.mark.parametrize(("query", "parameter"), [("zoom=30", "zoom"), ("zoom=8&bbox=1,2", "bbox"),
                                                   ("zoom=8&status=weg", "status")])
def test_bad_parameters_are_named(client, query, parameter):
    response = client.get(f"/api/map/units.json?{query}")
    assert response.status_code == 400
    assert parameter in json.loads(response.content)["parameters"]


def test_a_bad_filter_value_names_the_field_by_its_label(client):
    response = client.get("/api/map/units.json?zoom=8&min_area=abc&status=vacant,weg")
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["parameters"]["min_area"] == ["Fläche ab (m²): „abc“ ist keine Zahl."]
    assert body["parameters"]["status"][0].startswith("Status: ")
    assert body["labels"]["min_area"] == "Fläche ab (m²)"


def test_the_begehungsliste_link_goes_to_the_centre_the_map_is_filtered_to(client, users):
    client.force_login(users["stadt-erfurt"])
    page = client.get("/?status=vacant&status=reserved&centre=erfurt-altstadt").content.decode()
    assert 'href="/begehung/erfurt-altstadt/"' in page
    assert 'href="/begehung/"' in client.get("/").content.decode()  # no centre chosen: the list of centres
    assert 'href="/begehung/"' in client.get("/?centre=jena-innenstadt").content.decode()  # not Erfurt's to walk


def test_an_unknown_centre_in_the_url_is_named_not_an_empty_map(client, users):
    client.force_login(users["stadt-erfurt"])
    page = client.get("/?centre=nirgendwo").content.decode()
    assert "„nirgendwo“ ist keine bekannte Innenstadt." in page
    response = client.get("/api/units.geojson?centre=erfurt-altstadt,nirgendwo")
    assert response.status_code == 400 and "Innenstadt" in json.loads(response.content)["parameters"]["centre"][0]
