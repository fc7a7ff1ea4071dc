"""Bad input is refused with a German message naming the field, and nothing is written."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registry.units import services
from registry.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"floor_area": -5}, "floor_area", "Der Wert darf nicht negativ sein."),
        ({"floor_area": 50, "sales_area": 80}, "sales_area",
         "Die Verkaufsfläche darf nicht größer sein als die Nutzfläche."),
        ({"postcode": "9908"}, "postcode", "Die PLZ hat genau 5 Ziffern."),
        ({"category": "retail", "subcategory": "bank"}, "subcategory", "Die Branche passt nicht zur Nutzungsart."),
    ],
)
def test_invalid_attributes_are_refused(users, erfurt_market, fields, field, message):
    before = Unit.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.create_unit(users["stadt-erfurt"], street="Anger", location=erfurt_market, **fields)
    assert message in refused.value.message_dict[field]
    assert Unit.objects.count() == before


def test_an_unknown_status_is_refused(users, erfurt_market):
    with pytest.raises(ValidationError) as refused:
        services.create_unit(users["stadt-erfurt"], street="Anger", location=erfurt_market, status="closed")
    assert "Unbekannter Status" in refused.value.message_dict["status"][0]


def test_a_stale_edit_is_refused_and_overwrites_nothing(users, erfurt_market):
    unit = services.create_unit(users["stadt-erfurt"], street="Anger", location=erfurt_market, floor_area=80)
    services.update_unit(users["stadt-erfurt"], unit.pk, unit.version, floor_area=90)
    with pytest.raises(services.StaleEdit, match="inzwischen von jemand anderem geändert"):
        services.update_unit(users["stadt-erfurt"], unit.pk, unit.version, floor_area=70)
    unit.refresh_from_db()
    assert unit.floor_area == 90


def test_a_city_manager_cannot_create_or_edit_in_another_municipality(users, jena_point):
    with pytest.raises(PermissionDenied):
        services.create_unit(users["stadt-erfurt"], street="Markt", location=jena_point)
    jena_unit = Unit.objects.filter(municipality__ags="16053000").first()
    with pytest.raises(PermissionDenied):
        services.update_unit(users["stadt-erfurt"], jena_unit.pk, jena_unit.version, name="Gekapert")
    assert Unit.objects.get(pk=jena_unit.pk).name == jena_unit.name


def test_a_city_manager_cannot_move_a_unit_into_another_municipality(users, erfurt_market, jena_point):
    unit = services.create_unit(users["stadt-erfurt"], street="Anger", location=erfurt_market)
    with pytest.raises(PermissionDenied):
        services.update_unit(users["stadt-erfurt"], unit.pk, unit.version, location=jena_point)
    unit.refresh_from_db()
    assert unit.municipality.ags == "16051000"
