"""A city manager proposes a unit, records the viewing and the let; the request is then erfüllt."""

import datetime
from decimal import Decimal

import pytest

from registry.seekers import figures, matching
from registry.seekers.models import Proposal, SpaceRequest
from registry.units.models import Unit

pytestmark = pytest.mark.django_db


def test_proposal_lifecycle_closes_the_request(client, users, make_request):
    space_request = make_request(centres=("erfurt-altstadt",), min_area=Decimal(40), max_area=Decimal(300))
    unit_id = matching.units_for_request(space_request, users["stadt-erfurt"])[0].unit_id
    before = {row["slug"]: row for row in figures.proposals_per_centre(datetime.date.today())}["erfurt-altstadt"]
    client.force_login(users["stadt-erfurt"])
    assert client.post(f"/gesuche/verwaltung/{space_request.pk}/vorschlagen/", {"unit": unit_id}).status_code == 302
    proposal = Proposal.objects.get(request=space_request, unit_id=unit_id)
    assert proposal.outcome == "proposed" and proposal.created_by == users["stadt-erfurt"]
    # a second proposal of the same unit is refused with a message
    response = client.post(f"/gesuche/verwaltung/{space_request.pk}/vorschlagen/", {"unit": unit_id}, follow=True)
    assert "bereits vorgeschlagen" in response.content.decode()
    today = datetime.date.today()
    outcome = f"/gesuche/verwaltung/vorschlag/{proposal.pk}/"
    client.post(outcome, {"outcome": "interested", "on": today.isoformat(), "note": "Rückruf am Montag"})
    client.post(outcome, {"outcome": "viewing", "on": today.strftime("%d.%m.%Y")})
    refused = client.post(outcome, {"outcome": "declined", "on": today.isoformat()}, follow=True)
    assert "Grund der Absage" in refused.content.decode()
    client.post(outcome, {"outcome": "let", "on": today.isoformat(), "note": "Mietvertrag unterschrieben"})
    proposal.refresh_from_db()
    space_request.refresh_from_db()
    assert proposal.outcome == "let"
    assert [s.outcome for s in proposal.steps.all()] == ["proposed", "interested", "viewing", "let"]
    assert space_request.state == SpaceRequest.State.FULFILLED and space_request.fulfilled_unit_id == unit_id
    unit = Unit.objects.get(pk=unit_id)
    assert unit.status == "let_not_open"
    assert "Gesuch" in unit.intervals.get(valid_to__isnull=True).note
    # both timelines show it
    page = client.get(f"/gesuche/verwaltung/{space_request.pk}/").content.decode()
    assert "Besichtigung" in page and "vermietet" in page and "erfüllt" in page
    assert f"erfüllt – mit {unit}" in page  # the issue: „erfüllt — with which unit“
    assert "vermietet" in client.get(f"/gesuche/verwaltung/einheit/{unit_id}/").content.decode()
    # the statistics show one more proposal and one more re-let through a proposal
    after = {row["slug"]: row for row in figures.proposals_per_centre(datetime.date.today())}["erfurt-altstadt"]
    assert (after["proposals"], after["relets"]) == (before["proposals"] + 1, before["relets"] + 1)
    assert after["median_days_to_relet"] is not None


def test_jena_cannot_record_outcomes_of_erfurt_proposals(client, users, make_request):
    space_request = make_request(centres=("erfurt-altstadt",), min_area=Decimal(40), max_area=Decimal(300))
    unit_id = matching.units_for_request(space_request, users["stadt-erfurt"])[0].unit_id
    client.force_login(users["stadt-erfurt"])
    client.post(f"/gesuche/verwaltung/{space_request.pk}/vorschlagen/", {"unit": unit_id})
    proposal = Proposal.objects.get(request=space_request)
    client.force_login(users["stadt-jena"])
    assert client.post(f"/gesuche/verwaltung/vorschlag/{proposal.pk}/", {"outcome": "let"}).status_code == 404
    assert Proposal.objects.get(pk=proposal.pk).outcome == "proposed"


def test_staff_entry_is_scoped_and_active_at_once(client, users):
    from registry.places.models import TownCentre

    client.force_login(users["stadt-jena"])
    data = {"name": "Anruf IHK", "category": "retail", "subcategory": "books", "min_area": "60",
            "max_area": "120", "floors": ["EG", "OG"], "frequency": "daily", "consent_contact": "on",
            "centres": [TownCentre.objects.get(slug="erfurt-altstadt").pk]}
    refused = client.post("/gesuche/verwaltung/neu/", data)
    assert refused.status_code == 400 and "nur Gesuche für Ihre eigenen Gemeinden" in refused.content.decode()
    assert not SpaceRequest.objects.filter(source="staff").exists()
    data["centres"] = [TownCentre.objects.get(slug="jena-innenstadt").pk]
    response = client.post("/gesuche/verwaltung/neu/", data)
    assert response.status_code == 302
    space_request = SpaceRequest.objects.get(source="staff")
    assert space_request.state == "active" and space_request.source == "staff"
    assert space_request.created_by == users["stadt-jena"] and space_request.consent_contact
