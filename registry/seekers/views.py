"""Pages for requests: the public form, the seeker's private link, the city managers' pages."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from registry.accounts import access
from registry.listings.services import client_key
from registry.units import selectors

from . import matching, services
from .forms import EditRequestForm, ProposalOutcomeForm, PublicRequestForm, StaffRequestForm
from .models import Proposal, SpaceRequest


def _base(request):
    return request.build_absolute_uri("/").rstrip("/")


def _link_error(request, error):
    return render(request, "seekers/link_error.html", {"message": str(error)}, status=404)


def with_token(purpose):
    """Resolve the signed token in the URL; an expired or forged one gets a German page, never a trace."""
    def decorate(view):
        @wraps(view)
        def wrapper(request, token, *args, **kwargs):
            try:
                space_request = services.request_for_token(token, purpose)
            except services.LinkError as error:
                return _link_error(request, error)
            return view(request, space_request, token, *args, **kwargs)
        return wrapper
    return decorate


# --- public ---

def new(request):
    form = PublicRequestForm(request.POST or None, csp_nonce=request.csp_nonce)
    if request.method == "POST":
        if form.is_bot():  # answer like a success, store nothing
            return redirect("seekers:sent")
        if form.is_valid():
            try:
                services.submit_public(form.cleaned_data, client_key(request), _base(request))
                return redirect("seekers:sent")
            except ValidationError as refused:
                form.add_error(None, refused)
    return render(request, "seekers/new.html", {"form": form}, status=400 if form.errors else 200)


def sent(request):
    return render(request, "seekers/sent.html")


@with_token("confirm")
def confirm(request, space_request, token):
    if request.method == "POST":
        mailed = services.confirm(space_request, _base(request))
        if mailed is not None:
            messages.success(request, _("Ihr Gesuch ist aktiv.") + " " + (ngettext(
                "Ein passendes Angebot gibt es schon; wir haben es Ihnen auch per E-Mail geschickt.",
                "%(count)s passende Angebote gibt es schon; wir haben sie Ihnen auch per E-Mail geschickt.",
                mailed) % {"count": mailed} if mailed else ""))
        return redirect("seekers:manage", token=services.make_token(space_request, "manage"))
    return render(request, "seekers/confirm.html", {"space_request": space_request})


MATCHES_SHOWN = 50


@with_token("manage")
def manage(request, space_request, token):
    form = EditRequestForm(request.POST or None, instance=space_request, csp_nonce=request.csp_nonce)
    if request.method == "POST" and space_request.is_open and form.is_valid():
        services.update(space_request, form.cleaned_data)
        messages.success(request, _("Ihr Gesuch ist gespeichert."))
        return redirect("seekers:manage", token=token)
    matches = (matching.units_for_request(space_request, public=True, limit=MATCHES_SHOWN + 1)
               if space_request.state == SpaceRequest.State.ACTIVE else [])
    return render(request, "seekers/manage.html", {"space_request": space_request, "form": form, "token": token,
                                                   "matches": matches[:MATCHES_SHOWN],
                                                   "more_matches": len(matches) > MATCHES_SHOWN}, status=400 if form.errors else 200)


@require_POST
@with_token("manage")
def manage_action(request, space_request, token):
    action = request.POST.get("action")
    if action == "delete":
        services.delete_personal_data(space_request)
        return render(request, "seekers/deleted.html")
    done = {"pause": lambda: services.set_paused(space_request, True),
            "resume": lambda: services.set_paused(space_request, False),
            "withdraw": lambda: services.withdraw(space_request),
            "renew": lambda: services.renew(space_request)}.get(action, lambda: False)()
    if done:
        messages.success(request, {"pause": _("Ihr Gesuch ist pausiert."), "resume": _("Ihr Gesuch ist wieder aktiv."),
                                   "withdraw": _("Ihr Gesuch ist zurückgezogen."),
                                   "renew": _("Ihr Gesuch ist verlängert.")}[action])
    else:
        messages.error(request, _("Das ist in diesem Zustand des Gesuchs nicht möglich."))
    return redirect("seekers:manage", token=token)


@with_token("unsubscribe")
def unsubscribe(request, space_request, token):
    if request.method == "POST":
        services.unsubscribe(space_request)
        return render(request, "seekers/unsubscribed.html")
    return render(request, "seekers/unsubscribe.html", {"space_request": space_request})


@with_token("renew")
def renew(request, space_request, token):
    """The one-click link of the reminder e-mail."""
    renewed = services.renew(space_request)
    if renewed:
        messages.success(request, _("Ihr Gesuch ist verlängert bis %(date)s.") % {
            "date": space_request.expires_on.strftime("%d.%m.%Y")})
    return redirect("seekers:manage", token=services.make_token(space_request, "manage"))


# --- staff ---

def staff_only(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.manages_units(request.user):
            raise PermissionDenied(_("Flächengesuche sehen nur Citymanager ihrer Gemeinden."))
        return view(request, *args, **kwargs)
    return wrapper


@staff_only
def staff_list(request):
    state = request.GET.get("status", "")
    requests = services.requests_visible_to(request.user).prefetch_related("centres", "municipalities").annotate(
        proposal_count=Count("proposals"))
    if state in SpaceRequest.State.values:
        requests = requests.filter(state=state)
    return render(request, "seekers/staff_list.html", {
        "requests": requests[:500], "state": state,
        "states": [c for c in SpaceRequest.State.choices if c[0] != SpaceRequest.State.UNCONFIRMED]})


@staff_only
def staff_new(request):
    form = StaffRequestForm(request.POST or None, csp_nonce=request.csp_nonce)
    if request.method == "POST" and form.is_valid():
        try:
            space_request = services.create_by_staff(request.user, form.cleaned_data)
            messages.success(request, _("Gesuch erfasst."))
            return redirect("seekers:staff-detail", pk=space_request.pk)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
    return render(request, "seekers/staff_new.html", {"form": form}, status=400 if form.errors else 200)


def _visible_request(request, pk):
    return get_object_or_404(services.requests_visible_to(request.user), pk=pk)


@staff_only
def staff_detail(request, pk):
    space_request = _visible_request(request, pk)
    matches = (matching.units_for_request(space_request, user=request.user)
               if space_request.state in (SpaceRequest.State.ACTIVE, SpaceRequest.State.PAUSED) else [])
    proposals = space_request.proposals.select_related("unit").prefetch_related("steps").filter(
        access.editable_q(request.user, "unit__municipality_id"))
    proposed = {p.unit_id for p in proposals}
    return render(request, "seekers/staff_detail.html", {
        "space_request": space_request, "matches": matches, "proposals": proposals, "proposed": proposed,
        "outcome_form": ProposalOutcomeForm(), "map_query": _map_query(space_request)})


def _map_query(space_request):
    """The map's own filter parameters for the request's region and size: vacant units there (floor and
    step-free are not map filters; the table above is exact)."""
    from urllib.parse import urlencode

    query = [("status", "vacant"), ("min_area", format(space_request.min_area.normalize(), "f")),
             ("max_area", format(space_request.max_area.normalize(), "f"))]
    query += [("centre", centre.slug) for centre in space_request.centres.all()]
    query += [("municipality", m.ags) for m in space_request.municipalities.all()]
    return urlencode(query)


@staff_only
@require_POST
def staff_propose(request, pk):
    space_request = _visible_request(request, pk)
    unit = get_object_or_404(selectors.visible_units(request.user), pk=request.POST.get("unit"))
    try:
        services.propose(request.user, space_request, unit, request.POST.get("note", ""))
        messages.success(request, _("Vorschlag erfasst: %(unit)s.") % {"unit": unit.address})
    except (ValidationError, PermissionDenied) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", [str(refused)])))
    return redirect("seekers:staff-detail", pk=pk)


@staff_only
@require_POST
def staff_outcome(request, pk):
    proposal = get_object_or_404(Proposal.objects.select_related("unit", "request").filter(
        access.editable_q(request.user, "unit__municipality_id")), pk=pk)
    form = ProposalOutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.record_outcome(request.user, proposal, form.cleaned_data["outcome"], form.cleaned_data["on"],
                                    form.cleaned_data["reason"], form.cleaned_data["note"])
            messages.success(request, _("Ergebnis erfasst."))
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("seekers:staff-detail", pk=proposal.request_id)


@staff_only
def staff_unit(request, pk):
    unit = get_object_or_404(selectors.visible_units(request.user).select_related("centre", "municipality"), pk=pk)
    if not access.can_edit_municipality(request.user, unit.municipality_id):
        raise PermissionDenied(_("Sie dürfen nur Einheiten Ihrer eigenen Gemeinde bearbeiten."))
    matches = matching.requests_for_unit(unit, request.user)
    requests = {r.pk: r for r in SpaceRequest.objects.filter(pk__in=[m.request_id for m in matches])}
    proposals = unit.proposals.select_related("request").prefetch_related("steps")
    return render(request, "seekers/staff_unit.html", {
        "unit": unit, "matches": [(m, requests[m.request_id]) for m in matches], "proposals": proposals,
        "proposed": {p.request_id for p in proposals}})



# --- public figures (aggregates only) ---

def figures(request):
    from django.utils import timezone

    from registry.units.filters import FiguresFilter  # the statistics' own Stichtag and Nutzungsart rules
    from registry.units.categories import Category

    from . import figures as queries

    form = FiguresFilter(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    category = data.get("category") or ""
    day = data.get("date") or timezone.localdate()
    centres, totals = queries.supply_demand(category or None)
    labels = dict(Category.choices)
    by_category = {}
    for row in queries.demand_by_category():
        by_category.setdefault(row["category"], [0] * len(queries.BANDS))[row["band"]] = row["requests"]
    proposals = queries.proposals_per_centre(day)
    return render(request, "seekers/figures.html", {
        "centres": centres, "totals": totals,
        # the footer's „zusammen“ cells: the band totals summed (a request naming two centres counts in both, as above)
        "grand_total": {"requests": sum(t["requests"] for t in totals), "vacant": sum(t["vacant"] for t in totals)},
        "bands": [label for label, _l, _h in queries.BANDS],
        "category": category, "categories": Category.choices, "day": day, "today": timezone.localdate(),
        "form": form,
        "by_category": [{"label": labels.get(key, key), "bands": values, "total": sum(values)}
                        for key, values in sorted(by_category.items())],
        "proposals": proposals,
        "proposal_totals": {"proposals": sum(r["proposals"] for r in proposals),
                            "relets": sum(r["relets"] for r in proposals)},
        "chart": {"labels": [t["label"] for t in totals], "requests": [t["requests"] for t in totals],
                  "vacant": [t["vacant"] for t in totals]},
    })
