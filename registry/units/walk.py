"""Begehungsliste: the units of a town centre due for re-verification, in walking order.

Due = not checked for 12 months (Europe/Berlin's today), i.e. the shared filter's
`checked_before` at today minus one year — so the list, the map and the exports agree.

Walking order, computed in PostGIS (one query, ≤ a few hundred units per centre):
a city manager walks street by street. Within a street, units follow the house number
(numeric part, then suffix) — with horseshoe numbering that is the walk itself, with
odd/even numbering it zig-zags while moving steadily along the street, which is what a
pedestrian zone invites. The streets are chained greedily: start with the street end
nearest to the centre's middle, then always go on to the not yet visited street whose
end (first or last house number) is nearest to where the previous street ended, walking
it from that end. Distances in metres (ETRS89 / UTM 32N). A nearest-neighbour chain is
no optimal tour, but it never sends anyone back across town, needs no street network
(we have none) and stays explainable on a printed sheet: "street by street, nearest next".
"""

from django.db import connection
from django.utils import timezone

from .filters import UnitFilter
from .models import Unit

WALK_SQL = """
WITH RECURSIVE due AS MATERIALIZED (
  SELECT u.id, lower(btrim(u.street)) AS street_key, ST_Transform(u.location, 25832) AS p,
         COALESCE(substring(u.house_number FROM '^\\s*(\\d+)')::int, 0) AS number,
         lower(u.house_number) AS suffix
  FROM units_unit u WHERE u.id IN ({ids})
),
streets AS MATERIALIZED (
  SELECT street_key,
         (array_agg(p ORDER BY number, suffix, id))[1] AS first_p,
         (array_agg(p ORDER BY number DESC, suffix DESC, id DESC))[1] AS last_p
  FROM due GROUP BY street_key
),
walk (step, street_key, backwards, here, visited) AS (
  (SELECT 1, s.street_key, s.last_p <-> m.p < s.first_p <-> m.p,
          CASE WHEN s.last_p <-> m.p < s.first_p <-> m.p THEN s.first_p ELSE s.last_p END,
          ARRAY[s.street_key]
   FROM streets s, (SELECT ST_Transform(ST_PointOnSurface(boundary), 25832) AS p
                    FROM places_towncentre WHERE id = %(centre)s) m
   ORDER BY LEAST(s.first_p <-> m.p, s.last_p <-> m.p), s.street_key LIMIT 1)
  UNION ALL
  SELECT w.step + 1, n.street_key, n.backwards, n.there, w.visited || n.street_key
  FROM walk w CROSS JOIN LATERAL (
    SELECT s.street_key, s.last_p <-> w.here < s.first_p <-> w.here AS backwards,
           CASE WHEN s.last_p <-> w.here < s.first_p <-> w.here THEN s.first_p ELSE s.last_p END AS there
    FROM streets s WHERE s.street_key <> ALL (w.visited)
    ORDER BY LEAST(s.first_p <-> w.here, s.last_p <-> w.here), s.street_key LIMIT 1) n
)
SELECT d.id FROM due d JOIN walk w USING (street_key)
ORDER BY w.step,
         CASE WHEN w.backwards THEN -d.number ELSE d.number END,
         CASE WHEN w.backwards THEN NULL ELSE d.suffix END, d.suffix DESC, d.id
"""


def due_cutoff(today=None):
    """Checked before this day = not checked for 12 months."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def due_units(user_units, centre, today=None):
    """The units of `centre` (among those the user may see) due for a check, in walking order."""
    form = UnitFilter({"centre": [centre.slug], "checked_before": due_cutoff(today).isoformat()})
    assert form.is_valid(), form.errors
    ids_sql, ids_params = form.apply(user_units).values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        # the filter's SQL uses %s placeholders; ours are named: bind the filter's as a literal tuple first
        cursor.execute(WALK_SQL.replace("%(centre)s", "%s").format(ids=ids_sql), [*ids_params, centre.pk])
        order = [row[0] for row in cursor.fetchall()]
    units = Unit.objects.in_bulk(order)
    return [units[pk] for pk in order]


def is_due(unit, today=None):
    return unit.last_checked is None or unit.last_checked < due_cutoff(today)

