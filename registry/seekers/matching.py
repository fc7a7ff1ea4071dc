"""Matching requests and vacant units in PostgreSQL: one set-based query per question, no loop over units.

Hard criteria (all must hold): the unit is vacant (status `vacant`: empty and available), its floor area lies in the
request's range, its floor is one the request accepts, it is step-free when the request needs that, and it lies in
the request's region (one of its municipalities, one of its centres, or inside its drawn area).

Soft score, 0–100, transparent by construction (each part is returned as its own column and explained):
rent within the ceiling 40 (unknown 20), frontage ≥ the minimum 20 (unknown 10, none asked 20), the unit's current or
last use is the requested Nutzungsart 20 (a fitted café for a café), vacancy length up to 20 (two years or longer
vacant = 20: the register's purpose is to fill the long vacancies, and their owners tend to be open to offers).

Who sees what: city managers match against all vacant units of their municipalities (listed or not);
seekers, and every e-mail to them, only against published listings (`Listing.objects.public()`).
"""

from dataclasses import dataclass
from functools import cached_property

from django.db import connection
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registry.accounts import access
from registry.listings.models import Listing
from registry.units.categories import Category
from registry.units.vacancy import SQL_TODAY

MATCHABLE_STATUS = "vacant"
DEFAULT_LIMIT = 200

# Rent: the published listing's rent where there is one, else the unit's asking rent (internal only).
_RENT_STAFF = "COALESCE(l.rent, u.asking_rent)"
_RENT_PUBLIC = "l.rent"

_HARD = """
  u.status = 'vacant'
  AND u.floor_area IS NOT NULL AND u.floor_area BETWEEN r.min_area AND r.max_area
  AND (cardinality(r.floors) = 0 OR u.floor = ANY(r.floors))
  AND (NOT r.step_free OR u.step_free IS TRUE)
"""

_COLUMNS = """
  r.id AS request_id, u.id AS unit_id, l.id AS listing_id, l.slug AS listing_slug, l.title AS listing_title,
  u.street, u.house_number, u.town, u.floor, u.floor_area, u.frontage, u.step_free, u.category AS unit_category,
  c.name AS centre_name, m.name AS municipality_name,
  r.category, r.min_area, r.max_area, r.min_frontage, r.step_free AS step_free_required, r.max_rent,
  r.max_rent_total, r.floors AS floors_wanted,
  {rent} AS rent, {today} - u.vacant_since AS vacancy_days,
  {rent_ok} AS rent_ok, {frontage_ok} AS frontage_ok, (u.category = r.category) AS category_fit,
  ( CASE {rent_ok} WHEN TRUE THEN 40 WHEN FALSE THEN 0 ELSE 20 END
  + CASE {frontage_ok} WHEN TRUE THEN 20 WHEN FALSE THEN 0 ELSE 10 END
  + CASE WHEN u.category = r.category THEN 20 ELSE 0 END
  + round(20 * LEAST(COALESCE({today} - u.vacant_since, 0), 730) / 730.0) )::int AS score
"""
_RENT_OK = """(CASE WHEN r.max_rent IS NULL AND r.max_rent_total IS NULL THEN TRUE
                    WHEN {rent} IS NULL THEN NULL
                    ELSE (r.max_rent IS NULL OR {rent} <= r.max_rent)
                         AND (r.max_rent_total IS NULL OR {rent} * u.floor_area <= r.max_rent_total) END)"""
_FRONTAGE_OK = """(CASE WHEN r.min_frontage IS NULL THEN TRUE WHEN u.frontage IS NULL THEN NULL
                        ELSE u.frontage >= r.min_frontage END)"""
_ORDER = "score DESC, abs(u.floor_area - (r.min_area + r.max_area) / 2), u.id"


def _columns(public):
    rent = _RENT_PUBLIC if public else _RENT_STAFF
    rent_ok = _RENT_OK.format(rent=rent)
    return _COLUMNS.format(rent=rent, rent_ok=rent_ok, frontage_ok=_FRONTAGE_OK, today=SQL_TODAY)


def _public_listings_sql():
    sql, params = Listing.objects.public().values("id").query.sql_with_params()
    return sql, list(params)


def _listing_join(public):
    """Staff: any listing (or none); public: only a published listing with the owner's consent, and it must exist."""
    if not public:
        return "LEFT JOIN listings_listing l ON l.unit_id = u.id", []
    sql, params = _public_listings_sql()
    return f"JOIN listings_listing l ON l.unit_id = u.id AND l.id IN ({sql})", params


