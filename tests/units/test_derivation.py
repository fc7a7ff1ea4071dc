"""Municipality and centre follow the unit's location, whoever writes it."""

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from registry.places.models import Municipality, TownCentre
from registry.units import services
from registry.units.models import Unit

pytestmark = pytest.mark.django_db


def test_new_unit_gets_municipality_and_centre_from_its_point(users, erfurt_market):
    unit = services.create_unit(users["stadt-erfurt"], street="Anger", house_number="1", location=erfurt_market)
    assert unit.municipality.ags == "16051000"
    assert unit.centre.slug == "erfurt-altstadt"


def test_moving_the_point_re_derives_the_centre(users, erfurt_market):
    unit = services.create_unit(users["stadt-erfurt"], street="Anger", house_number="1", location=erfurt_market)
    outskirts = Point(10.99, 50.93, srid=4326)  # Erfurt, but far from the Altstadt
    moved = services.update_unit(users["stadt-erfurt"], unit.pk, unit.version, location=outskirts)
    assert moved.municipality.ags == "16051000"
    assert moved.centre is None


def test_a_point_outside_thuringia_is_refused_with_a_german_message(users, outside_thuringia):
    before = Unit.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.create_unit(users["admin"], street="Unter den Linden", location=outside_thuringia)
    assert refused.value.message_dict["location"] == ["Der Standort liegt in keiner Thüringer Gemeinde."]
    assert Unit.objects.count() == before


def test_the_database_refuses_a_point_outside_thuringia_even_without_the_services(outside_thuringia):
    unit = Unit.objects.first()
    with pytest.raises(IntegrityError, match="keiner Thüringer Gemeinde"):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE units_unit SET location = ST_GeomFromText(%s, 4326) WHERE id = %s",
                           [outside_thuringia.wkt, unit.pk])


def test_a_forged_municipality_is_overwritten_by_the_derived_one():
    unit = Unit.objects.filter(municipality__ags="16051000").first()
    jena = Municipality.objects.get(ags="16053000")
    Unit.objects.filter(pk=unit.pk).update(municipality=jena)
    unit.refresh_from_db()
    assert unit.municipality.ags == "16051000"


def test_redrawing_a_centre_moves_its_units_in_and_out():
    centre = TownCentre.objects.get(slug="weimar-altstadt")
    inside = centre.units.count()
    outside = Unit.objects.filter(municipality__ags="16055000", centre__isnull=True).count()
    centre.boundary = centre.boundary.centroid.buffer(0.0005)  # a few dozen metres
    centre.save()
    still_inside = centre.units.count()
    assert still_inside < inside
    assert Unit.objects.filter(municipality__ags="16055000", centre__isnull=True).count() == (
        outside + inside - still_inside)
