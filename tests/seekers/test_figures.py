"""The supply–demand figures agree with the requests and units tables; aggregates only."""

from decimal import Decimal

import pytest
from django.db.models import Q

from registry.seekers import figures
from registry.seekers.models import SpaceRequest
from registry.units.models import Unit

pytestmark = pytest.mark.django_db


def active_in(slug, ags, category=None):
    """The same count, from the requests table with the ORM (demo requests have no drawn areas)."""
    requests = SpaceRequest.objects.filter(state="active").filter(Q(centres__slug=slug) | Q(municipalities__ags=ags))
    return requests.filter(**({"category": category} if category else {})).distinct().count()


def test_supply_demand_agrees_with_the_tables(client, make_request):
    before = next(c for c in figures.supply_demand()[0] if c["slug"] == "weimar-altstadt")
    make_request(centres=("weimar-altstadt",), min_area=Decimal(80), max_area=Decimal(120), name="Lea Gründerin")
    make_request(centres=(), municipalities=["16055000"], category="retail", min_area=Decimal(20),
                 max_area=Decimal(40), email="zweite@example.net")
    make_request(centres=("weimar-altstadt",), state="paused")
    make_request(centres=("weimar-altstadt",), state="unconfirmed")
    centres, totals = figures.supply_demand()
    weimar = next(c for c in centres if c["slug"] == "weimar-altstadt")
    assert weimar["requests"] == active_in("weimar-altstadt", "16055000") == before["requests"] + 2
    assert weimar["bands"][2]["requests"] == before["bands"][2]["requests"] + 1  # 100 m²
    assert weimar["bands"][0]["requests"] == before["bands"][0]["requests"] + 1  # 30 m²
    vacant = Unit.objects.filter(centre__slug="weimar-altstadt", status="vacant", floor_area__isnull=False)
    assert weimar["vacant"] == vacant.count()
    assert weimar["bands"][1]["vacant"] == vacant.filter(floor_area__gte=50, floor_area__lt=100).count()
    assert sum(t["vacant"] for t in totals) == Unit.objects.filter(
        centre__isnull=False, status="vacant", floor_area__isnull=False).count()
    only_retail, _ = figures.supply_demand("retail")
    assert next(c for c in only_retail if c["slug"] == "weimar-altstadt")["requests"] == active_in(
        "weimar-altstadt", "16055000", "retail")
    page = client.get("/statistik/ansiedlung/")
    text = page.content.decode()
    assert page.status_code == 200 and 'id="supply-demand"' in text and "chart-demand" in text
    assert "Lea Gründerin" not in text and "lea@example.net" not in text and "zweite@example.net" not in text
    assert "/statistik/ansiedlung/" in client.get("/statistik/").content.decode()
    # the footer row sums every column, the „zusammen“ pair too (it was left empty)
    footer = text.split("<tfoot>")[1].split("</tfoot>")[0]
    assert f'class="num total-requests">{sum(t["requests"] for t in totals)}<' in footer
    assert f'class="num total-vacant">{sum(t["vacant"] for t in totals)}<' in footer.replace(".", "")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/statistik/ansiedlung/").content.decode()
    assert "all town centres" in english and "alle Innenstädte" not in english


def test_proposals_up_to_a_stichtag_and_bad_dates(client):
    import datetime

    today = datetime.date.today()
    long_ago = figures.proposals_per_centre(datetime.date(2020, 1, 1))
    assert sum(row["proposals"] for row in long_ago) == 0  # the demo's proposals are recent
    page = client.get("/statistik/ansiedlung/?date=2020-01-01").content.decode()
    assert "01.01.2020" in page
    future = client.get(f"/statistik/ansiedlung/?date={today.year + 1}-01-01").content.decode()
    assert "Der Stichtag darf nicht in der Zukunft liegen." in future