def _scope(user, public):
    """Which units the asker may see: the policy's SQL predicate (access.editable_sql: a city manager their
    municipalities, an admin everything, anyone else nothing), its one %s named for this query's dict."""
    if public:
        return "", {}
    predicate, params = access.editable_sql(user, "u.municipality_id")
    return f"AND {predicate.replace('%s', '%(scope)s')}", ({"scope": params[0]} if params else {})


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def units_sql(public=False, scope_sql="", limit=True):
    """The query 'which vacant units fit request %(request)s' (exposed for bench/matching.py)."""
    join, join_params = _listing_join(public)
    # The region as three index-friendly arms ((municipality, status), (centre, status), GiST on location),
    # united; an OR of the three in one WHERE would scan every vacant unit.
    sql = f"""
      WITH r AS (SELECT * FROM seekers_spacerequest WHERE id = %(request)s),
      region AS (
        SELECT u.id FROM units_unit u
        WHERE u.status = 'vacant' AND u.municipality_id IN (
          SELECT municipality_id FROM seekers_spacerequest_municipalities WHERE spacerequest_id = %(request)s)
        UNION
        SELECT u.id FROM units_unit u
        WHERE u.status = 'vacant' AND u.centre_id IN (
          SELECT towncentre_id FROM seekers_spacerequest_centres WHERE spacerequest_id = %(request)s)
        UNION
        SELECT u.id FROM units_unit u JOIN r ON r.area IS NOT NULL AND ST_Intersects(r.area, u.location)
        WHERE u.status = 'vacant')
      SELECT {_columns(public)}
      FROM region JOIN units_unit u ON u.id = region.id CROSS JOIN r
      {join}
      JOIN places_municipality m ON m.id = u.municipality_id
      LEFT JOIN places_towncentre c ON c.id = u.centre_id
      WHERE {_HARD} {scope_sql}
      ORDER BY {_ORDER} {"LIMIT %(limit)s" if limit else ""}"""
    return sql, join_params


def _named(sql, positional):
    """The public-listing subquery brings %s parameters; turn them into named ones so that one dict serves."""
    params = {}
    for index, value in enumerate(positional):
        sql = sql.replace("%s", f"%(p{index})s", 1)
        params[f"p{index}"] = value
    return sql, params


def units_for_request(space_request, user=None, public=False, limit=DEFAULT_LIMIT):
    """Ranked matches for one request: all vacant units in the user's scope, or (public) published listings only."""
    scope_sql, scope_params = _scope(user, public)
    sql, positional = units_sql(public, scope_sql)
    sql, params = _named(sql, positional)
    rows = _rows(sql, {**params, **scope_params, "request": space_request.pk, "limit": limit})
    return [Match(row) for row in rows]


_REQUEST_REGION = """(
    EXISTS (SELECT 1 FROM seekers_spacerequest_municipalities rm
            WHERE rm.spacerequest_id = r.id AND rm.municipality_id = u.municipality_id)
    OR EXISTS (SELECT 1 FROM seekers_spacerequest_centres rc
               WHERE rc.spacerequest_id = r.id AND rc.towncentre_id = u.centre_id)
    OR (r.area IS NOT NULL AND ST_Intersects(r.area, u.location)))"""


def requests_sql(public=False, extra=""):
    """The query 'which active requests does unit %(unit)s fit'."""
    join, join_params = _listing_join(public)
    sql = f"""
      WITH u AS (SELECT * FROM units_unit WHERE id = %(unit)s)
      SELECT {_columns(public)}
      FROM seekers_spacerequest r CROSS JOIN u
      {join}
      JOIN places_municipality m ON m.id = u.municipality_id
      LEFT JOIN places_towncentre c ON c.id = u.centre_id
      WHERE r.state = 'active' AND {_HARD} AND {_REQUEST_REGION} {extra}
      ORDER BY {_ORDER}"""
    return sql, join_params


def requests_for_unit(unit, user=None):
    """Active requests the unit fits, for a city manager of its municipality (or an admin); [] for anyone else."""
    if not access.can_edit_municipality(user, unit.municipality_id):
        return []
    sql, positional = requests_sql(public=False)
    sql, params = _named(sql, positional)
    return [Match(row) for row in _rows(sql, {**params, "unit": unit.pk})]


