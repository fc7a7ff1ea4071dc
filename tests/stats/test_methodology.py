"""The methodology the statistics print says what they count: every floor it names and only those, every status it
lists as vacant and only those (registry/stats/methodology.py makes the text from the same definitions)."""

import datetime

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.test import Client
from django.utils import translation

from registry.places.models import Municipality, TownCentre
from registry.stats import methodology, queries
from registry.units import services
from registry.units.models import Floor
from registry.units.vacancy import Status

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 6, 30)


@pytest.fixture
def empty_centre():
    erfurt = Municipality.objects.get(ags="16051000")
    TownCentre.objects.create(name="Methodikzentrum", slug="methodikzentrum", municipality=erfurt,
                              boundary=Polygon.from_bbox((10.984, 50.924, 10.986, 50.926)))
    return "methodikzentrum"


def figures():
    return queries.centre_figures(DAY, centre="methodikzentrum")[0]


def add_unit(users, **fields):
    services.create_unit(users["stadt-erfurt"], street="Methodikgasse", location=Point(10.985, 50.925, srid=4326),
                         since=datetime.date(2024, 1, 1), **fields)


def german_lines():
    with translation.override("de"):
        return methodology.lines()


def test_the_stock_counts_exactly_the_floors_the_methodology_names(users, empty_centre):
    stock = german_lines()[0]
    for floor in Floor:
        before = figures()["units"]
        add_unit(users, floor=floor, status=Status.VACANT)
        counted = figures()["units"] == before + 1
        named = str(floor.label) in stock
        assert counted == named == (floor in methodology.COUNTED_FLOORS), (floor, counted, named, stock)


def test_basements_count_and_the_methodology_says_so():
    # the decision (registry/stats/methodology.py): all floors, the basement too, as map, list and exports show them
    assert set(methodology.COUNTED_FLOORS) == set(Floor)
    assert "Erdgeschoss und darüber" not in " ".join(german_lines())
    assert "Untergeschoss (UG)" in german_lines()[0]


def test_vacant_counts_exactly_the_statuses_the_methodology_lists(users, empty_centre):
    _stock, vacant_line, not_vacant_line, *_rest = german_lines()
    for status in Status:
        before = figures()["vacant"]
        add_unit(users, status=status)
        counted = figures()["vacant"] == before + 1
        listed = f"„{status.label}“" in vacant_line
        assert counted == listed != (f"„{status.label}“" in not_vacant_line), (status, counted, vacant_line)


def test_the_overview_and_the_report_print_the_generated_text_in_either_language(empty_centre):
    german = Client(HTTP_ACCEPT_LANGUAGE="de").get("/statistik/").content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/statistik/").content.decode()
    assert "Als leer zählen: „leer“, „in Verhandlung“, „vermietet, noch nicht eröffnet“, „im Umbau“ und " \
           "„nicht vermietbar“." in german
    assert "Geschosse: Erdgeschoss (EG), Obergeschoss (OG) und Untergeschoss (UG)." in german
    assert "Counted as vacant: “vacant”, “under negotiation”, “let, not yet open”, “under renovation” and " \
           "“not lettable”." in english
    assert "Floors: Ground floor, Upper floor and Basement." in english
