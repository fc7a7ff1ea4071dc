"""Every surface shows each role exactly the units the access policy lets that role see.

One table, SURFACES × ROLES. For each pair the test reads the surface as its client does (map data and list
as the browser asks for them, exports and the OGC API with an API token, statistics and the admin with a
session) and compares what came back with the policy:

- units: the ids on the surface are exactly `visible_units(user)` under the same filter, no more, no fewer;
  paged surfaces are followed to their last page;
- private data (owner name, organisation, phone, e-mail, address, internal note, who edited): on no public
  surface for any role; in the contacts export (`include=contacts`, city managers and admins only) and in the
  admin only for units of the user's own municipalities;
- the admin is for city managers and admins (owners and analysts work outside it): there, exactly the units,
  listings and owners of their own municipalities;
- statistics and the map's centre layer are aggregates over *all* units for every role, by design
  (registry/stats/views.py: "Public statistics: aggregates only"): their counts per centre equal the counts
  over all units, whatever the role may see individually.

A failure names the surface and the role, and says which unit ids were too many or missing.
"""

import csv
import html
import io
import json
import re
import tempfile
from base64 import b64encode
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import openpyxl
import pyogrio.raw
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.utils import timezone

from registry.accounts import access
from registry.accounts.access import ADDRESS_FIELDS, BASE_FIELDS, CONTACT_FIELDS
from registry.accounts.tokens import create_token
from registry.listings.models import Listing
from registry.maps.queries import MAX_FEATURES
from registry.owners.models import Owner
from registry.places.models import Municipality, TownCentre
from registry.seekers.models import SpaceRequest
from registry.seekers.services import requests_visible_to
from registry.units.models import Occupancy, Unit
from registry.units.vacancy import vacant_q
from registry.units.walk import due_cutoff

pytestmark = pytest.mark.django_db


# --- the policy under test: the expectations below ask only these (each a line to change when the policy moves;
# today registry/accounts/access.py, and units/timeline.py for who reads a unit's story) ---

def visible_units(user):
    """The units `user` may see individually, with their location."""
    return access.units_visible_to(user, Unit.objects.all())


def private_units(user):
    """The units whose owner contacts and internal notes `user` may see."""
    allowed = [pk for pk in Municipality.objects.values_list("id", flat=True) if access.can_see_private(user, pk)]
    return Unit.objects.filter(municipality_id__in=allowed)


def visible_owners(user):
    return access.owners_visible_to(user, Owner.objects.all())


def timeline_units(user):
    """Whose story (statuses, notes, who) a role may open: the roles that read units individually, their units."""
    reach = access.timeline_reach(user)
    if reach == "own":
        return visible_units(user).filter(access.editable_q(user))
    return visible_units(user) if reach == "all" else Unit.objects.none()


def works_for_towns(user):
    """City managers and admins: the contacts export, Flächengesuche, the Begehungsliste of their towns."""
    return access.manages_units(user)


def may_edit(user, municipality_id):
    return access.can_edit_municipality(user, municipality_id)


def uses_admin(user):
    """City managers and admins work in the admin; owners and analysts outside it (registry/demo/people.py)."""
    return user.is_active and user.is_staff


# --- roles and scopes ---

ROLES = ["anonym", "eigentuemer", "analyst", "stadt-erfurt", "stadt-jena", "admin"]
JENA = "16053000"


@dataclass(frozen=True)
class Scope:
    """A filter as the surfaces take it (UnitFilter parameters) and the same filter over units."""

    name: str
    params: dict
    units: Q
    small_sets_only: bool = False  # only for roles that see at most SMALL_SET units


WHOLE = Scope("alle", {}, Q())
WHOLE_IF_SMALL = Scope("alle", {}, Q(), small_sets_only=True)  # a surface too slow for all 5,470 in a test
WHOLE_ZOOMED_IN = Scope("alle, Zoom 12", {"zoom": 12}, Q())  # the map's data only: a grid above 2,000 points
IN_JENA = Scope("jena", {"municipality": JENA}, Q(municipality__ags=JENA))
# Beyond this many units a paged HTML surface is compared by its count and first page (the unfiltered list of
# an analyst has 219 pages, Erfurt's 24); the filtered scope (Jena, 350) is followed to its last page, and so is
# every unfiltered set up to this size (anonymous, owner, Jena's city manager).
PAGED_COMPARISON_LIMIT = 400
SMALL_SET = 1000  # up to this many units a slow file format (XLSX) is read unfiltered

