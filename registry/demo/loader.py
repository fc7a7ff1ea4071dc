"""The Thuringian demo register: 849 municipalities, 28 centres, ≈5,500 units with histories.

Deterministic (fixed seed) and idempotent: previous demo units, owners and
listings are replaced, the demo accounts reset; nothing else is touched.
"""

import datetime
import random

from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.utils import timezone

from registry import history
from registry.listings.models import Listing
from registry.owners.models import Owner
from registry.places.models import Municipality, TownCentre, german_slug
from registry.places.services import GEODATA, import_municipalities
from registry.units.categories import Category
from registry.units.models import Floor, Occupancy, Unit
from registry.units.vacancy import Status

from . import histories, people, requests, shapes
from .towns import towns

SEED = 20260101
DEMO_PREFIX = "demo-"
DEMO_EMAIL_DOMAINS = ("@example.org", "@example.com")
LISTINGS_PER_TOWN = 2  # ≥ 30 over 28 towns, more in the big ones
NAME_PREFIX = {
    Category.RETAIL: ["Laden", "Boutique", "Fachgeschäft"], Category.GASTRONOMY: ["Café", "Restaurant", "Imbiss"],
    Category.SERVICES: ["Studio", "Agentur", "Service"], Category.HEALTH: ["Praxis", "Apotheke"],
    Category.CRAFT: ["Werkstatt", "Atelier"], Category.CULTURE: ["Galerie", "Buchladen"],
    Category.OFFICE: ["Büro", "Kanzlei"], Category.OTHER: ["Geschäft"],
}


def _geos(shape):
    return GEOSGeometry(memoryview(shapes.to_wgs84(shape).wkb), srid=4326)


def remove_demo_data():
    requests.remove_demo_requests()
    Listing.objects.filter(unit__external_id__startswith=DEMO_PREFIX).delete()
    Unit.objects.filter(external_id__startswith=DEMO_PREFIX).delete()
    demo_owner = None
    for domain in DEMO_EMAIL_DOMAINS:
        match = Owner.objects.filter(email__endswith=domain, units__isnull=True)
        demo_owner = match if demo_owner is None else demo_owner | match
    demo_owner.delete()


def load_centres(rng):
    centres = []
    for index, town in enumerate(towns()):
        municipality = Municipality.objects.get(ags=town.ags)
        # fictional office contacts (example.org, a number range kept free for film and fiction)
        municipality.contact_name = f"Citymanagement {town.municipality}"
        municipality.contact_email = f"citymanagement.{german_slug(town.municipality)}@example.org"
        municipality.contact_phone = f"+49 69 90009 {100 + index}"  # another fiction range than owners
        municipality.save(update_fields=["contact_name", "contact_email", "contact_phone"])
        polygon = shapes.centre_polygon(
            rng, town.lon, town.lat, town.radius,
            shapes.to_metric(shapes.shapely_from_geos(municipality.boundary)),
        )
        centre, _ = TownCentre.objects.update_or_create(
            slug=german_slug(town.name),
            defaults={"name": town.name, "municipality": municipality, "boundary": _geos(polygon)},
        )
        centres.append((town, centre, polygon))
    return centres


def _unit(rng, town, street, number, point, category, subcategory, vacant_now, today):
    floor_area = round(rng.lognormvariate(4.4, 0.6), 1)  # median ≈ 80 m²
    sales_area = round(floor_area * rng.uniform(0.55, 0.9), 1) if category == Category.RETAIL else None
    return Unit(
        external_id=f"{DEMO_PREFIX}{german_slug(town.name)}-{number:04d}",
        name="" if vacant_now else f"{rng.choice(NAME_PREFIX[category])} {rng.choice(people.LAST_NAMES)}",
        street=street[0], house_number=str(street[1]), postcode=town.postcode, town=town.municipality,
        location=_geos(point),
        floor=rng.choices([Floor.GROUND, Floor.UPPER, Floor.BASEMENT], [90, 7, 3])[0],
        floor_area=floor_area, sales_area=sales_area,
        frontage=round(rng.uniform(3, 16), 1),
        step_free=rng.random() < 0.6, listed_building=rng.random() < 0.25,
        category=category, subcategory=subcategory,
        asking_rent=round(rng.uniform(5, 18), 2) if vacant_now else None,
        last_checked=today - datetime.timedelta(days=rng.randint(0, 540)),
    )


