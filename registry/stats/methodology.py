"""What the statistics count, in words made from the definitions the queries count with.

The overview page and the PDF report print these lines, so the status lists cannot drift from VACANT_STATUSES and
the floors cannot drift from what the queries count: tests/stats/test_methodology.py puts a unit on each floor and
in each status and checks the figures move exactly as these lines say.
"""

from django.utils.translation import gettext as _

from registry.units.models import Floor
from registry.units.vacancy import VACANT_STATUSES, Status

# Every recorded unit counts, on every floor. A vacant shop in a basement (Souterrain, a passage, a cellar bar) is
# a vacancy of the centre just as one at street level; the map, the list and every export show these units too, and
# the alliance's retail census counts shop premises, not ground floors. The queries have no floor filter; a change
# here needs one there (and the test says so).
COUNTED_FLOORS = (Floor.GROUND, Floor.UPPER, Floor.BASEMENT)


def enumeration(items):
    """„a“, „b“ und „c“ – in the active language."""
    items = [str(item) for item in items]
    if len(items) == 1:
        return items[0]
    return _("%(items)s und %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _quoted(labels):
    return enumeration(_("„%(label)s“") % {"label": label} for label in labels)


def lines():
    """The methodology, one sentence per line, in the active language."""
    vacant = [status.label for status in Status if status in VACANT_STATUSES]
    not_vacant = [status.label for status in Status if status not in VACANT_STATUSES]
    return [
        _("Bestand: alle erfassten Gewerbeeinheiten, die am Stichtag einen Status hatten – genutzt oder nicht. "
          "Geschosse: %(floors)s.") % {"floors": enumeration(floor.label for floor in COUNTED_FLOORS)},
        _("Als leer zählen: %(statuses)s.") % {"statuses": _quoted(vacant)},
        _("Nicht als leer zählen: %(statuses)s; Zwischennutzungen werden getrennt ausgewiesen.")
        % {"statuses": _quoted(not_vacant)},
        _("Leerstandsquote = leere Einheiten ÷ alle Einheiten der Innenstadt am Stichtag."),
        _("Dauer: seit Beginn des zusammenhängenden Leerstands (auch über Wechsel zwischen Status hinweg, die als "
          "leer zählen) bis zum Stichtag; Median je Innenstadt."),
        _("Alle Zahlen werden aus der Belegungshistorie zum Stichtag berechnet, für alle Städte nach derselben "
          "Definition."),
    ]
