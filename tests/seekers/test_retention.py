"""Retention of seekers' personal data: `manage.py housekeeping` blanks who is looking and what they wrote
SEEKER_RETENTION_MONTHS (6) after a request closed — exactly those requests, and afterwards nothing of them is on any
page, export or link; the anonymous profile still counts in the figures. The seeker can delete at any time."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from registry.seekers import figures, services
from registry.seekers.models import Alert, Proposal, ProposalStep, SpaceRequest
from registry.units.models import Unit

pytestmark = pytest.mark.django_db
MONTH = datetime.timedelta(days=31)


def secrets_of(tag):
    """Planted, unique personal data of one request."""
    return {"name": f"Zora {tag}", "organisation": f"Zorawerk {tag} GmbH", "email": f"zora.{tag}@example.net",
            "phone": f"+49 361 555 {len(tag)}{len(tag)}7{len(tag)}", "concept": f"Geheimkonzept {tag}"}


@pytest.fixture
def erfurt_requests(make_request, users):
    """Five Erfurt requests in different states and ages, each with its own planted data; two with a proposal
    whose note names the seeker."""
    now = timezone.now()
    unit = Unit.objects.filter(municipality__ags="16051000", status="vacant").order_by("id").first()

    def make(tag, state, closed_ago=None, expired_ago=None):
        space_request = make_request(centres=("erfurt-altstadt",), **secrets_of(tag))
        proposal = services.propose(users["stadt-erfurt"], space_request, unit, note=f"rief an: Zora {tag}")
        SpaceRequest.objects.filter(pk=space_request.pk).update(
            state=state, closed_at=now - closed_ago if closed_ago else None,
            expires_on=(timezone.localdate() - expired_ago) if expired_ago else space_request.expires_on)
        Alert.objects.create(request=space_request, listing_id=_any_listing(), sent_at=now)
        return space_request, proposal

    made = {
        "withdrawn-old": make("withdrawn-old", "withdrawn", closed_ago=7 * MONTH),
        "fulfilled-old": make("fulfilled-old", "fulfilled", closed_ago=7 * MONTH),
        # lapsed 7 months ago, but housekeeping has not run since: it counts from the day it lapsed
        "lapsed-long-ago": make("lapsed-long-ago", "active", expired_ago=7 * MONTH),
        "withdrawn-recent": make("withdrawn-recent", "withdrawn", closed_ago=5 * MONTH),
        "expired-recent": make("expired-recent", "expired", closed_ago=MONTH, expired_ago=MONTH),
        "active": make("active", "active"),
    }
    return made, unit


def _any_listing():
    from registry.listings.models import Listing

    return Listing.objects.order_by("id").values_list("id", flat=True).first()


DUE = {"withdrawn-old", "fulfilled-old", "lapsed-long-ago"}


def read(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig", "replace")


def test_housekeeping_anonymises_exactly_the_due_requests_and_nothing_of_them_remains(erfurt_requests, users):
    made, unit = erfurt_requests
    links = {tag: services.link(space_request, "manage") for tag, (space_request, _p) in made.items()}
    # (the demand side of the figures counts open requests, which are never due; proposals count all)
    figures_before = (figures.proposals_per_centre(timezone.localdate()), SpaceRequest.objects.count())
    out = io.StringIO()
    call_command("housekeeping", stdout=out)
    assert "3 nach 6 Monaten anonymisiert" in out.getvalue()

    for tag, (space_request, proposal) in made.items():
        space_request.refresh_from_db()
        personal = {key: getattr(space_request, key) for key in secrets_of(tag)}
        notes = [proposal.__class__.objects.get(pk=proposal.pk).notes] + list(
            ProposalStep.objects.filter(proposal=proposal).values_list("note", flat=True))
        if tag in DUE:
            assert personal == dict.fromkeys(personal, ""), tag
            assert space_request.personal_data_deleted_at and not space_request.alerts
            assert not Alert.objects.filter(request=space_request).exists()
            assert notes == ["", ""]
            # the profile stays: state, size, region, the proposal itself
            assert space_request.state in ("withdrawn", "fulfilled", "expired") and space_request.min_area == 80
            assert Proposal.objects.filter(pk=proposal.pk).exists() and space_request.centres.exists()
        else:
            assert personal == secrets_of(tag), tag  # untouched
            assert space_request.personal_data_deleted_at is None
            assert Alert.objects.filter(request=space_request).exists()
            assert all(f"Zora {tag}" in note for note in notes)
    assert SpaceRequest.objects.get(pk=made["lapsed-long-ago"][0].pk).state == "expired"
    assert services.anonymise_due() == 0  # a second run finds nothing

    # nowhere to be seen: the staff pages, the exports with contacts, the admin, the unit's pages, the old link
    due_secrets = [value for tag in DUE for value in secrets_of(tag).values()] + [f"Zora {tag}" for tag in DUE]
    kept = [secrets_of(tag)["email"] for tag in made if tag not in DUE]
    for username in ("admin", "stadt-erfurt"):
        client = Client()
        client.force_login(users[username])
        pages = ["/gesuche/verwaltung/", "/gesuche/verwaltung/?status=withdrawn", "/gesuche/verwaltung/?status=expired",
                 "/gesuche/verwaltung/?status=fulfilled", f"/gesuche/verwaltung/einheit/{unit.pk}/",
                 "/api/requests.csv?include=contacts", "/api/requests.geojson?include=contacts"]
        pages += [f"/gesuche/verwaltung/{made[tag][0].pk}/" for tag in made]
        if username == "admin":
            pages += ["/admin/", f"/admin/units/unit/{unit.pk}/change/", f"/admin/units/unit/{unit.pk}/history/"]
        seen = {path: read(client, path) for path in pages}
        for path, body in seen.items():
            assert not [secret for secret in due_secrets if secret in body], (username, path)
        exports = seen["/api/requests.csv?include=contacts"] + seen["/api/requests.geojson?include=contacts"]
        assert all(email in exports for email in kept)  # the check would have seen them
        detail = seen[f"/gesuche/verwaltung/{made['withdrawn-old'][0].pk}/"]
        assert "Die persönlichen Daten wurden am" in detail
    for tag in DUE:
        gone = Client().get("/" + links[tag].split("/", 1)[1])
        assert gone.status_code == 404 and "Dieses Gesuch gibt es nicht mehr" in gone.content.decode()
    # the anonymous figures are the same as before: proposals and re-lets per centre, and every request is still there
    assert (figures.proposals_per_centre(timezone.localdate()), SpaceRequest.objects.count()) == figures_before


def test_the_period_is_a_setting(erfurt_requests, settings):
    settings.SEEKER_RETENTION_MONTHS = 4
    made, _unit = erfurt_requests
    call_command("seekers_housekeeping", stdout=io.StringIO())
    anonymised = set(SpaceRequest.objects.filter(pk__in=[r.pk for r, _p in made.values()],
                                                 personal_data_deleted_at__isnull=False).values_list("pk", flat=True))
    assert anonymised == {made[tag][0].pk for tag in DUE | {"withdrawn-recent"}}


@pytest.mark.parametrize("state", ["active", "paused", "expired", "fulfilled", "withdrawn"])
def test_the_seeker_deletes_at_any_time_from_the_private_link(client, make_request, state):
    space_request = make_request(state=state, **secrets_of("selbst"))
    token = services.make_token(space_request, "manage")
    page = client.get(f"/gesuche/{token}/").content.decode()
    assert 'value="delete"' in page and ("Zurückziehen" in page) == (state in ("active", "paused"))
    response = client.post(f"/gesuche/{token}/aktion/", {"action": "delete"})
    assert response.status_code == 200
    space_request.refresh_from_db()
    assert space_request.name == space_request.email == space_request.phone == space_request.concept == ""
    assert space_request.personal_data_deleted_at and space_request.state == (
        "withdrawn" if state in ("active", "paused") else state)
    assert client.get(f"/gesuche/{token}/").status_code == 404
