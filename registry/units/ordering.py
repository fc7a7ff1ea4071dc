"""How lists of units are put in order where people expect a human order rather than the text's."""

from django.db.models import F
from django.db.models.functions import Collate

# ICU numeric collation (migration units 0010): „Anger 2“ < „Anger 19“ < „Anger 19a“, umlauts as in German.
NATURAL = "registry_natural"


def natural(field):
    """An ORDER BY expression for a text field in human order."""
    return Collate(F(field), NATURAL)
