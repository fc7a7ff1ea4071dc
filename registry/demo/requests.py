"""≈150 demo space requests over the 28 centres, and some proposals of city managers.

Sizes and rents follow domain.md („Ansiedlung“): café 40–150 m², restaurant 100–300, fashion/retail 60–400,
services 40–120, craft 60–200, pop-up/culture 30–150 (low rent), health 80–250 (upper floor acceptable,
step-free required); rents by town class, from single digits in small towns to prime rents in Erfurt.
Deterministic (own seed, so the units' demo stays as it is); people are fictional (example.net, 030 23125).
"""

import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from registry.places.models import TownCentre, german_slug
from registry.seekers import matching, services
from registry.seekers.models import Frequency, Proposal, SpaceRequest
from registry.units.categories import Category, Subcategory

from .people import FIRST_NAMES, LAST_NAMES, UMLAUTS
from .towns import towns

SEED = 20260120
PER_CLASS = {"oberzentrum": 20, "gross": 12, "mittel": 7, "klein": 3, "sehr_klein": 3}
# class → (lowest, highest) ceiling in €/m²
RENT = {"oberzentrum": (12, 35), "gross": (9, 24), "mittel": (6, 14), "klein": (4, 10), "sehr_klein": (4, 9)}
# (weight, category, subcategory, area from–to, floors, step-free, rent factor, concepts)
KINDS = [
    (22, Category.GASTRONOMY, "", (40, 150), ["EG"], False, 1.0,
     ["Café mit eigener Rösterei", "Bäckerei-Café mit Frühstück", "Eiscafé", "Kleines Café mit Kuchen aus der Region"]),
    (10, Category.GASTRONOMY, "", (100, 300), ["EG"], False, 0.9,
     ["Restaurant mit regionaler Küche", "Vietnamesisches Restaurant", "Weinbar mit kleiner Küche"]),
    (20, Category.RETAIL, Subcategory.FASHION, (60, 400), ["EG"], False, 1.1,
     ["Modegeschäft (Damen)", "Second-Hand-Mode", "Schuhfachgeschäft"]),
    (10, Category.RETAIL, Subcategory.RETAIL_OTHER, (60, 250), ["EG"], False, 1.0,
     ["Unverpackt-Laden", "Fahrradladen mit Werkstatt", "Spielwaren"]),
    (14, Category.SERVICES, Subcategory.SERVICES_OTHER, (40, 120), ["EG"], False, 0.9,
     ["Friseursalon", "Reisebüro", "Versicherungsagentur", "Nagelstudio"]),
    (8, Category.CRAFT, "", (60, 200), ["EG"], False, 0.7,
     ["Goldschmiede mit Verkauf", "Schneiderei", "Keramikwerkstatt mit Laden"]),
    (9, Category.CULTURE, "", (30, 150), ["EG", "OG"], False, 0.4,
     ["Pop-up-Galerie (Zwischennutzung)", "Kreativ-Kollektiv sucht Ladenlokal", "Buchladen mit Lesungen"]),
    (7, Category.HEALTH, "", (80, 250), ["EG", "OG"], True, 0.8,
     ["Physiotherapiepraxis", "Hausarztpraxis", "Hörakustik"]),
]
STATES = [(80, SpaceRequest.State.ACTIVE), (7, SpaceRequest.State.PAUSED), (4, SpaceRequest.State.WITHDRAWN),
          (4, SpaceRequest.State.EXPIRED), (3, SpaceRequest.State.UNCONFIRMED)]
OUTCOMES = [(30, []), (25, ["interested"]), (20, ["interested", "viewing"]), (12, ["interested", "declined"]),
            (13, ["interested", "viewing", "let"])]
DECLINE_REASONS = ["Miete zu hoch", "Fläche zu klein geschnitten", "Lage passt nicht", "keine Küchenabluft möglich"]


def remove_demo_requests():
    SpaceRequest.objects.filter(source=SpaceRequest.Source.DEMO).delete()


def _pick(rng, weighted):
    return rng.choices([item[1:] if len(item) > 2 else item[1] for item in weighted],
                       [item[0] for item in weighted])[0]


