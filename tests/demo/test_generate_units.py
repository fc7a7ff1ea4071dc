import pytest
from django.core.management import call_command

from registry.units.models import Occupancy, Unit

pytestmark = pytest.mark.django_db


def test_generate_units_adds_exactly_n_deterministic_consistent_units():
    call_command("generate_units", count=500, seed=7, verbosity=0)
    generated = Unit.objects.filter(external_id__startswith="gen-7-")
    assert generated.count() == 500
    first = sorted(generated.values_list("external_id", "status"))
    assert Occupancy.objects.filter(unit__in=generated, valid_to__isnull=True).count() == 500
    assert not generated.filter(municipality__isnull=True).exists()
    generated.delete()
    call_command("generate_units", count=500, seed=7, verbosity=0)
    again = sorted(Unit.objects.filter(external_id__startswith="gen-7-").values_list("external_id", "status"))
    assert first == again
