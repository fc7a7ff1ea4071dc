"""The list fragment turns to the page that holds a given unit (`einheit=<id>`, asked by the map when a marker's
row is on another page) — for the current filter and sort, and only among the units the user may see."""

import re

import pytest

from registry.maps import views
from registry.units.models import Unit

pytestmark = pytest.mark.django_db


def page_number(response):
    return int(re.search(r'data-page="(\d+)"', response.content.decode()).group(1))


def test_the_fragment_turns_to_the_page_of_the_unit(client, users):
    client.force_login(users["stadt-erfurt"])
    units = Unit.objects.filter(centre__slug="erfurt-altstadt")
    by_address = list(units.order_by(*views._order("adresse", False)).values_list("pk", flat=True))
    by_area = list(units.order_by(*views._order("flaeche", True)).values_list("pk", flat=True))
    for index in (0, 24, 25, 160, len(by_address) - 1):
        response = client.get("/", {"centre": "erfurt-altstadt", "fragment": "list", "einheit": by_address[index]})
        assert page_number(response) == index // 25 + 1
        assert f'data-unit="{by_address[index]}"' in response.content.decode()
    response = client.get("/", {"centre": "erfurt-altstadt", "fragment": "list", "sort": "-flaeche",
                                "einheit": by_area[333]})
    assert page_number(response) == 333 // 25 + 1


def test_a_unit_outside_the_filter_or_not_visible_leaves_the_page_asked_for(client, users):
    jena = Unit.objects.filter(centre__slug="jena-innenstadt").exclude(listing__published=True).first()
    client.force_login(users["stadt-erfurt"])
    response = client.get("/", {"centre": "erfurt-altstadt", "fragment": "list", "seite": "3", "einheit": jena.pk})
    assert page_number(response) == 3
    client.logout()  # anonymous: only published listings; an unpublished unit's place in the list is not told
    response = client.get("/", {"fragment": "list", "seite": "2", "einheit": jena.pk})
    assert page_number(response) == 2


def test_the_list_sorted_by_address_counts_house_numbers_as_people_do(client, users):
    """„Anger 2“ before „Anger 19“, „Anger 3“ before „Anger 29“ (the list used to sort the text: 19, 2, 20 …)."""
    client.force_login(users["stadt-erfurt"])
    html = client.get("/", {"centre": "erfurt-altstadt", "fragment": "list", "sort": "adresse"}).content.decode()
    rows = [(street, int(number)) for street, number in re.findall(r"<strong>(.+?) (\d+)\w*</strong>", html)]
    assert len(rows) == 25
    for (street, number), (next_street, next_number) in zip(rows, rows[1:], strict=False):
        assert street != next_street or number <= next_number, (street, number)
    assert any(number >= 10 for _street, number in rows)  # the page crosses from one digit to two
    descending = client.get("/", {"centre": "erfurt-altstadt", "fragment": "list", "sort": "-adresse"})
    ids = [int(pk) for pk in re.findall(r'data-unit="(\d+)"', descending.content.decode())]
    units = Unit.objects.filter(centre__slug="erfurt-altstadt").order_by(*views._order("adresse", True))
    assert ids[:25] == list(units.values_list("pk", flat=True)[:25])
