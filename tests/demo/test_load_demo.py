"""The demo register is sized and shaped like Thuringia (domain.md) and loads idempotently."""

import math

import pytest
import shapely
from django.core.management import call_command
from django.db.models import Count, F, Q

from registry.demo.towns import towns
from registry.listings.models import Listing
from registry.owners.models import Owner
from registry.places.models import Municipality, TownCentre
from registry.units.models import Occupancy, Unit
from registry.units.vacancy import vacant_q

pytestmark = pytest.mark.django_db


def centre_figures():
    return {
        c.slug: (c.total, c.vacant / c.total)
        for c in TownCentre.objects.annotate(total=Count("units"), vacant=Count("units", filter=vacant_q("units__")))
    }


def test_all_municipalities_and_28_centres_each_inside_its_municipality():
    assert Municipality.objects.count() == 849
    assert TownCentre.objects.count() == 28
    for centre in TownCentre.objects.select_related("municipality"):
        assert centre.municipality.boundary.contains(centre.boundary), centre.name


def test_centres_are_not_identical_circles():
    shapes = [shapely.from_wkb(bytes(c.boundary.transform(25832, clone=True).wkb)) for c in TownCentre.objects.all()]
    assert len({round(shape.area, -3) for shape in shapes}) > 20
    # circumscribing circle area over polygon area: 1.0 for a circle
    elongations = [math.pi * shapely.minimum_bounding_radius(shape) ** 2 / shape.area for shape in shapes]
    assert sum(e > 1.3 for e in elongations) > 10


def test_units_per_centre_follow_the_town_classes():
    figures = centre_figures()
    assert 500 <= figures["erfurt-altstadt"][0] <= 600
    for slug in ("jena-innenstadt", "weimar-altstadt"):
        assert 200 <= figures[slug][0] <= 350
    for slug in ("gera-innenstadt", "gotha-innenstadt", "eisenach-innenstadt", "suhl-innenstadt"):
        assert 150 <= figures[slug][0] <= 300
    assert all(40 <= figures[slug][0] <= 120 for slug in ("schmoelln-innenstadt", "soemmerda-innenstadt"))
    assert 5000 <= sum(total for total, _ in figures.values()) <= 6500


def test_vacancy_rates_match_the_ihk_picture():
    figures = centre_figures()
    assert 0.10 <= figures["erfurt-altstadt"][1] <= 0.14
    assert figures["gera-innenstadt"][1] > 0.30
    assert figures["altenburg-innenstadt"][1] > 0.30
    small = [rate for slug, (total, rate) in figures.items() if total <= 120 and slug != "hildburghausen-innenstadt"]
    assert all(0.20 <= rate <= 0.40 for rate in small)


def test_histories_have_churn_and_a_long_tail():
    assert Occupancy.objects.filter(valid_from__year__gte=2019).exclude(valid_to=None).exists()
    vacant = Unit.objects.filter(vacant_q())
    assert vacant.filter(vacant_since__year__lte=2022).count() > 100  # structural: over three years
    assert vacant.filter(vacant_since__gte="2026-06-01").exists() or vacant.count() > 0


def test_owners_are_fake_and_listings_have_consent():
    assert not Owner.objects.exclude(Q(email__endswith="@example.org") | Q(email__endswith="@example.com")).exists()
    assert Listing.objects.public().count() >= 30
    assert not Listing.objects.filter(published=True).exclude(unit__owner__consent="consented").exists()


def test_load_demo_twice_gives_the_same_register():
    before = (Unit.objects.count(), Occupancy.objects.count(), Listing.objects.count(), Owner.objects.count(),
              sorted(Unit.objects.values_list("external_id", "status")))
    call_command("load_demo", verbosity=0)
    after = (Unit.objects.count(), Occupancy.objects.count(), Listing.objects.count(), Owner.objects.count(),
             sorted(Unit.objects.values_list("external_id", "status")))
    assert before == after


def test_town_list_matches_the_shipped_centres():
    assert {t.name for t in towns()} == set(TownCentre.objects.values_list("name", flat=True))


def test_demo_units_are_written_with_their_owners_so_their_timelines_show_no_owner_change(client, users):
    """Each demo unit is written with its owner (and each owner with its consent) in one go: no „Eigentümer
    geändert: – → …“ dated the load day with „Rückgängig“ on thousands of timelines."""
    from registry.owners.models import OwnerEvent
    from registry.units.models import UnitEvent

    call_command("load_demo", verbosity=0)
    demo = Unit.objects.filter(external_id__startswith="demo-")
    assert demo.filter(owner__isnull=False).count() > 0.7 * demo.count()
    inserted = UnitEvent.objects.filter(pgh_obj__in=demo, pgh_label="insert")
    assert inserted.count() == demo.count()
    assert not inserted.exclude(owner=F("pgh_obj__owner")).exclude(owner__isnull=True, pgh_obj__owner__isnull=True) \
        .exists()  # each unit recorded with the owner it has
    owners = Owner.objects.filter(units__in=demo)
    assert not OwnerEvent.objects.filter(pgh_obj__in=owners, pgh_label="update").exists()
    assert Owner.objects.filter(units__in=demo, consent="consented").exists()
    assert Owner.objects.get(user=users["eigentuemer"]).units.filter(listing__isnull=False).exists()
    unit = Listing.objects.filter(unit__municipality__ags="16051000").first().unit  # vacant, with owner and listing
    client.force_login(users["stadt-erfurt"])
    entries = client.get(f"/api/units/{unit.pk}/timeline/").json()["entries"]
    assert [e for e in entries if e["kind"] in ("owner", "consent", "edit")] == []
    assert [e["kind"] for e in entries if e["restorable"]] in ([], ["status"])  # only the newest status, as ever
