"""A seeker enters a request, confirms it by e-mail and manages it through the private link."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core import signing

from registry.listings.services import INQUIRIES_PER_HOUR
from registry.places.models import TownCentre
from registry.seekers import services
from registry.seekers.models import Alert, SpaceRequest

from .conftest import links_in, path_of

pytestmark = pytest.mark.django_db


def form(**changes):
    weimar = TownCentre.objects.get(slug="weimar-altstadt")
    return {"name": "Lea Gründerin", "organisation": "", "email": "lea@example.net", "phone": "",
            "category": "gastronomy", "subcategory": "", "concept": "Kleines Café mit Kuchen aus der Region",
            "centres": [weimar.pk], "municipalities": "", "area": "", "min_area": "80", "max_area": "120",
            "min_frontage": "", "floors": ["EG"], "max_rent": "9,50 €", "max_rent_total": "1.250",
            "wanted_from": "", "frequency": "immediate", "consent_contact": "on", "consent_matches": "on",
            **changes}


def submit(client, **changes):
    return client.post("/gesuche/neu/", form(**changes))


def test_the_form_is_german_and_has_csrf_and_a_honeypot(client):
    page = client.get("/gesuche/neu/").content.decode()
    assert "Fläche gesucht" in page and "csrfmiddlewaretoken" in page and 'name="website"' in page
    assert "Weimar Altstadt" in page


def test_double_opt_in_nothing_active_before_confirmation(client, work_off_queue):
    response = submit(client)
    assert response.status_code == 302 and response.url == "/gesuche/neu/gesendet/"
    space_request = SpaceRequest.objects.get(email="lea@example.net")
    assert space_request.state == "unconfirmed" and space_request.consent_at and space_request.consent_matches
    # German notation through the one parser
    assert space_request.max_rent == 9.5 and space_request.max_rent_total == 1250
    assert [m.to for m in mail.outbox] == [["lea@example.net"]]
    confirm_url = next(url for url in links_in(mail.outbox[0]) if "/bestaetigen/" in url)
    # unconfirmed: no staff page lists it, no listing is matched to it, no alert recorded
    from registry.listings.models import Listing

    for listing in Listing.objects.public().filter(unit__municipality__ags="16055000"):
        listing.save()
    work_off_queue()
    assert not Alert.objects.filter(request=space_request).exists()
    assert len(mail.outbox) == 1
    from registry.seekers.services import requests_visible_to
    from django.contrib.auth import get_user_model

    weimar = get_user_model().objects.get(username="stadt-weimar")
    assert not requests_visible_to(weimar).filter(pk=space_request.pk).exists()
    # a GET (e-mail scanners open links) only shows the button; the POST confirms
    assert client.get(path_of(confirm_url)).status_code == 200
    assert SpaceRequest.objects.get(pk=space_request.pk).state == "unconfirmed"
    response = client.post(path_of(confirm_url))
    assert response.status_code == 302 and response.url.startswith("/gesuche/")
    space_request.refresh_from_db()
    assert space_request.state == "active" and space_request.confirmed_at and space_request.expires_on
    assert requests_visible_to(weimar).filter(pk=space_request.pk).exists()
    manage_url = next(url for url in links_in(mail.outbox[-1]) if "/gesuche/" in url)
    assert "Mein Flächengesuch" in client.get(path_of(manage_url)).content.decode()


def test_bad_input_is_named_in_german_and_nothing_is_stored(client):
    response = submit(client, min_area="150", max_area="1.250,5 m²", max_rent="ca. 9", email="kein-mail",
                      municipalities="Weimar, Berlin", consent_matches="")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Kaltmiete höchstens (€/m²): „ca. 9“ ist keine Zahl." in page
    assert "E-Mail:" in page and "Gemeinden: „Berlin“ ist keine Thüringer Gemeinde" in page
    assert "Ich möchte passende Angebote per E-Mail erhalten" in page
    reversed_range = submit(client, min_area="1.250", max_area="80").content.decode()
    assert "Fläche bis (m²): „Fläche bis“ (80 m²) ist kleiner als „Fläche von“ (1.250 m²)" in reversed_range
    nowhere = submit(client, centres=[]).content.decode()
    assert "Innenstädte: Bitte wählen Sie mindestens eine Innenstadt oder Gemeinde" in nowhere
    berlin = '{"type": "Polygon", "coordinates": [[[13.3, 52.4], [13.5, 52.4], [13.5, 52.6], [13.3, 52.4]]]}'
    outside = submit(client, centres=[], area=berlin).content.decode()
    assert "Suchgebiet: Das Gebiet liegt (überwiegend) außerhalb Thüringens." in outside
    assert not SpaceRequest.objects.exclude(source="demo").exists() and not mail.outbox


def test_honeypot_stores_and_sends_nothing(client):
    assert submit(client, website="http://spam.example").status_code == 302
    assert not SpaceRequest.objects.exclude(source="demo").exists() and not mail.outbox


def test_rate_limited_like_inquiries(client):
    for _ in range(INQUIRIES_PER_HOUR):
        assert submit(client).status_code == 302
    refused = submit(client)
    assert refused.status_code == 400 and "Zu viele Anfragen" in refused.content.decode()
    assert SpaceRequest.objects.exclude(source="demo").count() == INQUIRIES_PER_HOUR


def test_the_form_needs_csrf():
    from django.test import Client

    assert Client(enforce_csrf_checks=True).post("/gesuche/neu/", {}).status_code == 403


def test_management_link_edit_pause_withdraw(client, make_request):
    space_request = make_request(max_rent=Decimal("12.50"), min_area=Decimal("97.3"))
    url = services.link(space_request, "manage")
    page = client.get(url).content.decode()
    assert "Lea Gründerin" not in page or "Mein Flächengesuch" in page
    # the edit form shows the stored numbers in German notation, not „12.50“ / „97.3“
    assert 'name="max_rent" value="12,50"' in page and 'name="min_area" value="97,3"' in page
    response = client.post(url, {**form(), "min_area": "60", "max_area": "1.100"})
    assert response.status_code == 302
    space_request.refresh_from_db()
    assert (space_request.min_area, space_request.max_area) == (60, 1100)
    client.post(url + "aktion/", {"action": "pause"})
    assert SpaceRequest.objects.get(pk=space_request.pk).state == "paused"
    client.post(url + "aktion/", {"action": "withdraw"})
    assert SpaceRequest.objects.get(pk=space_request.pk).state == "withdrawn"


def test_delete_removes_personal_data_and_voids_the_link(client, make_request):
    space_request = make_request(organisation="Café Lea UG", concept="geheimes Konzept")
    url = services.link(space_request, "manage")
    response = client.post(url + "aktion/", {"action": "delete"})
    assert response.status_code == 200 and "gelöscht" in response.content.decode()
    space_request.refresh_from_db()
    assert (space_request.name, space_request.email, space_request.phone, space_request.organisation,
            space_request.concept) == ("", "", "", "", "")
    assert space_request.personal_data_deleted_at and space_request.state == "withdrawn"
    gone = client.get(url)
    assert gone.status_code == 404 and "Dieses Gesuch gibt es nicht mehr" in gone.content.decode()


def test_forged_and_expired_links_get_a_german_message(client, make_request, settings):
    space_request = make_request()
    forged = client.get("/gesuche/" + services.make_token(space_request, "manage")[:-3] + "abc/")
    assert forged.status_code == 404 and "Dieser Link ist ungültig" in forged.content.decode()
    other_purpose = client.get(f"/gesuche/{services.make_token(space_request, 'unsubscribe')}/")
    assert other_purpose.status_code == 404
    old = signing.dumps([space_request.pk, space_request.link_nonce], salt="seekers.confirm", compress=True)
    from unittest.mock import patch  # the clock, not the code under test

    import time
    with patch("time.time", return_value=time.time() + 8 * 86400):
        expired = client.get(f"/gesuche/bestaetigen/{old}/")
    assert expired.status_code == 404 and "Dieser Link ist abgelaufen" in expired.content.decode()


def test_housekeeping_expiry_reminder_and_one_click_renewal(client, make_request):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    soon = make_request(expires_on=timezone.localdate() + datetime.timedelta(days=10))
    lapsed = make_request(expires_on=timezone.localdate() - datetime.timedelta(days=1), email="old@example.net")
    forgotten = make_request(state="unconfirmed")
    SpaceRequest.objects.filter(pk=forgotten.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    call_command("seekers_housekeeping", stdout=open("/dev/null", "w"))
    assert not SpaceRequest.objects.filter(pk=forgotten.pk).exists()
    assert SpaceRequest.objects.get(pk=lapsed.pk).state == "expired"
    reminder = next(m for m in mail.outbox if m.to == ["lea@example.net"])
    renew = next(url for url in links_in(reminder) if "/verlaengern/" in url)
    call_command("seekers_housekeeping", stdout=open("/dev/null", "w"))
    assert [m.to for m in mail.outbox].count(["lea@example.net"]) == 1  # reminded once
    response = client.get(path_of(renew))
    assert response.status_code == 302
    soon.refresh_from_db()
    assert soon.expires_on > timezone.localdate() + datetime.timedelta(days=170) and soon.reminded_at is None


def test_a_drawn_area_is_checked_and_stored_as_a_multipolygon(client):
    """The map widget posts GeoJSON; a bow-tie, a line or garbage is refused naming the field, nothing stored."""
    bow_tie = '{"type": "Polygon", "coordinates": [[[11.3, 51.0], [11.4, 50.95], [11.4, 51.0], [11.3, 50.95], [11.3, 51.0]]]}'
    line = '{"type": "LineString", "coordinates": [[11.3, 51.0], [11.4, 50.95]]}'
    for value, message in ((bow_tie, "Suchgebiet: Die Umrisslinie kreuzt sich selbst."),
                           (line, "Suchgebiet: Bitte zeichnen Sie eine Fläche (Vieleck oder Rechteck)"),
                           ("{kaputt", "Suchgebiet: Das gezeichnete Gebiet ist keine gültige Fläche.")):
        response = submit(client, centres=[], area=value)
        assert response.status_code == 400 and message in response.content.decode(), value
    assert not SpaceRequest.objects.exclude(source="demo").exists() and not mail.outbox
    square = ('{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": '
              '[[[11.30, 50.96], [11.36, 50.96], [11.36, 51.00], [11.30, 51.00], [11.30, 50.96]]]}}')
    assert submit(client, centres=[], area=square).status_code == 302
    stored = SpaceRequest.objects.get(email="lea@example.net")
    assert stored.area.geom_type == "MultiPolygon" and stored.area.srid == 4326 and not stored.centres.exists()
