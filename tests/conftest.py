"""Test set-up: a real PostGIS test database holding the demo register.

The demo is loaded once per session (committed), every test then runs in a
transaction that is rolled back, so tests see the same Thuringian data.
"""

import os

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.management import call_command

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside the ORM


@pytest.fixture(scope="session", autouse=True)
def _fast_hasher():
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from registry.units.models import Unit

    with django_db_blocker.unblock():
        if not Unit.objects.filter(external_id__startswith="demo-").exists():
            call_command("load_demo", verbosity=0)


@pytest.fixture
def users(db):
    from django.contrib.auth import get_user_model

    return {user.username: user for user in get_user_model().objects.filter(
        username__in=["admin", "stadt-erfurt", "stadt-jena", "analyst", "eigentuemer"])}


@pytest.fixture
def erfurt_market():
    """A point on Erfurt's Anger, inside the Altstadt centre polygon."""
    from registry.places.models import TownCentre

    centre = TownCentre.objects.get(slug="erfurt-altstadt")
    return centre.boundary.point_on_surface


@pytest.fixture
def jena_point():
    from registry.places.models import TownCentre

    return TownCentre.objects.get(slug="jena-innenstadt").boundary.point_on_surface


@pytest.fixture
def outside_thuringia():
    return Point(13.4050, 52.5200, srid=4326)  # Berlin