def alert_sql():
    """INSERT the alerts for a published listing: every confirmed, active request it fits that wants mail.
    The unique (request, listing) pair makes the second run for the same listing a no-op."""
    sql, positional = requests_sql(
        public=True, extra="AND r.alerts AND r.consent_matches AND r.email <> '' AND r.confirmed_at IS NOT NULL")
    sql, params = _named(sql, positional)
    return f"""
      INSERT INTO seekers_alert (request_id, listing_id, created_at)
      SELECT request_id, listing_id, now() FROM ({sql}) fits
      ON CONFLICT ON CONSTRAINT alert_once_per_listing DO NOTHING
      RETURNING request_id""", params


def current_alerts_sql():
    """INSERT, as already sent, an alert for every published listing that fits request %(request)s now.

    Run when a seeker confirms: those listings go out with the confirmation e-mail, and the unique
    (request, listing) pair keeps a later save of the same listing from alerting them a second time."""
    sql, positional = units_sql(public=True, limit=False)
    sql, params = _named(sql, positional)
    return f"""
      INSERT INTO seekers_alert (request_id, listing_id, created_at, sent_at)
      SELECT request_id, listing_id, now(), now() FROM ({sql}) fits
      ON CONFLICT ON CONSTRAINT alert_once_per_listing DO NOTHING
      RETURNING listing_id""", params


def _n(value, digits=1):
    if value is None:
        return "–"
    text = formats.number_format(value, digits, use_l10n=True, force_grouping=True)
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    if decimal in text:
        text = text.rstrip("0").rstrip(decimal)
    return text


@dataclass
class Criterion:
    label: str
    ok: bool | None  # None: not known
    detail: str = ""
    info: bool = False  # shown without a mark (vacancy length only adds to the score)

    @property
    def mark(self):
        return "" if self.info else "✓" if self.ok else ("?" if self.ok is None else "✗")

    def __str__(self):
        text = f"{self.label} {self.mark}".strip()
        return f"{text} ({self.detail})" if self.detail else text


class Match:
    """One row of a matching query; its explanation is written only when a page or e-mail asks for it."""

    def __init__(self, row):
        self.row = row

    def __getattr__(self, name):
        try:
            return self.__dict__["row"][name]
        except KeyError:
            raise AttributeError(name) from None

    @cached_property
    def criteria(self):
        return explain(self.row)

    @property
    def explanation(self):
        return ", ".join(str(criterion) for criterion in self.criteria)

    @property
    def address(self):
        return " ".join(part for part in (self.row["street"], self.row["house_number"]) if part)


def explain(row):
    """Per criterion, in words: „Fläche 120 m² ✓, Miete 11 €/m² ✗ (max 9)“."""
    out = [Criterion(_("Fläche %(area)s m²") % {"area": _n(row["floor_area"])}, True),
           Criterion(_("Geschoss %(floor)s") % {"floor": row["floor"]}, True)]
    if row["step_free_required"]:
        out.append(Criterion(_("barrierefrei"), True))
    if row["max_rent"] is not None or row["max_rent_total"] is not None:
        if row["rent"] is None:
            out.append(Criterion(_("Miete"), None, _("unbekannt")))
        else:
            ceiling = []
            if row["max_rent"] is not None:
                ceiling.append(_("max %(rent)s") % {"rent": _n(row["max_rent"], 2)})
            if row["max_rent_total"] is not None:
                ceiling.append(_("gesamt max %(total)s €") % {"total": _n(row["max_rent_total"], 0)})
            out.append(Criterion(_("Miete %(rent)s €/m²") % {"rent": _n(row["rent"], 2)}, row["rent_ok"],
                                 "" if row["rent_ok"] else ", ".join(ceiling)))
    if row["min_frontage"] is not None:
        if row["frontage"] is None:
            out.append(Criterion(_("Schaufensterfront"), None, _("unbekannt")))
        else:
            out.append(Criterion(_("Schaufensterfront %(front)s m") % {"front": _n(row["frontage"])},
                                 row["frontage_ok"],
                                 "" if row["frontage_ok"] else _("min %(front)s") % {"front": _n(row["min_frontage"])}))
    use = dict(Category.choices).get(row["unit_category"]) or _("unbekannt")
    out.append(Criterion(_("Nutzung %(use)s") % {"use": use}, bool(row["category_fit"])))
    if row["vacancy_days"] is not None:
        months = row["vacancy_days"] // 30  # „leer seit 1 Monat“, never „1 Monaten“
        out.append(Criterion(ngettext("leer seit %(months)s Monat", "leer seit %(months)s Monaten", months)
                             % {"months": months}, None, info=True))
    return out
