"""The history (who changed what, owners' former data) never reaches a public surface (issue 19)."""

import json

import pytest
from django.contrib import admin

from registry.listings.models import Listing

pytestmark = pytest.mark.django_db


def test_no_event_model_and_no_pghistory_page_in_the_admin(client, users):
    assert not [model for model in admin.site._registry if model._meta.model_name.endswith("event")]
    client.force_login(users["admin"])
    assert client.get("/admin/pghistory/").status_code == 404
    assert client.get("/admin/pghistory/events/").status_code == 404


def text(response):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8-sig")


def test_a_listings_former_text_stays_out_of_public_pages_exports_and_ogc(client):
    listing = Listing.objects.public().first()
    old_title = listing.title
    assert old_title in text(client.get(f"/angebote/{listing.slug}/"))
    Listing.objects.filter(pk=listing.pk).update(title="Neuer Titel", description="Neu")  # the old one is history
    pages = [text(client.get(url)) for url in (
        f"/angebote/{listing.slug}/", "/angebote/", "/api/units.geojson", "/api/units.csv",
        "/ogc/collections/units/items?limit=1000")]
    assert "Neuer Titel" in pages[0]
    for page in pages:
        assert old_title not in page and "pgh_" not in page
    feature = json.loads(pages[2])["features"][0]["properties"]
    assert not {key for key in feature if "pgh" in key or "history" in key}