# Field names that are personal data or who-edited-what, wherever they turn up.
PRIVATE_FIELDS = {*CONTACT_FIELDS, "owner", "owner_id", "note", "created_by", "updated_by", "recorded_by"}
EXPORT_FIELDS = {"id", "status_label", "longitude", "latitude", "geom", *BASE_FIELDS, *ADDRESS_FIELDS}
MAP_POINT_FIELDS = {"status", "name", "street", "house_number", "floor_area", "vacant_since", "last_checked",
                    "municipality", "version", "editable", "listing_url"}
EMAIL = re.compile(r"[\w.+-]+@example\.(?:org|com)")
PHONE = re.compile(r"23125[ -]?\d{3}")  # the demo's phone numbers: 030 23125 xxx, the range kept for fiction


@dataclass
class Seen:
    """What one surface returned: unit ids (or aggregates), the field names and the raw texts for privacy."""

    ids: set = None  # None: the surface refused the role
    count: int = None  # for paged HTML read only to its first page: the count it shows
    complete: bool = True
    by_municipality: Counter = None  # the map's aggregate when too many points (AGS → units)
    by_centre: dict = None  # statistics: slug → (units, vacant)
    editable: set = None  # the map's points offered for editing
    fields: set = field(default_factory=set)
    texts: list = field(default_factory=list)


REFUSED = Seen()


# --- how each surface is read ---

class Reader:
    """One role's ways in: a browser session, an API token as Bearer (exports) and as Basic password (OGC)."""

    def __init__(self, client, user):
        self.user, self.client = user, client
        if user.is_authenticated:
            client.force_login(user)
            token = create_token(user, "Prüfung aller Oberflächen")
            self.bearer = {"Authorization": f"Bearer {token}"}
            self.basic = {"Authorization": "Basic " + b64encode(f"{user.username}:{token}".encode()).decode()}
        else:
            self.bearer = self.basic = {}

    def get(self, path, params=None, headers=None, session=True):
        """GET as the browser (session cookie) or as an API client (its headers only, no cookie)."""
        url = path + ("?" + urlencode(params, doseq=True) if params else "")
        if session:
            return self.client.get(url)
        cookies, self.client.cookies = self.client.cookies, type(self.client.cookies)()
        try:
            return self.client.get(url, headers=headers or {})
        finally:
            self.client.cookies = cookies


def content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def _features(seen, features):
    for feature in features:
        seen.ids.add(feature["id"])
        seen.fields |= set(feature["properties"])


def map_data(reader, scope):
    """/api/map/units.json: points when few enough, else counts per municipality (zoomed out) or on a grid."""
    zoomed = {"zoom": 14 if scope.params else 8, **scope.params}  # a scope may bring its own zoom
    response = reader.get("/api/map/units.json", zoomed)
    assert response.status_code == 200, response.content
    data = json.loads(content(response))
    seen = Seen(ids=set(), texts=[response.content.decode()])
    if data["kind"] == "municipalities":
        seen.by_municipality = Counter({f["id"]: f["properties"]["count"] for f in data["features"]})
        seen.ids = None
    elif data["kind"] == "grid":  # no ids in a grid cell: the count over all cells, compared like a long list
        seen.count, seen.complete = sum(f["properties"]["count"] for f in data["features"]), False
    else:
        assert data["kind"] == "units"
        _features(seen, data["features"])
        seen.editable = {f["id"] for f in data["features"] if f["properties"]["editable"]}
    return seen


def map_list(reader, scope):
    """The list beside the map (`?fragment=list`), its `weiter` links followed to the last page."""
    url = "/?" + urlencode({**scope.params, "fragment": "list"})
    seen = Seen(ids=set())
    while url:
        response = reader.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        seen.texts.append(page)
        seen.count = int(re.search(r'data-count="(\d+)"', page)[1])
        seen.ids |= {int(pk) for pk in re.findall(r'data-unit="(\d+)"', page)}
        following = re.search(r'<a href="([^"]+)"[^>]*rel="next"', page)
        if seen.count > PAGED_COMPARISON_LIMIT:
            seen.complete = False
            break
        url = "/" + html.unescape(following[1]) + "&fragment=list" if following else None
    return seen


