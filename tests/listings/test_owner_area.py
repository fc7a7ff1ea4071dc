"""Owners: invited by e-mail, see and edit only their own listings, decide consent, upload photos safely."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from registry.listings.models import Listing, ListingPhoto
from registry.owners.models import Owner

pytestmark = pytest.mark.django_db


def test_photo_upload_strips_exif_and_gps(owner_client, own_listing, gps_photo):
    response = owner_client.post(f"/eigentuemer/angebote/{own_listing.pk}/", {
        "title": own_listing.title, "description": "Mit Foto", "rent": "9,50", "available_from": "",
        "photo": gps_photo})
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = ListingPhoto.objects.get(listing=own_listing)
    for stored in (photo.image, photo.thumbnail):
        with Image.open(stored.path) as image:
            exif = image.getexif()
            assert not exif and not exif.get_ifd(ExifTags.IFD.GPSInfo)
            assert image.format == "JPEG"
    with Image.open(photo.thumbnail.path) as thumbnail:
        assert max(thumbnail.size) <= 400


@pytest.mark.parametrize(("name", "content", "message"), [
    ("rechnung.pdf", b"%PDF-1.4 not an image", "kein lesbares Bild"),
    ("bild.jpg", b"GIF89a" + b"\x00" * 100, "kein lesbares Bild"),
])
def test_bad_uploads_are_refused_with_a_message_and_nothing_is_stored(owner_client, own_listing, name, content,
                                                                      message):
    upload = SimpleUploadedFile(name, content)
    response = owner_client.post(f"/eigentuemer/angebote/{own_listing.pk}/", {
        "title": own_listing.title, "description": "x", "photo": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ListingPhoto.objects.exists()


def test_a_gif_is_refused_by_its_content_not_its_name(owner_client, own_listing):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    response = owner_client.post(f"/eigentuemer/angebote/{own_listing.pk}/", {
        "title": own_listing.title, "photo": SimpleUploadedFile("foto.jpg", out.getvalue())})
    assert response.status_code == 400 and "GIF" in response.content.decode()


def test_owner_cannot_see_or_edit_someone_elses_listing(owner_client, users):
    foreign = Listing.objects.exclude(unit__owner__user=users["eigentuemer"]).first()
    assert owner_client.get(f"/eigentuemer/angebote/{foreign.pk}/").status_code == 404
    owner_client.post(f"/eigentuemer/angebote/{foreign.pk}/", {"title": "Gekapert"})
    assert Listing.objects.get(pk=foreign.pk).title == foreign.title


def test_owner_cannot_change_status_or_location(owner_client, own_listing):
    unit = own_listing.unit
    owner_client.post(f"/eigentuemer/angebote/{own_listing.pk}/", {
        "title": "Neu", "status": "occupied", "location": "POINT(13 52)", "street": "Anderswo"})
    unit.refresh_from_db()
    assert (unit.status, unit.street) == (own_listing.unit.status, own_listing.unit.street)
    body = f'{{"version": {unit.version}, "status": "occupied"}}'
    assert owner_client.post(f"/api/units/{unit.pk}/status/", body, content_type="application/json").status_code == 403


def test_withdrawing_consent_unpublishes_at_once_and_records_who(owner_client, own_listing, users):
    assert Listing.objects.public().filter(pk=own_listing.pk).exists()
    owner_client.post("/eigentuemer/einwilligung/", {"consent": "0"})
    owner = Owner.objects.get(user=users["eigentuemer"])
    assert owner.consent == "refused" and owner.consent_recorded_by == users["eigentuemer"]
    assert not Listing.objects.filter(unit__owner=owner, published=True).exists()
    assert owner_client.get(own_listing.get_absolute_url()).status_code == 404
    owner_client.post(f"/eigentuemer/angebote/{own_listing.pk}/veroeffentlichen/", {"published": "1"})
    assert not Listing.objects.get(pk=own_listing.pk).published  # no consent, no publishing
    owner_client.post("/eigentuemer/einwilligung/", {"consent": "1"})
    owner_client.post(f"/eigentuemer/angebote/{own_listing.pk}/veroeffentlichen/", {"published": "1"})
    assert Listing.objects.public().filter(pk=own_listing.pk).exists()


def test_city_manager_invites_an_owner_who_sets_a_password_once(client, users):
    owner = Owner.objects.filter(units__municipality__ags="16051000", user__isnull=True).first()
    client.force_login(users["stadt-erfurt"])
    client.post("/admin/owners/owner/", {"action": "invite", "_selected_action": [owner.pk]})
    assert mail.outbox and mail.outbox[-1].to == [owner.email]
    link = re.search(r"http://testserver(/eigentuemer/einladung/\S+)", mail.outbox[-1].body).group(1)
    client.logout()
    form_page = client.get(link, follow=True)
    set_password_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(set_password_url, {"new_password1": "Leerstand-2026!", "new_password2": "Leerstand-2026!"})
    assert response.status_code == 302
    assert client.login(username=owner.email, password="Leerstand-2026!")
    assert "ungültig" in client.get(link, follow=True).content.decode()  # the link is spent
