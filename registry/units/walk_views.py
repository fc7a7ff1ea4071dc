"""Begehungsliste pages: thin views over walk.py; writes go through services.mark_checked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from registry.accounts import access
from registry.places.models import TownCentre

from . import selectors, services
from .walk import due_cutoff, due_units


def _centres_for(user):
    return TownCentre.objects.select_related("municipality").order_by("name").filter(access.editable_q(user))


@login_required
def index(request):
    """The user's centres with the number of units due; city managers and admins only."""
    if not access.manages_units(request.user):
        raise PermissionDenied(_("Die Begehungsliste ist für das Citymanagement der Gemeinde."))
    cutoff = due_cutoff()
    centres = _centres_for(request.user).annotate(due=Count("units", filter=Q(units__last_checked__lt=cutoff)
                                                             | Q(units__last_checked__isnull=True, units__id__isnull=False)))
    return render(request, "units/walk_index.html", {"centres": centres, "cutoff": cutoff})


@login_required
@require_http_methods(["GET", "POST"])
def walk(request, slug):
    centre = get_object_or_404(TownCentre.objects.select_related("municipality"), slug=slug)
    if not access.can_edit_municipality(request.user, centre.municipality_id):
        raise PermissionDenied(_("Sie dürfen nur Einheiten Ihrer eigenen Gemeinde bearbeiten."))
    if request.method == "POST":  # without JavaScript: the same service as "Geprüft" on the map
        try:
            unit = services.mark_checked(request.user, int(request.POST["unit"]), int(request.POST["version"]))
        except (KeyError, ValueError):
            messages.error(request, _("Die Einheit oder ihre Version fehlt."))
        except services.StaleEdit as stale:
            messages.error(request, str(stale))
        else:
            messages.success(request, _("%(address)s ist als geprüft am %(date)s vermerkt.") % {
                "address": unit.address, "date": formats.date_format(unit.last_checked, "d.m.Y")})
        return redirect(reverse("walk:centre", args=[slug]) + "#liste")
    units = due_units(selectors.visible_units(request.user), centre)
    return render(request, "units/walk.html", {
        "centre": centre, "units": units, "cutoff": due_cutoff(), "today": timezone.localdate(),
    })
