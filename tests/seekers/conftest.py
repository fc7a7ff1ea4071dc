import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from registry.places.models import TownCentre


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    """Django's own in-memory e-mail backend: real sending code, mails land in django.core.mail.outbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def links_in(message):
    return re.findall(r"https?://\S+", message.body)


def path_of(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def make_request(db):
    """A confirmed, active request built directly (for matching cases), in the given centres."""
    from registry.seekers.models import SpaceRequest

    def make(centres=("weimar-altstadt",), municipalities=(), state="active", **fields):
        values = {"name": "Lea Gründerin", "email": "lea@example.net", "phone": "+49 30 23125 999",
                  "category": "gastronomy", "min_area": Decimal(80), "max_area": Decimal(120), "floors": ["EG"],
                  "state": state, "consent_contact": True, "consent_matches": True, "frequency": "daily",
                  "confirmed_at": timezone.now() if state != "unconfirmed" else None,
                  "expires_on": timezone.localdate() + datetime.timedelta(days=180), **fields}
        space_request = SpaceRequest.objects.create(**values)
        space_request.centres.set(TownCentre.objects.filter(slug__in=centres))
        if municipalities:
            from registry.places.models import Municipality

            space_request.municipalities.set(Municipality.objects.filter(ags__in=municipalities))
        return space_request
    return make


@pytest.fixture
def quiet_town(db):
    """A Thuringian municipality without demo units: hand-built units there are the only candidates."""
    from registry.places.models import Municipality

    return Municipality.objects.filter(units__isnull=True, ags__startswith="1607").order_by("ags").first()


@pytest.fixture
def build_unit(users, quiet_town):
    """A vacant (or other status) unit in the quiet town, through the register's own service."""
    from django.contrib.gis.geos import Point

    from registry.units import services

    centre = quiet_town.boundary.point_on_surface
    serial = iter(range(1, 100))

    def build(status="vacant", since=datetime.date(2023, 1, 1), municipality=None, **fields):
        n = next(serial)
        where = (municipality or quiet_town).boundary.point_on_surface
        point = Point(where.x + n * 1e-5, where.y, srid=4326) if municipality else Point(
            centre.x + n * 1e-5, centre.y, srid=4326)
        values = {"street": "Teststraße", "house_number": str(n), "floor_area": Decimal(100), "floor": "EG",
                  "step_free": True, "frontage": Decimal(6), "asking_rent": Decimal(8), "category": "gastronomy",
                  **fields}
        return services.create_unit(users["admin"], status=status, since=since, location=point, **values)
    return build
