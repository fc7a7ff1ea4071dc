"""The admin: German, with map widgets, and city managers limited to their municipalities."""

import pytest

from registry.units.models import Unit

pytestmark = pytest.mark.django_db


def test_city_manager_lists_and_opens_only_own_units(client, users):
    client.force_login(users["stadt-erfurt"])
    listing = client.get("/admin/units/unit/?q=Anger")
    assert listing.status_code == 200
    assert "Gewerbeeinheiten" in listing.content.decode()
    jena = Unit.objects.filter(municipality__ags="16053000").first()
    erfurt = Unit.objects.filter(municipality__ags="16051000").first()
    assert client.get(f"/admin/units/unit/{erfurt.pk}/change/").status_code == 200
    assert client.get(f"/admin/units/unit/{jena.pk}/change/").status_code in (302, 403, 404)
    page = client.get(f"/admin/units/unit/?q={jena.street}").content.decode()
    assert f"/admin/units/unit/{jena.pk}/change/" not in page


def test_unit_change_form_has_a_leaflet_map_widget(client, users):
    client.force_login(users["admin"])
    unit = Unit.objects.first()
    page = client.get(f"/admin/units/unit/{unit.pk}/change/").content.decode()
    assert "leaflet" in page.lower() and "id_location" in page


def test_owner_records_are_limited_to_own_municipality(client, users):
    client.force_login(users["stadt-erfurt"])
    from registry.owners.models import Owner

    jena_owner = Owner.objects.filter(units__municipality__ags="16053000").exclude(
        units__municipality__ags="16051000").first()
    page = client.get(f"/admin/owners/owner/?q={jena_owner.email}").content.decode()
    assert f"/admin/owners/owner/{jena_owner.pk}/change/" not in page
    assert client.get(f"/admin/owners/owner/{jena_owner.pk}/change/").status_code in (302, 403, 404)