def export(suffix, include=""):
    def read(reader, scope):
        params = {**scope.params, **({"include": include} if include else {})}
        response = reader.get(f"/api/units.{suffix}", params, reader.bearer, session=False)
        if response.status_code == 403:
            return REFUSED
        assert response.status_code == 200, content(response)[:500]
        return EXPORT_READERS[suffix](content(response))
    return read


def _geojson(body):
    seen = Seen(ids=set(), texts=[body.decode()])
    _features(seen, json.loads(body)["features"])
    return seen


def _csv(body):
    text = body.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    return Seen(ids={int(row["id"]) for row in rows}, fields=set(rows[0]) if rows else set(), texts=[text])


def _gpkg(body):
    with tempfile.NamedTemporaryFile(suffix=".gpkg") as handle:
        handle.write(body)
        handle.flush()
        meta, fids, _geometry, columns = pyogrio.raw.read(handle.name, read_geometry=False, return_fids=True)
    names = list(meta["fields"])
    ids = {int(pk) for pk in columns[names.index("id")]} if "id" in names else {int(pk) for pk in fids}
    texts = [str(list(values)) for values in columns]
    return Seen(ids=ids, fields={*names, "id"}, texts=texts)


def _xlsx(body):
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = next(rows)
    values = list(rows)
    book.close()
    at = header.index("id")
    return Seen(ids={int(row[at]) for row in values}, fields=set(header), texts=[repr(values)])


EXPORT_READERS = {"geojson": _geojson, "csv": _csv, "gpkg": _gpkg, "xlsx": _xlsx}


def ogc_items(include="", limit=1000, **order):
    def read(reader, scope):
        """OGC API items with the token as the Basic password (as QGIS sends it), `next` followed to the end
        (keyset pages in id order; offset pages with `sortby`)."""
        params = {"limit": limit, **order, **scope.params, **({"include": include} if include else {})}
        url = "/ogc/collections/units/items?" + urlencode(params)
        seen = Seen(ids=set())
        while url:
            response = reader.get(url, headers=reader.basic, session=False)
            if response.status_code == 403:
                return REFUSED
            assert response.status_code == 200, response.content[:500]
            page = json.loads(response.content)
            seen.texts.append(response.content.decode())
            _features(seen, page["features"])
            following = [link["href"] for link in page["links"]
                         if link["rel"] == "next" and link["type"] == "application/geo+json"]
            url = "{0.path}?{0.query}".format(urlsplit(following[0])) if following else None
        return seen
    return read


def walk_list(reader, scope):
    """The Begehungsliste of Jena's centre: the units due for a check, in walking order."""
    response = reader.get("/begehung/jena-innenstadt/")
    if response.status_code in (302, 403):
        return REFUSED
    assert response.status_code == 200
    page = response.content.decode()
    return Seen(ids={int(pk) for pk in re.findall(r'<tr id="einheit-\d+" data-unit="(\d+)"', page)}, texts=[page])


def seeker_matches(reader, scope):
    """Flächengesuche in the administration: the units matched to (and proposed for) a few active requests
    the role may handle. Matching decides which of the units qualify, so these are compared as a sample."""
    requests = list(requests_visible_to(reader.user).filter(state="active").order_by("id")[:4]) or \
        list(SpaceRequest.objects.filter(state="active").order_by("id")[:1])  # others ask for one anyway
    seen = Seen(ids=set(), complete=False)
    for space_request in requests:
        response = reader.get(f"/gesuche/verwaltung/{space_request.pk}/")
        if response.status_code in (302, 403):
            return REFUSED
        assert response.status_code == 200
        page = response.content.decode()
        for own in (space_request.email, space_request.phone):  # the seeker's own contacts are the request's
            page = page.replace(html.escape(own), "") if own else page
        seen.texts.append(page)
        seen.ids |= {int(pk) for pk in re.findall(r'<tr data-unit="(\d+)"', page)}
    assert seen.ids, "no request with matches: the sample shows nothing"
    return seen


