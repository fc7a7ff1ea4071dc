"""Guessing passwords and flooding mailboxes is throttled — per account and per client address, and
behind a reverse proxy per real client (TRUSTED_PROXY_COUNT), not per proxy."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from registry.demo.people import DEMO_PASSWORD
from registry.listings.models import Inquiry, Listing
from registry.listings.services import INQUIRIES_PER_HOUR

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def login(path, username, password, address="203.0.113.10", **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(path, {"username": username, "password": password})
    return response, client


def logged_in(response, client):
    return response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_wrong_passwords_lock_the_account_even_from_other_addresses(users, path):
    answers = [login(path, "stadt-erfurt", f"falsch-{attempt}", address=f"198.51.100.{attempt + 1}")[0].status_code
               for attempt in range(LIMIT)]
    assert answers == [200] * (LIMIT - 1) + [429]  # the form with its error, then the lockout page
    response, client = login(path, "stadt-erfurt", DEMO_PASSWORD, address="198.51.100.200")
    assert response.status_code == 429 and not logged_in(response, client)
    page = response.content.decode()
    assert "vorübergehend gesperrt" in page and "15 Minuten" in page
    # another account from the same addresses is not affected
    assert logged_in(*login(path, "stadt-jena", DEMO_PASSWORD, address="198.51.100.1"))


def test_one_client_guessing_many_accounts_is_locked_out(users):
    for name in ["a1", "a2", "a3", "a4", "a5", "a6", "a7"][:LIMIT]:
        login("/accounts/login/", name, "falsch", address="192.0.2.7")
    response, client = login("/accounts/login/", "stadt-jena", DEMO_PASSWORD, address="192.0.2.7")
    assert response.status_code == 429 and not logged_in(response, client)
    assert logged_in(*login("/accounts/login/", "stadt-jena", DEMO_PASSWORD, address="192.0.2.8"))


def test_a_right_password_before_the_limit_starts_the_count_again(users):
    for _ in range(LIMIT - 1):
        login("/accounts/login/", "analyst", "falsch")
    assert logged_in(*login("/accounts/login/", "analyst", DEMO_PASSWORD))
    for _ in range(LIMIT - 1):
        login("/accounts/login/", "analyst", "falsch")
    assert logged_in(*login("/accounts/login/", "analyst", DEMO_PASSWORD))


def test_password_reset_mails_are_limited_per_address_and_per_client(users):
    email = users["stadt-erfurt"].email
    client = Client(REMOTE_ADDR="203.0.113.20")
    for _ in range(settings.PASSWORD_RESETS_PER_HOUR):
        assert client.post("/accounts/password_reset/", {"email": email}).status_code == 302
    refused = Client(REMOTE_ADDR="203.0.113.21").post("/accounts/password_reset/", {"email": email.upper()})
    assert refused.status_code == 429
    assert "Zu viele Anfragen zum Zurücksetzen" in refused.content.decode()
    assert len(mail.outbox) == settings.PASSWORD_RESETS_PER_HOUR
    # one client cycling through addresses is stopped too (unknown addresses count alike: no account oracle)
    flood = Client(REMOTE_ADDR="203.0.113.30")
    answers = [flood.post("/accounts/password_reset/", {"email": f"x{n}@example.org"}).status_code
               for n in range(settings.PASSWORD_RESETS_PER_HOUR * 3 + 1)]
    assert answers[-1] == 429 and set(answers[:-1]) == {302}


# --- behind a reverse proxy -------------------------------------------------------------------------

PROXY = "10.0.0.2"


def via_proxy(client_address, spoofed=None):
    forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
    return {"address": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def test_behind_a_proxy_the_login_limit_keys_on_the_real_client(users, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for name in ["b1", "b2", "b3", "b4", "b5", "b6", "b7"][:LIMIT]:
        # the attacker also sends a forged X-Forwarded-For of its own: only the proxy's entry counts
        login("/accounts/login/", name, "falsch", **via_proxy("192.0.2.50", spoofed=f"172.16.0.{len(name)}"))
    response, client = login("/accounts/login/", "stadt-jena", DEMO_PASSWORD, **via_proxy("192.0.2.50"))
    assert response.status_code == 429 and not logged_in(response, client)
    # everybody else behind the same proxy still logs in
    assert logged_in(*login("/accounts/login/", "stadt-jena", DEMO_PASSWORD, **via_proxy("192.0.2.51")))


def test_without_a_trusted_proxy_the_header_is_ignored(users, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for name in ["c1", "c2", "c3", "c4", "c5", "c6", "c7"][:LIMIT]:
        login("/accounts/login/", name, "falsch", **via_proxy(f"192.0.2.{len(name) + 60}"))
    response, client = login("/accounts/login/", "stadt-jena", DEMO_PASSWORD, **via_proxy("192.0.2.99"))
    assert response.status_code == 429  # one client (the proxy address), whatever the header claims


def test_behind_a_proxy_the_inquiry_limit_is_per_real_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    listing = Listing.objects.public().first()
    form = {"name": "Test", "email": "test@example.net", "phone": "", "intended_use": "Café", "message": "Hallo"}

    def send(client_address):
        return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address).post(listing.get_absolute_url(), form)

    for _ in range(INQUIRIES_PER_HOUR):
        assert send("192.0.2.70").status_code == 302
    assert send("192.0.2.70").status_code == 400
    assert send("192.0.2.71").status_code == 302  # not site-wide
    assert Inquiry.objects.count() == INQUIRIES_PER_HOUR + 1
