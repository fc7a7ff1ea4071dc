"""Random filter combinations, written repeated or comma-separated, select the same units on the map's data
request, in the list beside the map, in the GeoJSON and the CSV export (hypothesis draws the combinations)."""

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.units.vacancy import Status

pytestmark = pytest.mark.django_db
THURINGIA = "9.8,50.2,12.7,51.7"
CENTRES = ["erfurt-altstadt", "gera-innenstadt", "weimar-altstadt", "sonneberg-innenstadt"]


@st.composite
def filters(draw):
    """A filter as (key, value) pairs, lists once repeated, once comma-joined, with a random split."""
    parameters = {
        "status": draw(st.lists(st.sampled_from(Status.values), min_size=1, max_size=3, unique=True)),
        "centre": draw(st.lists(st.sampled_from(CENTRES), min_size=1, max_size=2, unique=True)),
    }
    if draw(st.booleans()):
        parameters["min_area"] = [draw(st.sampled_from(["50", "80,5", "1.000", "120 m²"]))]
    pairs = []
    for key, values in parameters.items():
        if draw(st.booleans()):
            pairs += [(key, value) for value in values]
        else:
            pairs.append((key, ",".join(values)))
    return pairs


def query(pairs):
    from urllib.parse import urlencode
    return urlencode(pairs)


def ids_of_csv(body):
    lines = body.decode("utf-8-sig").splitlines()
    header = [cell.strip('"') for cell in lines[0].split(";")]
    column = header.index("id")
    return sorted(int(line.split(";")[column].strip('"')) for line in lines[1:] if line)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(pairs=filters())
def test_map_list_geojson_and_csv_agree(client, users, pairs):
    client.force_login(users["analyst"])
    text = query(pairs)
    data = json.loads(client.get(f"/api/map/units.json?{text}&zoom=15&bbox={THURINGIA}").content)
    assert data["kind"] == "units"
    on_map = sorted(feature["id"] for feature in data["features"])
    html = client.get(f"/?{text}&fragment=list").content.decode()
    listed = int(re.search(r'data-count="(\d+)"', html).group(1))
    geojson = json.loads(b"".join(client.get(f"/api/units.geojson?{text}").streaming_content))
    csv_ids = ids_of_csv(b"".join(client.get(f"/api/units.csv?{text}").streaming_content))
    assert on_map == sorted(feature["id"] for feature in geojson["features"]) == csv_ids
    assert listed == len(on_map)
