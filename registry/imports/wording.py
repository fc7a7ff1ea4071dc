"""The one wording of what an import does, for the web pages (ImportBatch.sentence) and the command line."""

from django.utils.translation import gettext as _


def describe(counts, summary):
    """What an import will do, in one German sentence: "120 neu, 3 geändert, davon 1 verschoben um 612 m"."""
    # gettext: German on the command line and by default, English in an English web session
    text = _("%(new)s neu, %(changed)s geändert") % {"new": counts["new"], "changed": counts["changed"]}
    details = []
    if moved := summary.get("moved"):
        metres = _metres(summary["max_metres"])
        details.append(_("1 verschoben um %(metres)s") % {"metres": metres} if moved == 1
                       else _("%(n)s verschoben (bis zu %(metres)s)") % {"n": moved, "metres": metres})
    if status := summary.get("status"):
        details.append(_("%(n)s mit neuem Status") % {"n": status})
    if owner := summary.get("owner"):
        details.append(_("%(n)s mit neuem Eigentümer oder neuen Kontaktdaten") % {"n": owner})
    if details:
        text += _(", davon ") + ", ".join(details)
    return text + _(", %(n)s unverändert") % {"n": counts["unchanged"]}


def _metres(value):
    return f"{value:,.0f} m".replace(",", ".") if value >= 10 else f"{value:.1f} m".replace(".", ",")
