"""Aggregated demand figures for /statistik/ansiedlung/: no person, no single request, no unit location.

Demand = active requests, counted once per centre they name (directly, through their municipality, or by a drawn
area that touches the centre), in the size band of their range's midpoint. Supply = units of the centre whose status
is `vacant` (empty and available – what matching offers), in the band of their floor area; units without a floor
area are not banded. Re-lets through proposals: proposals with outcome „vermietet“; time from vacancy to re-let
runs from the start of the unit's vacancy spell (registry_vacancy_start, as the statistics) to the let.
"""

from django.db import connection

# (label, from, to) in m²; the same bands for requests and units
BANDS = [("< 50 m²", 0, 50), ("50–100 m²", 50, 100), ("100–200 m²", 100, 200), ("200–400 m²", 200, 400),
         ("≥ 400 m²", 400, None)]


def _band_sql(expression):
    cases = " ".join(f"WHEN {expression} < {high} THEN {index}" for index, (_l, _low, high) in enumerate(BANDS)
                     if high is not None)
    return f"CASE {cases} ELSE {len(BANDS) - 1} END"


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


REQUEST_CENTRES = """
  SELECT rc.spacerequest_id AS request_id, rc.towncentre_id AS centre_id FROM seekers_spacerequest_centres rc
  UNION
  SELECT rm.spacerequest_id, c.id FROM seekers_spacerequest_municipalities rm
  JOIN places_towncentre c ON c.municipality_id = rm.municipality_id
  UNION
  SELECT r.id, c.id FROM seekers_spacerequest r JOIN places_towncentre c ON ST_Intersects(r.area, c.boundary)
  WHERE r.area IS NOT NULL
"""


def supply_demand(category=None):
    """Per centre and size band: active requests (of `category`, or all) and vacant, available units."""
    rows = _rows(f"""
      WITH demand AS (
        SELECT rc.centre_id, {_band_sql("(r.min_area + r.max_area) / 2")} AS band, count(*) AS requests
        FROM seekers_spacerequest r JOIN ({REQUEST_CENTRES}) rc ON rc.request_id = r.id
        WHERE r.state = 'active' AND (%(category)s::text IS NULL OR r.category = %(category)s)
        GROUP BY 1, 2),
      supply AS (
        SELECT u.centre_id, {_band_sql("u.floor_area")} AS band, count(*) AS vacant
        FROM units_unit u
        WHERE u.status = 'vacant' AND u.centre_id IS NOT NULL AND u.floor_area IS NOT NULL
        GROUP BY 1, 2)
      SELECT c.slug, c.name, b.band, COALESCE(d.requests, 0) AS requests, COALESCE(s.vacant, 0) AS vacant
      FROM places_towncentre c CROSS JOIN generate_series(0, {len(BANDS) - 1}) AS b(band)
      LEFT JOIN demand d ON d.centre_id = c.id AND d.band = b.band
      LEFT JOIN supply s ON s.centre_id = c.id AND s.band = b.band
      ORDER BY c.name, b.band""", {"category": category})
    centres = {}
    for row in rows:
        centre = centres.setdefault(row["slug"], {"slug": row["slug"], "name": row["name"], "bands": [],
                                                  "requests": 0, "vacant": 0})
        centre["bands"].append({"requests": row["requests"], "vacant": row["vacant"]})
        centre["requests"] += row["requests"]
        centre["vacant"] += row["vacant"]
    result = list(centres.values())
    totals = [{"label": label, "requests": sum(c["bands"][i]["requests"] for c in result),
               "vacant": sum(c["bands"][i]["vacant"] for c in result)} for i, (label, _l, _h) in enumerate(BANDS)]
    return result, totals


def demand_by_category():
    """Active requests per Nutzungsart and size band (all centres)."""
    return _rows(f"""
      SELECT r.category, {_band_sql("(r.min_area + r.max_area) / 2")} AS band, count(*) AS requests
      FROM seekers_spacerequest r WHERE r.state = 'active' GROUP BY 1, 2 ORDER BY 1, 2""", {})


def proposals_per_centre(day):
    """Per centre, up to `day`: proposals made, re-lets through proposals, median days from vacancy to re-let."""
    return _rows("""
      SELECT c.slug, c.name,
             count(p.id) FILTER (WHERE p.proposed_on <= %(day)s) AS proposals,
             count(p.id) FILTER (WHERE p.outcome = 'let' AND p.outcome_on <= %(day)s) AS relets,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY p.outcome_on - registry_vacancy_start(p.unit_id, p.outcome_on))
               FILTER (WHERE p.outcome = 'let' AND p.outcome_on <= %(day)s) AS median_days_to_relet
      FROM places_towncentre c
      LEFT JOIN (seekers_proposal p JOIN units_unit u ON u.id = p.unit_id) ON u.centre_id = c.id
      GROUP BY c.id ORDER BY c.name""", {"day": day})
