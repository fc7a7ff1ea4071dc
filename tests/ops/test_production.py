"""Production mode serves pages: DEBUG=false, collectstatic with hashed names, gunicorn started by the
Dockerfile's CMD; pages, hashed static files, photos and the health check answer as a visitor needs."""

import io
import re

import pytest
from PIL import Image

from .production import Server, committed, database_url, get, production_env

# django_db: the test database holding the demo must exist; the server reads it, committed
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def photos(tmp_path):
    """A photo on a published listing and one on a listing that is not public, as files in MEDIA_ROOT."""
    from registry.listings.models import Listing, ListingPhoto
    from registry.units.models import Unit

    def cleanup():
        ListingPhoto.objects.filter(image__in=["listings/2026/oeffentlich.jpg", "listings/2026/intern.jpg"]).delete()
        Listing.objects.filter(slug="nicht-veroeffentlicht-smoke").delete()

    def make():
        cleanup()  # what an interrupted earlier run may have left
        public = Listing.objects.public().order_by("pk").first()
        hidden = Listing.objects.create(unit=Unit.objects.filter(listing__isnull=True).order_by("pk").first(),
                                        slug="nicht-veroeffentlicht-smoke", title="Intern", published=False)
        for listing, name in [(public, "oeffentlich"), (hidden, "intern")]:
            ListingPhoto.objects.create(listing=listing, image=f"listings/2026/{name}.jpg",
                                        thumbnail=f"listings/2026/thumbs/{name}.jpg")
        return public

    for name in ("oeffentlich", "intern"):
        for path in (f"listings/2026/{name}.jpg", f"listings/2026/thumbs/{name}.jpg"):
            (tmp_path / "media" / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / "media" / path).write_bytes(_jpeg())
    yield committed(make)
    committed(cleanup)


def test_production_settings_serve_pages_static_files_and_photos(tmp_path, photos, static_root):
    env = production_env(tmp_path, database_url(), static_root)
    manifest = (static_root / "staticfiles.json").read_text()
    assert "vendor/chartjs/chart.umd.min.js" in manifest
    server = Server(env)
    try:
        for path in ["/", "/angebote/", "/statistik/", "/accounts/login/", "/admin/login/",
                     photos.get_absolute_url()]:
            status, _, body = get(server.url + path)
            assert status == 200, (path, status, server.output())
        assert get(server.url + "/gibt-es-nicht/")[0] == 404

        # the pages link hashed static files, served with a long cache lifetime
        pages = get(server.url + "/statistik/")[2].decode() + get(server.url + "/")[2].decode()
        hashed = set(re.findall(r'(/static/[^"\']+\.[0-9a-f]{12}\.(?:css|js))', pages))
        assert any("chart.umd.min" in path for path in hashed), hashed
        for path in hashed:
            status, headers, _ = get(server.url + path)
            assert status == 200, path
            assert "max-age=315360000" in headers["Cache-Control"], (path, headers["Cache-Control"])

        # photos: the listing page links them, the public one is served to anyone, the other is not
        detail = get(server.url + photos.get_absolute_url())[2].decode()
        assert "/media/listings/2026/thumbs/oeffentlich.jpg" in detail
        status, headers, body = get(server.url + "/media/listings/2026/oeffentlich.jpg")
        assert (status, headers["Content-Type"]) == (200, "image/jpeg") and body[:2] == b"\xff\xd8"
        assert get(server.url + "/media/listings/2026/intern.jpg")[0] == 404
        assert get(server.url + "/media/../settings.py")[0] == 404

        # the health check docker asks, on plain http with any Host header
        status, _, body = get(server.url + "/health/", headers={"Host": "container"})
        assert (status, body) == (200, b'{"status": "ok", "database": true}')
    finally:
        server.stop()
