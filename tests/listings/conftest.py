import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings.MEDIA_ROOT


def jpeg_with_gps(size=(1200, 900)):
    image = Image.new("RGB", size, "orange")
    exif = image.getexif()
    exif[0x010F] = "TestKamera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({1: "N", 2: (50.0, 58.0, 39.0), 3: "E", 4: (11.0, 1.0, 52.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def gps_photo():
    return SimpleUploadedFile("urlaub.jpg", jpeg_with_gps(), content_type="image/jpeg")


@pytest.fixture
def owner_client(client, users):
    client.force_login(users["eigentuemer"])
    return client


@pytest.fixture
def own_listing(users):
    from registry.listings.models import Listing

    return Listing.objects.filter(unit__owner__user=users["eigentuemer"]).first()
