"""An inquiry reaches the city manager of the listing's town; bots and floods do not."""

import pytest
from django.core import mail

from registry.listings.models import Inquiry, Listing
from registry.listings.services import INQUIRIES_PER_HOUR

pytestmark = pytest.mark.django_db

FORM = {"name": "Gründerin Test", "email": "gruenderin@example.net", "phone": "", "intended_use": "Café",
        "message": "Ist die Fläche für Gastronomie geeignet?"}


def erfurt_listing():
    return Listing.objects.public().filter(unit__municipality__ags="16051000").first()


def test_inquiry_is_stored_mailed_to_the_town_and_confirmed(client, users):
    listing = erfurt_listing()
    response = client.post(listing.get_absolute_url(), FORM)
    assert response.status_code == 302 and response.url.endswith("/danke/")
    inquiry = Inquiry.objects.get(listing=listing)
    assert inquiry.intended_use == "Café"
    assert [message.to for message in mail.outbox] == [[users["stadt-erfurt"].email]]
    assert "gruenderin@example.net" in mail.outbox[0].body
    assert "Vielen Dank" in client.get(response.url).content.decode()


def test_the_honeypot_stores_and_sends_nothing(client):
    response = client.post(erfurt_listing().get_absolute_url(), {**FORM, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not Inquiry.objects.exists() and not mail.outbox


def test_a_missing_field_is_named_and_nothing_is_stored(client):
    response = client.post(erfurt_listing().get_absolute_url(), {**FORM, "email": "kein-mail"})
    assert response.status_code == 400
    assert "E-Mail-Adresse" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_rate_limit_per_client(client):
    listing = erfurt_listing()
    for _ in range(INQUIRIES_PER_HOUR):
        assert client.post(listing.get_absolute_url(), FORM).status_code == 302
    refused = client.post(listing.get_absolute_url(), FORM)
    assert refused.status_code == 400 and "Zu viele Anfragen" in refused.content.decode()
    assert Inquiry.objects.count() == INQUIRIES_PER_HOUR


def test_inquiries_need_csrf(users):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(erfurt_listing().get_absolute_url(), FORM)
    assert response.status_code == 403


def test_sender_data_never_appears_on_public_pages(client):
    listing = erfurt_listing()
    client.post(listing.get_absolute_url(), FORM)
    for url in (listing.get_absolute_url(), "/angebote/", "/api/units.geojson", "/sitemap.xml"):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"gruenderin@example.net" not in body and "Gründerin Test".encode() not in body


def test_inquiries_go_to_the_towns_active_city_managers_only(client, users):
    """Who gets a seeker's personal data is the policy's (access.city_managers_q): not an administrator who is
    also in the city-manager group, not a deactivated manager."""
    from django.contrib.auth.models import Group

    from registry.accounts.models import Profile, Role

    listing = erfurt_listing()
    managers = Group.objects.get(name=Role.CITY_MANAGER)
    retired = users["stadt-erfurt"].__class__.objects.create_user("stadt-erfurt-alt", "alt@erfurt.example", "x",
                                                                   is_active=False)
    for account in (users["admin"], retired):
        account.groups.add(managers)
        Profile.objects.get_or_create(user=account)[0].municipalities.add(listing.unit.municipality)
    client.post(listing.get_absolute_url(), FORM)
    assert [message.to for message in mail.outbox] == [[users["stadt-erfurt"].email]]
