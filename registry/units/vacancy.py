"""The one definition of the status lifecycle and of what counts as vacant.

Map colours, filters, statistics, exports and the database triggers all take
their answer from here. The SQL function `registry_counts_as_vacant(text)` is
generated from VACANT_STATUSES by a migration; a test keeps both in step.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    OCCUPIED = "occupied", _("genutzt")
    VACANT = "vacant", _("leer")
    RESERVED = "reserved", _("in Verhandlung")
    LET_NOT_OPEN = "let_not_open", _("vermietet, noch nicht eröffnet")
    INTERIM_USE = "interim_use", _("Zwischennutzung")
    RENOVATION = "renovation", _("im Umbau")
    NOT_LETTABLE = "not_lettable", _("nicht vermietbar")


# Interim use is reported on its own: it is neither vacant nor regular use.
VACANT_STATUSES = frozenset(
    {
        Status.VACANT,
        Status.RESERVED,
        Status.LET_NOT_OPEN,
        Status.RENOVATION,
        Status.NOT_LETTABLE,
    }
)

# Colour-blind-safe (Okabe–Ito hues) and never colour alone: every status has its own shape. The statuses that
# count as vacant are one orange/brown family told apart by shape and lightness (dark filled square, hollow
# square, light triangle, pink triangle pointing down, black cross), still distinct under deutan/protan/tritan
# simulation (tests/maps/test_symbols.py).
STATUS_STYLE = {
    Status.OCCUPIED: {"colour": "#0072B2", "shape": "circle"},
    Status.VACANT: {"colour": "#A63A00", "shape": "square"},
    Status.RESERVED: {"colour": "#E69F00", "shape": "square-hollow"},
    Status.LET_NOT_OPEN: {"colour": "#F0E442", "shape": "triangle"},
    Status.INTERIM_USE: {"colour": "#009E73", "shape": "diamond"},
    Status.RENOVATION: {"colour": "#CC79A7", "shape": "triangle-down"},
    Status.NOT_LETTABLE: {"colour": "#000000", "shape": "cross"},
}

# "Today" in SQL is Berlin's today, as timezone.localdate() in Python and Intl(timeZone: Europe/Berlin) in the
# map's JavaScript: CURRENT_DATE follows the session time zone, which Django sets to UTC, so at 00:30 in Berlin
# it would still be yesterday.
SQL_TODAY = "(now() AT TIME ZONE 'Europe/Berlin')::date"

# Records not checked for this long are due for re-verification.
RECHECK_AFTER_DAYS = 365


def counts_as_vacant(status):
    return status in VACANT_STATUSES


def vacancy_rate(vacant, total):
    """Vacant units / all units, as a fraction; None where there is no stock."""
    if not total:
        return None
    return vacant / total


def vacant_q(prefix=""):
    """ORM filter for units (or intervals) whose status counts as vacant."""
    return models.Q(**{f"{prefix}status__in": sorted(VACANT_STATUSES)})


def sql_vacant_list():
    """The vacant statuses as a SQL literal list, for hand-written queries."""
    return ", ".join(f"'{status.value}'" for status in sorted(VACANT_STATUSES))