def statistics(reader, scope):
    """Figures per centre from the JSON and CSV API, and the overview page's totals."""
    as_json = json.loads(reader.get("/api/stats/centres.json").content)["centres"]
    by_centre = {row["slug"]: (row["units"], row["vacant"]) for row in as_json}
    text = reader.get("/api/stats/centres.csv").content.decode("utf-8-sig")
    as_csv = {row["slug"]: (int(row["units"]), int(row["vacant"]))
              for row in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert as_csv == by_centre, "CSV and JSON of the statistics disagree"
    page = reader.get("/statistik/").content.decode()
    summary = re.search(r"(\d[\d.]*) von (\d[\d.]*) Einheiten leer", page)
    vacant, units = (int(number.replace(".", "")) for number in summary.groups())
    assert (units, vacant) == tuple(map(sum, zip(*by_centre.values(), strict=True))), "the overview's totals disagree"
    return Seen(by_centre=by_centre, texts=[json.dumps(as_json), text, page])


def map_centres(reader, scope):
    """The map's centre layer (rate per centre) as the home page embeds it."""
    page = reader.get("/").content.decode()
    data = json.loads(html.unescape(re.search(r'<script id="centres-data" type="application/json">(.*?)</script>',
                                              page, re.DOTALL)[1]))
    return Seen(by_centre={f["properties"]["slug"]: (f["properties"]["units"], f["properties"]["vacant"])
                           for f in data["features"]}, texts=[page])


def _changelist(reader, path, params):
    """Object ids from an admin changelist, page by page (`p`); REFUSED when the admin sends the role away."""
    seen, number = Seen(ids=set()), 0
    while True:
        response = reader.get(path, {**params, **({"p": number + 1} if number else {})})
        if response.status_code in (302, 403):
            return REFUSED
        assert response.status_code == 200
        page = response.content.decode()
        seen.texts.append(page)
        # each row links to its change form (checkboxes only come with actions, which city managers lack)
        seen.ids |= {int(pk) for pk in re.findall(rf'<th class="field-[^"]*"><a href="{path}(\d+)/change/', page)}
        seen.count = response.context["cl"].result_count
        pages = response.context["cl"].paginator.num_pages
        number += 1
        if seen.count > PAGED_COMPARISON_LIMIT:
            seen.complete = False
            return seen
        if number >= pages:
            return seen


def autocomplete(app_label, model_name, field_name):
    def read(reader, scope):
        """The admin's autocomplete for one foreign key (what a form offers to pick), page by page."""
        params, seen = {"app_label": app_label, "model_name": model_name, "field_name": field_name}, Seen(ids=set())
        for number in range(1, PAGED_COMPARISON_LIMIT // 20 + 1):  # 20 a page
            response = reader.get("/admin/autocomplete/", {**params, "page": number})
            if response.status_code in (302, 403):
                return REFUSED
            assert response.status_code == 200
            data = json.loads(response.content)
            seen.ids |= {int(result["id"]) for result in data["results"]}
            seen.texts.append(response.content.decode())
            if not data["pagination"]["more"]:
                return seen
        seen.complete = False  # more than a test reads: compared as a sample, without a count
        return seen
    return read


def admin_units(reader, scope):
    params = {}
    if scope.params:
        params["municipality__id__exact"] = Municipality.objects.get(ags=scope.params["municipality"]).pk
    return _changelist(reader, "/admin/units/unit/", params)


def admin_listings(reader, scope):
    seen = _changelist(reader, "/admin/listings/listing/", {})
    if seen is not REFUSED:  # listings → their units
        seen.ids = set(Listing.objects.filter(pk__in=seen.ids).values_list("unit_id", flat=True))
    return seen


def admin_owners(reader, scope):
    return _changelist(reader, "/admin/owners/owner/", {})


def sample_units():
    """A few units to open one by one: the listed Jena unit carrying the planted private data, the first unit of
    Erfurt, Jena and Weimar, and the demo owner's own (unlisted) units."""
    listed = Listing.objects.public().filter(unit__municipality__ags=JENA).order_by("id").values("unit_id")[:1]
    firsts = Q()
    for ags in (JENA, "16051000", "16055000"):
        firsts |= Q(id=Unit.objects.filter(municipality__ags=ags).order_by("id").values("id")[:1])
    return set(Unit.objects.filter(Q(id__in=listed) | firsts | Q(owner__user__username="eigentuemer"))
               .values_list("id", flat=True))


def one_by_one(path, session=True):
    def read(reader, scope):
        """The sample's units one by one (the map's popup, an OGC item): which of them open."""
        seen = Seen(ids=set())
        for pk in sorted(sample_units()):
            response = reader.get(path.format(pk=pk), headers=reader.basic, session=session)
            assert response.status_code in (200, 404), response.content[:300]
            if response.status_code == 200:
                seen.ids.add(pk)
                seen.texts.append(response.content.decode())
                data = json.loads(response.content)
                seen.fields |= set(data.get("properties", data))
        return seen
    return read


def admin_occupancies(reader, scope):
    """Occupancies have no changelist of their own (/admin/units/occupancy/ is no page): they are the read-only
    history on a unit's change form. Read as: which of the sample units' forms, with that history, open."""
    assert reader.get("/admin/units/occupancy/").status_code in (302, 404)
    seen = Seen(ids=set())
    for pk in sorted(sample_units()):
        response = reader.get(f"/admin/units/unit/{pk}/change/")
        if response.status_code == 302 and "/login/" in response["Location"]:
            return REFUSED
        if response.status_code == 200:
            page = response.content.decode()
            assert 'id="intervals-group"' in page, "the unit's history is on its form"
            seen.ids.add(pk)
            seen.texts.append(page)
    return seen


# --- what each surface must return: the policy, per kind of surface ---

def individual(user, scope):
    return set(visible_units(user).filter(scope.units).values_list("id", flat=True))


def contacts(user, scope):
    """The contacts export: only who may see private data, and then only those units."""
    if not works_for_towns(user):
        return None
    return set(visible_units(user).filter(scope.units).filter(id__in=private_units(user)).values_list("id", flat=True))


def in_admin(user, scope):
    """The admin lists what a user may change (access.editable_by), not every unit they may see."""
    if not uses_admin(user):
        return None
    return set(access.editable_by(user, visible_units(user)).filter(scope.units).values_list("id", flat=True))


def listed_in_admin(user, scope):
    if not uses_admin(user):
        return None
    units = access.editable_by(user, visible_units(user))
    return set(Listing.objects.filter(unit__in=units).values_list("unit_id", flat=True))


def timeline(reader, scope):
    """The popup's „Verlauf“ (/api/units/<id>/timeline/, session only) for the sample: which open; notes and who
    recorded a status only for units whose private data the role may see."""
    seen, private = Seen(ids=set()), set(private_units(reader.user).values_list("id", flat=True))
    for pk in sorted(sample_units()):
        response = reader.get(f"/api/units/{pk}/timeline/")
        assert response.status_code in (200, 404), response.content[:300]
        if response.status_code == 200:
            entries = json.loads(response.content)["entries"]
            seen.ids.add(pk)
            seen.texts.append(response.content.decode())
            if pk not in private and any(entry["note"] or entry["actor"] for entry in entries):
                seen.fields.add("recorded_by")  # who recorded what, or a note, on another town's unit
    return seen


def due_in_jena_for_its_managers(user, scope):
    """The walk list is for who may edit the centre's units: the units of the centre not checked for a year."""
    centre = TownCentre.objects.get(slug="jena-innenstadt")
    if not may_edit(user, centre.municipality_id):
        return None
    due = Q(last_checked__lt=due_cutoff()) | Q(last_checked__isnull=True)
    return set(visible_units(user).filter(due, centre=centre).values_list("id", flat=True))


def for_city_managers(user, scope):
    return individual(user, scope) if works_for_towns(user) else None


def one_of_sample(user, scope):
    return sample_units() & individual(user, scope)


def timeline_of_sample(user, scope):
    return sample_units() & set(timeline_units(user).values_list("id", flat=True))


def history_in_admin(user, scope):
    return sample_units() & in_admin(user, scope) if uses_admin(user) else None


def owners_in_admin(user, scope):
    return set(visible_owners(user).values_list("id", flat=True)) if uses_admin(user) else None


def all_units_per_centre(user, scope):
    rows = Unit.objects.filter(centre__isnull=False).values("centre__slug").annotate(
        units=Count("id"), vacant=Count("id", filter=vacant_q()))
    return {row["centre__slug"]: (row["units"], row["vacant"]) for row in rows}


# surface → (read, expect, scopes, private data allowed on it)
SURFACES = {
    "karte-daten": (map_data, individual, (WHOLE, WHOLE_ZOOMED_IN, IN_JENA), False),
    "karte-liste": (map_list, individual, (WHOLE, IN_JENA), False),
    "karte-einheit": (one_by_one("/api/units/{pk}/"), one_of_sample, (WHOLE,), True),
    "karte-verlauf": (timeline, timeline_of_sample, (WHOLE,), True),
    "karte-innenstaedte": (map_centres, all_units_per_centre, (WHOLE,), False),
    "geojson": (export("geojson"), individual, (WHOLE, IN_JENA), False),
    "csv": (export("csv"), individual, (WHOLE, IN_JENA), False),
    "gpkg": (export("gpkg"), individual, (WHOLE,), False),
    "xlsx": (export("xlsx"), individual, (WHOLE_IF_SMALL, IN_JENA), False),
    "ogc-items": (ogc_items(), individual, (WHOLE, IN_JENA), False),
    "ogc-items-sortiert": (ogc_items(sortby="-floor_area", limit=250), individual, (WHOLE_IF_SMALL, IN_JENA), False),
    "ogc-item": (one_by_one("/ogc/collections/units/items/{pk}", session=False), one_of_sample, (WHOLE,), False),
    "geojson-kontakte": (export("geojson", "contacts"), contacts, (WHOLE,), True),
    "csv-kontakte": (export("csv", "contacts"), contacts, (WHOLE,), True),
    "ogc-items-kontakte": (ogc_items("contacts"), contacts, (WHOLE,), True),
    "gesuche-treffer": (seeker_matches, for_city_managers, (WHOLE,), False),
    "begehung": (walk_list, due_in_jena_for_its_managers, (WHOLE,), False),
    "statistik": (statistics, all_units_per_centre, (WHOLE,), False),
    "admin-einheiten": (admin_units, in_admin, (WHOLE, IN_JENA), True),
    "admin-auswahl-einheit": (autocomplete("listings", "listing", "unit"), in_admin, (WHOLE,), True),
    "admin-auswahl-eigentuemer": (autocomplete("units", "unit", "owner"), owners_in_admin, (WHOLE,), True),
    "admin-angebote": (admin_listings, listed_in_admin, (WHOLE,), True),
    "admin-eigentuemer": (admin_owners, owners_in_admin, (WHOLE,), True),
    "admin-belegungen": (admin_occupancies, history_in_admin, (WHOLE,), True),
}


# --- private data planted on one unit every role sees (a published listing in Jena) ---

SECRET = {"name": "Wilhelmine Geheimrath-Prüfung", "organisation": "Verschwiegen GmbH & Co. KG",
          "phone": "+49 30 23125 998", "email": "geheimrath.pruefung@example.org",
          "postal_address": "Hinterhof 13, 07743 Jena"}
SECRET_NOTE = "Interne Notiz: Schlüssel beim Hausmeister (Prüfung)"
SECRET_STATUS_NOTE = "Mieter zahlt seit März nicht (Prüfung)"
SECRET_TEXTS = [*SECRET.values(), SECRET_NOTE, SECRET_STATUS_NOTE]


@pytest.fixture
def planted():
    """A fresh, consenting owner with recognisable contacts, an internal note and a note on the current status,
    on a listed Jena unit.
    (Only the GeoPackage, written by ogr2ogr from committed data, does not see them; its columns are checked.)"""
    unit = Listing.objects.public().filter(unit__municipality__ags=JENA).order_by("id").first().unit
    owner = Owner.objects.create(**SECRET, consent=Owner.Consent.CONSENTED, consent_date=timezone.localdate(),
                                 municipality=unit.municipality)
    Unit.objects.filter(pk=unit.pk).update(owner=owner, internal_note=SECRET_NOTE)
    Occupancy.objects.filter(unit=unit, valid_to__isnull=True).update(note=SECRET_STATUS_NOTE)
    return unit.pk


# Where the planted private data must show to who may see it: the check above can see it at all.
SHOWS_PLANTED = {"karte-einheit": SECRET_NOTE, "karte-verlauf": SECRET_STATUS_NOTE,
                 "admin-belegungen": SECRET_STATUS_NOTE}


def user_for(role, users):
    return AnonymousUser() if role == "anonym" else users[role]


def written(secret):
    """A text as the surfaces write it: plain (UTF-8), HTML-escaped, in JSON with \\u escapes."""
    return {secret, html.escape(secret), json.dumps(secret)[1:-1]}


def private_texts(texts):
    """Every piece of personal data found in a surface's texts: the planted ones, any demo e-mail or phone."""
    found = set()
    for text in texts:
        found |= {secret for secret in SECRET_TEXTS if any(form in text for form in written(secret))}
        found |= set(EMAIL.findall(text)) | {f"Telefon …{m}" for m in PHONE.findall(text)}
    return found


def differ(got, expected):
    return f"{len(got - expected)} zu viel (z. B. {sorted(got - expected)[:5]}), " \
           f"{len(expected - got)} fehlen (z. B. {sorted(expected - got)[:5]})"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("surface", SURFACES)
def test_every_surface_shows_each_role_exactly_what_the_policy_allows(surface, role, client, users, planted):
    read, expect, scopes, may_carry_private = SURFACES[surface]
    user = user_for(role, users)
    reader = Reader(client, user)
    for scope in scopes:
        if scope.small_sets_only and visible_units(user).count() > SMALL_SET:
            continue
        seen, expected = read(reader, scope), expect(user, scope)
        where = f"{surface} als {role}, Filter {scope.name}"

        if expected is None:
            assert seen is REFUSED, f"{where}: müsste abgelehnt werden, liefert {len(seen.ids or ())} Objekte"
            continue
        assert seen is not REFUSED, f"{where}: abgelehnt, erlaubt wären {len(expected)}"
        if isinstance(expected, dict):  # aggregates per centre
            assert seen.by_centre == expected, f"{where}: Zahlen je Innenstadt weichen ab"
        elif seen.by_municipality is not None:  # the map's aggregate when there are too many points
            assert len(expected) > MAX_FEATURES
            assert seen.by_municipality == Counter(
                Unit.objects.filter(id__in=expected).values_list("municipality__ags", flat=True)), where
        elif seen.complete:
            assert seen.ids == expected, f"{where}: {differ(seen.ids, expected)}"
        else:  # a long paged list read to its first page: the count it shows, and no stranger on that page
            assert seen.count in (None, len(expected)), f"{where}: zeigt {seen.count}, erlaubt sind {len(expected)}"
            assert seen.ids <= expected, f"{where}: {differ(seen.ids, expected)}"  # a grid has no ids
            assert Unit.objects.filter(scope.units).exists()

        leaked = private_texts(seen.texts)
        if surface.endswith("-kontakte"):  # contacts exactly for the rows, which are all the user's own
            assert set(CONTACT_FIELDS) <= seen.fields, where
            allowed = set(Owner.objects.filter(units__in=seen.ids).values_list("email", flat=True))
            assert {text for text in leaked if "@" in text} <= allowed | {SECRET["email"]}, where
            assert (SECRET_NOTE in leaked) == (planted in seen.ids), where
        elif may_carry_private:  # the admin, popup, story: private data only of the user's own municipalities
            if surface in SHOWS_PLANTED and planted in seen.ids and private_units(user).filter(pk=planted).exists():
                assert SHOWS_PLANTED[surface] in leaked, f"{where}: zeigt die private Angabe nicht, wer sie sehen darf"
            if planted not in private_units(user).values_list("id", flat=True):
                assert not set(SECRET_TEXTS) & leaked, f"{where}: {leaked}"
            own = Owner.objects.filter(Q(units__in=private_units(user)) | Q(id__in=visible_owners(user)))
            assert {text for text in leaked if "@" in text} <= set(own.values_list("email", flat=True)), where
        else:
            assert not seen.fields & PRIVATE_FIELDS, f"{where}: private Felder {seen.fields & PRIVATE_FIELDS}"
            assert not leaked, f"{where}: personenbezogene Daten {sorted(leaked)[:5]}"
        if surface in ("geojson", "csv", "gpkg", "xlsx", "ogc-items") and seen.ids:
            assert seen.fields <= EXPORT_FIELDS, f"{where}: {seen.fields - EXPORT_FIELDS}"
        if surface == "karte-daten" and seen.ids:
            assert seen.fields == MAP_POINT_FIELDS, where
            may_edit = set(private_units(user).values_list("id", flat=True))  # who sees private data edits
            assert seen.editable == seen.ids & may_edit, f"{where}: bearbeitbar {differ(seen.editable, may_edit)}"