def plan_units(rng, centres, today):
    """The units (not yet saved), each with its current status, and their occupancy histories."""
    units, plans = [], []
    for town, _centre, polygon in centres:
        axes = shapes.street_axes(rng, polygon, min(len(town.streets), max(4, town.unit_count // 22)))
        per_axis = [town.unit_count // len(axes)] * len(axes)
        per_axis[0] += town.unit_count - sum(per_axis)
        serial = 0
        # Exactly the target share, so every centre lands on its published rate.
        vacant_flags = [i < round(town.target_rate * town.unit_count) for i in range(town.unit_count)]
        rng.shuffle(vacant_flags)
        # at most as many axes as streets (street_axes above): spare street names stay unused
        for axis, street, count in zip(axes, town.streets, per_axis, strict=False):
            numbers = {1: 1, -1: 2}
            for point, side in shapes.frontage_points(rng, axis, count):
                serial += 1
                vacant_now = vacant_flags[serial - 1]
                category, subcategory = histories.pick_use(rng)
                units.append(_unit(rng, town, (street, numbers[side]), serial, point, category,
                                   subcategory, vacant_now, today))
                numbers[side] += 2 if rng.random() < 0.8 else 4
                plans.append(histories.history(rng, today, vacant_now, category))
    for unit, plan in zip(units, plans, strict=True):
        unit.status = plan[-1][0]
    return units, plans


def plan_owners(rng, centres, units):
    """Owners (not yet saved) for 80 % of the units, set on each unit: a unit is written with its owner, in one
    INSERT, so its history starts with the owner it has (two writes would leave an „Eigentümer geändert: – → …“
    on every demo unit's timeline, dated the day the demo was loaded, with „Rückgängig“)."""
    owners = []
    by_town = {town.municipality: town for town, _, _ in centres}
    for unit in units:
        if rng.random() < 0.8:
            if owners and rng.random() < 0.25:  # some own several units
                unit.owner = owners[-1]
                continue
            town = by_town[unit.town]
            owners.append(people.fake_owner(rng, len(owners) + 1, town.municipality, town.postcode))
            unit.owner = owners[-1]
    return owners


def plan_listings(rng, units, today):
    """Listings (not yet saved) for vacant ground-floor units with an owner, whose owner consents: the consent is
    part of the owner's record as written, not a later change."""
    listings = []
    by_town = {}
    for unit in units:
        if unit.status == Status.VACANT and unit.owner is not None and unit.floor == Floor.GROUND:
            by_town.setdefault(unit.town, []).append(unit)
    for _town, candidates in sorted(by_town.items()):
        big = len(candidates) > 25
        for unit in rng.sample(candidates, min(len(candidates), LISTINGS_PER_TOWN + 2 * big)):
            owner = unit.owner
            owner.consent = Owner.Consent.CONSENTED
            owner.consent_date = today - datetime.timedelta(days=rng.randint(5, 300))
            listings.append(Listing(
                unit=unit,
                title=f"Ladenlokal, {round(unit.floor_area)} m², {unit.street} {unit.house_number}",
                description=(
                    f"Ebenerdiges Ladenlokal in der {unit.street} mit {round(unit.frontage)} m "
                    "Schaufensterfront. Geeignet für Einzelhandel, Dienstleistung oder Gastronomie."
                ),
                rent=unit.asking_rent,
                available_from=today + datetime.timedelta(days=rng.choice([0, 30, 60, 90])),
                published=True,
                published_at=timezone.now() - datetime.timedelta(days=rng.randint(1, 200)),
            ))
    return listings


def save(units, plans, owners, listings):
    """Everything in one INSERT per table, each record complete: owners, then units with their owners, their
    occupancy histories, the listings."""
    Owner.objects.bulk_create(owners)
    Unit.objects.bulk_create(units, batch_size=2000)  # owner_id from the saved owners
    Occupancy.objects.bulk_create(
        [
            Occupancy(unit=unit, status=status, category=category, valid_from=start, valid_to=end)
            for unit, plan in zip(units, plans, strict=True)
            for status, category, start, end in plan
        ],
        batch_size=5000,
    )
    for listing in listings:  # the slug names the unit's number, known once it is saved
        unit = listing.unit
        listing.slug = german_slug(f"{unit.town}-{unit.street}-{unit.house_number}-{unit.pk}")
    Listing.objects.bulk_create(listings)


@transaction.atomic
def load_demo():
    rng = random.Random(SEED)
    today = timezone.localdate()
    import_municipalities(GEODATA / "thueringen_gemeinden_2016.geojson")
    with history.context(channel="demo"):  # the timeline says „über Demodaten“
        remove_demo_data()
        centres = load_centres(rng)
        units, plans = plan_units(rng, centres, today)
        owners = plan_owners(rng, centres, units)
        listings = plan_listings(rng, units, today)
        accounts = people.demo_accounts()
        # The demo owner account manages the owner of the first Weimar listing.
        Owner.objects.filter(user=accounts["eigentuemer"]).update(user=None)
        next(listing for listing in listings if listing.unit.town == "Weimar").unit.owner.user = accounts["eigentuemer"]
        save(units, plans, owners, listings)
        demand = requests.load_requests(accounts["admin"], today)
    return {"centres": len(centres), "units": len(units), "listings": len(listings), **demand}
