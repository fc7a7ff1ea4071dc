"""Units due for re-verification: the `checked_before` filter and the Begehungsliste (walk list)."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from registry.places.models import TownCentre
from registry.units.filters import UnitFilter
from registry.units.models import Unit
from registry.units.walk import due_cutoff, due_units

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_checked_before_reads_german_dates_and_counts_never_checked_as_due():
    unit = Unit.objects.filter(centre__slug="erfurt-altstadt").first()
    Unit.objects.filter(pk=unit.pk).update(last_checked=None)
    for text in ("01.06.2025", "2025-06-01", "1.6.2025"):
        form = UnitFilter({"checked_before": text})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["checked_before"] == datetime.date(2025, 6, 1)
    due = UnitFilter({"checked_before": "2025-06-01"})
    due.is_valid()
    units = due.apply(Unit.objects.all())
    assert units.filter(pk=unit.pk).exists()
    assert not units.filter(last_checked__gte=datetime.date(2025, 6, 1)).exists()


def test_a_bad_checked_before_names_the_field_in_german(users):
    response = client_for(users["analyst"]).get("/api/units.geojson?checked_before=gestern")
    assert response.status_code == 400
    body = json.loads(response.content)
    assert "checked_before" in body["parameters"]
    assert "gültiges Datum" in body["parameters"]["checked_before"][0]


def test_the_export_and_the_walk_list_agree_on_what_is_due(users):
    centre = TownCentre.objects.get(slug="erfurt-altstadt")
    manager = users["stadt-erfurt"]
    listed = due_units(Unit.objects.all(), centre)
    response = client_for(manager).get(
        f"/api/units.geojson?centre=erfurt-altstadt&checked_before={due_cutoff().isoformat()}")
    exported = {feature["id"] for feature in json.loads(b"".join(response.streaming_content))["features"]}
    assert {unit.pk for unit in listed} == exported and exported


def test_the_walk_goes_street_by_street_in_house_number_order():
    centre = TownCentre.objects.get(slug="erfurt-altstadt")
    units = due_units(Unit.objects.all(), centre)
    streets = [unit.street.strip().lower() for unit in units]
    # each street is walked once, in one piece
    runs = [street for i, street in enumerate(streets) if i == 0 or streets[i - 1] != street]
    assert len(runs) == len(set(streets))
    # and along it, in house-number order (one direction or the other)
    for street in set(streets):
        numbers = [int("".join(c for c in u.house_number if c.isdigit()) or 0) for u in units
                   if u.street.strip().lower() == street]
        assert numbers in (sorted(numbers), sorted(numbers, reverse=True))
    # a unit checked today is not on the list
    Unit.objects.filter(pk=units[0].pk).update(last_checked=timezone.localdate())
    assert units[0].pk not in {unit.pk for unit in due_units(Unit.objects.all(), centre)}


def test_only_the_own_municipalitys_managers_and_admins_open_it(users):
    assert client_for(users["stadt-erfurt"]).get("/begehung/erfurt-altstadt/").status_code == 200
    assert client_for(users["admin"]).get("/begehung/erfurt-altstadt/").status_code == 200
    assert client_for(users["stadt-jena"]).get("/begehung/erfurt-altstadt/").status_code == 403
    assert client_for(users["analyst"]).get("/begehung/erfurt-altstadt/").status_code == 403
    assert client_for(users["analyst"]).get("/begehung/").status_code == 403
    anonymous = Client().get("/begehung/erfurt-altstadt/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    index = client_for(users["stadt-jena"]).get("/begehung/").content.decode()
    assert "/begehung/jena-innenstadt/" in index and "erfurt-altstadt" not in index


def test_marking_without_javascript_uses_the_service_and_confirms(users):
    manager = client_for(users["stadt-erfurt"])
    unit = due_units(Unit.objects.all(), TownCentre.objects.get(slug="erfurt-altstadt"))[0]
    response = manager.post("/begehung/erfurt-altstadt/", {"unit": unit.pk, "version": unit.version}, follow=True)
    unit.refresh_from_db()
    assert unit.last_checked == timezone.localdate() and unit.updated_by == users["stadt-erfurt"]
    page = response.content.decode()
    assert "als geprüft am" in page and f'id="einheit-{unit.pk}"' not in page
    # a stale version is refused with the service's message, nothing written
    again = manager.post("/begehung/erfurt-altstadt/", {"unit": unit.pk, "version": unit.version - 1}, follow=True)
    assert "inzwischen von jemand anderem geändert" in again.content.decode()
    # a Jena manager cannot mark an Erfurt unit, neither here nor through the API
    jena = client_for(users["stadt-jena"])
    assert jena.post("/begehung/erfurt-altstadt/", {"unit": unit.pk, "version": unit.version}).status_code == 403
    assert jena.post(f"/api/units/{unit.pk}/checked/", json.dumps({"version": unit.version}),
                     content_type="application/json").status_code == 403


def test_checked_before_goes_back_into_links_through_the_one_querystring():
    form = UnitFilter({"checked_before": "01.06.2025", "status": ["vacant,reserved"]})
    assert form.is_valid()
    query = form.querystring()
    assert "checked_before=01.06.2025" in query and "status=vacant&status=reserved" in query
