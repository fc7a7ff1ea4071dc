"""The Thuringian demo register: 849 municipalities, 28 centres, ≈5,500 units with histories.

Deterministic (fixed seed) and idempotent: previous demo units, owners and
listings are replaced, the demo accounts reset; nothing else is touched.
"""

import datetime
import random

from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.utils import timezone

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


def load_units(rng, centres, today):
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
    Unit.objects.bulk_create(units, batch_size=2000)
    Occupancy.objects.bulk_create(
        [
            Occupancy(unit=unit, status=status, category=category, valid_from=start, valid_to=end)
            for unit, plan in zip(units, plans, strict=True)
            for status, category, start, end in plan
        ],
        batch_size=5000,
    )
    return units


def load_owners(rng, centres, units):
    owners, assignments = [], []
    by_town = {town.municipality: town for town, _, _ in centres}
    for unit in units:
        if rng.random() < 0.8:
            if owners and rng.random() < 0.25:  # some own several units
                assignments.append((unit, owners[-1]))
                continue
            town = by_town[unit.town]
            owners.append(people.fake_owner(rng, len(owners) + 1, town.municipality, town.postcode))
            assignments.append((unit, owners[-1]))
    Owner.objects.bulk_create(owners)
    for unit, owner in assignments:
        unit.owner = owner
    Unit.objects.bulk_update([unit for unit, _ in assignments], ["owner"], batch_size=2000)


def load_listings(rng, units, today):
    listings = []
    by_town = {}
    for unit in units:
        if unit.status == Status.VACANT and unit.owner_id and unit.floor == Floor.GROUND:
            by_town.setdefault(unit.town, []).append(unit)
    for town, candidates in sorted(by_town.items()):
        big = len(candidates) > 25
        for unit in rng.sample(candidates, min(len(candidates), LISTINGS_PER_TOWN + 2 * big)):
            owner = unit.owner
            owner.consent = Owner.Consent.CONSENTED
            owner.consent_date = today - datetime.timedelta(days=rng.randint(5, 300))
            owner.save(update_fields=["consent", "consent_date"])
            listings.append(Listing(
                unit=unit,
                slug=german_slug(f"{town}-{unit.street}-{unit.house_number}-{unit.pk}"),
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
    Listing.objects.bulk_create(listings)
    return listings


@transaction.atomic
def load_demo():
    rng = random.Random(SEED)
    today = timezone.localdate()
    import_municipalities(GEODATA / "thueringen_gemeinden_2016.geojson")
    remove_demo_data()
    centres = load_centres(rng)
    units = load_units(rng, centres, today)
    load_owners(rng, centres, units)
    listings = load_listings(rng, units, today)
    accounts = people.demo_accounts()
    # The demo owner account manages the owner of the first Weimar listing.
    weimar = next(listing for listing in listings if listing.unit.town == "Weimar")
    Owner.objects.filter(user=accounts["eigentuemer"]).update(user=None)
    weimar.unit.owner.user = accounts["eigentuemer"]
    weimar.unit.owner.save(update_fields=["user"])
    demand = requests.load_requests(accounts["admin"], today)
    return {"centres": len(centres), "units": len(units), "listings": len(listings), **demand}
