"""The requests API for city managers, and seekers' data on no public page, export, API or error page."""

import base64
import csv
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from registry.accounts.tokens import create_token
from registry.listings.models import Listing
from registry.seekers import services

pytestmark = pytest.mark.django_db

SECRETS = ["Lea Gründerin", "lea@example.net", "23125 999", "Geheimes Café-Konzept"]


def leaks(text):
    return [secret for secret in SECRETS if secret in text]


@pytest.fixture
def weimar_request(make_request):
    return make_request(centres=("weimar-altstadt",), concept="Geheimes Café-Konzept", max_rent=Decimal("9.5"))


def test_anonymous_401_other_roles_403_bad_token_401(weimar_request, users):
    for path in ("/api/requests.csv", "/api/requests.geojson"):
        anonymous = Client().get(path)
        assert anonymous.status_code == 401 and "WWW-Authenticate" in anonymous
        assert not leaks(anonymous.content.decode())
        bad = Client().get(path, HTTP_AUTHORIZATION="Bearer nonsense")
        assert bad.status_code == 401
        for name in ("analyst", "eigentuemer"):
            client = Client()
            client.force_login(users[name])
            assert client.get(path).status_code == 403


def test_city_manager_gets_their_requests_contacts_only_on_request(weimar_request, make_request, users):
    erfurt = make_request(centres=("erfurt-altstadt",), name="Erika Erfurterin")
    client = Client()
    client.force_login(users["stadt-erfurt"])
    geojson = client.get("/api/requests.geojson").json()
    ids = {f["id"] for f in geojson["features"]}
    assert erfurt.pk in ids and weimar_request.pk not in ids
    feature = next(f for f in geojson["features"] if f["id"] == erfurt.pk)
    assert feature["geometry"]["type"] == "MultiPolygon" and feature["properties"]["centres"] == "erfurt-altstadt"
    assert "name" not in feature["properties"] and "Erika" not in str(geojson)
    with_contacts = client.get("/api/requests.geojson?include=contacts").json()
    assert next(f for f in with_contacts["features"] if f["id"] == erfurt.pk)["properties"]["name"] == "Erika Erfurterin"
    assert client.get("/api/requests.csv?include=everything").status_code == 400
    rows = list(csv.DictReader(io.StringIO(client.get("/api/requests.csv").content.decode("utf-8-sig")), delimiter=";"))
    row = next(r for r in rows if r["id"] == str(erfurt.pk))
    assert row["min_area"] == "80" and row["state"] == "active" and "name" not in row


def test_token_access_for_the_weimar_manager(weimar_request, users):
    from django.contrib.auth import get_user_model

    weimar = get_user_model().objects.get(username="stadt-weimar")
    token = create_token(weimar)
    basic = base64.b64encode(f"stadt-weimar:{token}".encode()).decode()
    response = Client().get("/api/requests.csv?include=contacts", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 200 and "lea@example.net" in response.content.decode("utf-8-sig")


def test_seekers_data_never_on_public_pages_exports_or_errors(client, weimar_request, users, work_off_queue):
    pages = ["/", "/angebote/", "/statistik/", "/statistik/ansiedlung/", "/gesuche/neu/", "/sitemap.xml",
             "/api/units.geojson", "/api/units.csv", "/api/stats/centres.json", "/ogc/collections/units/items",
             "/gesuche/verwaltung/", f"/gesuche/verwaltung/{weimar_request.pk}/", "/gesuche/kaputt/",
             "/api/requests.csv", "/api/requests.geojson"]
    pages += [listing.get_absolute_url() for listing in Listing.objects.public()[:3]]
    for path in pages:
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert not leaks(body.decode("utf-8", "replace")), path
    # a failing submission shows the sender's own input back, never anyone else's
    other = client.post("/gesuche/neu/", {"name": "Max", "email": "max@example.net"}).content.decode()
    assert not leaks(other)
    # a listing mail to another seeker does not carry Lea's data
    mail.outbox.clear()
    services.delete_personal_data(weimar_request)
    weimar_request.refresh_from_db()
    assert not leaks(str(weimar_request.__dict__))