def _request(rng, index, town, centre, today):
    category, subcategory, (low, high), floors, step_free, rent_factor, concepts = _pick(rng, KINDS)
    min_area = round(rng.uniform(low, low + (high - low) * 0.5) / 5) * 5
    max_area = min(high, round(min_area * rng.uniform(1.3, 2.0) / 5) * 5)
    cheap, dear = RENT[town.size_class]
    max_rent = Decimal(str(round(rng.uniform(cheap, dear) * rent_factor + 1, 1)))
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    state = _pick(rng, STATES)
    # ages that fit the state: unconfirmed ones are deleted after 7 days, expired ones ran their 180 days
    days = {SpaceRequest.State.UNCONFIRMED: (0, 5), SpaceRequest.State.EXPIRED: (185, 300)}.get(state, (1, 170))
    created = timezone.now() - datetime.timedelta(days=rng.randint(*days), hours=rng.randint(0, 23))
    confirmed = None if state == SpaceRequest.State.UNCONFIRMED else created + datetime.timedelta(hours=2)
    return SpaceRequest(
        name=f"{first} {last}", organisation=rng.choice(["", "", f"{last} & Partner", f"{first}s {concepts[0].split()[0]}"]),
        email=f"{first}.{last}.{index}".translate(UMLAUTS).lower() + "@example.net",
        phone=f"+49 30 23125 {500 + index % 500:03d}",
        category=category, subcategory=subcategory, concept=rng.choice(concepts),
        min_area=Decimal(min_area), max_area=Decimal(max_area),
        min_frontage=Decimal(rng.choice([3, 4, 5, 6])) if category in (Category.RETAIL, Category.GASTRONOMY)
        and rng.random() < 0.5 else None,
        floors=floors, step_free=step_free or rng.random() < 0.1,
        max_rent=max_rent if rng.random() < 0.8 else None,
        max_rent_total=Decimal(round(float(max_rent) * max_area / 50) * 50) if rng.random() < 0.2 else None,
        wanted_from=today + datetime.timedelta(days=rng.choice([0, 30, 60, 90, 180])) if rng.random() < 0.6 else None,
        state=state, source=SpaceRequest.Source.DEMO,
        frequency=_pick(rng, [(70, Frequency.DAILY), (15, Frequency.IMMEDIATE), (15, Frequency.WEEKLY)]),
        consent_contact=True, consent_matches=True, consent_at=created, confirmed_at=confirmed,
        expires_on=(created + datetime.timedelta(days=180)).date() if confirmed else None,
        closed_at=timezone.now() if state in (SpaceRequest.State.WITHDRAWN, SpaceRequest.State.EXPIRED) else None,
        created_at=created, updated_at=created, client_key=f"demo-{index}",
    ), centre


def load_requests(admin, today=None):
    """The demo requests (active ones matched against the demo units) and proposals with outcomes."""
    rng = random.Random(SEED)
    today = today or timezone.localdate()
    remove_demo_requests()
    centres = {c.slug: c for c in TownCentre.objects.all()}
    built = []
    for town in towns():
        centre = centres[german_slug(town.name)]
        for _ in range(PER_CLASS[town.size_class]):
            built.append(_request(rng, len(built) + 1, town, centre, today))
    SpaceRequest.objects.bulk_create([request for request, _ in built])
    Through = SpaceRequest.centres.through
    links = [Through(spacerequest_id=request.pk, towncentre_id=centre.pk) for request, centre in built]
    # some look in a second town nearby (the next centre in the list)
    slugs = sorted(centres)
    links += [Through(spacerequest_id=request.pk, towncentre_id=centres[slugs[(slugs.index(centre.slug) + 1) % len(slugs)]].pk)
              for request, centre in built if rng.random() < 0.12]
    Through.objects.bulk_create(links)
    proposals = _proposals(rng, admin, [r for r, _ in built if r.state == SpaceRequest.State.ACTIVE], today)
    return {"requests": len(built), "proposals": proposals}


def _proposals(rng, admin, active, today):
    """About one in four active requests got a proposal of its best-ranked unit; some led to a viewing or a let."""
    made = 0
    for space_request in active:
        if rng.random() > 0.25:
            continue
        matches = matching.units_for_request(space_request, admin, limit=3)
        if not matches:
            continue
        unit_id = matches[0].unit_id
        steps = _pick(rng, OUTCOMES)
        if matches[0].listing_id:  # the demo keeps its published listings on offer
            steps = [step for step in steps if step != "let"]
        try:
            with transaction.atomic():
                unit = matching_unit(unit_id)
                proposal = services.propose(admin, space_request, unit)
                start = max(space_request.created_at.date(), today - datetime.timedelta(days=60))
                Proposal.objects.filter(pk=proposal.pk).update(proposed_on=start)
                proposal.steps.update(on=start)
                proposal.refresh_from_db()
                day = start
                for outcome in steps:
                    day = min(today, day + datetime.timedelta(days=rng.randint(2, 14)))
                    services.record_outcome(admin, proposal, outcome, day,
                                            reason=rng.choice(DECLINE_REASONS) if outcome == "declined" else "")
                    proposal.refresh_from_db()
                made += 1
        except ValidationError:
            continue  # e.g. the unit's vacancy began after the proposal's day: leave this one out
    return made


def matching_unit(unit_id):
    from registry.units.models import Unit

    return Unit.objects.get(pk=unit_id)
