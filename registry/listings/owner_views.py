"""The owner's area: own units and listings only; text, photos, rent, availability, consent."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.units.models import Unit

from . import services
from .forms import ListingForm
from .models import Listing, ListingPhoto


@login_required
def dashboard(request):
    owner = services.owner_of(request.user)
    units = Unit.objects.filter(owner=owner).select_related("centre").prefetch_related("listing")
    return render(request, "listings/owner_dashboard.html", {"owner": owner, "units": units})


@login_required
def edit_listing(request, pk):
    owner = services.owner_of(request.user)
    listing = get_object_or_404(Listing, pk=pk, unit__owner=owner)  # someone else's: 404
    form = ListingForm(request.POST or None, request.FILES or None, instance=listing)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data.get("photo"):
                services.add_photo(listing, form.cleaned_data["photo"])
            form.save()
            messages.success(request, _("Gespeichert."))
            return redirect("owner-listing", pk=listing.pk)
        except ValidationError as refused:
            form.add_error("photo", refused)
    return render(request, "listings/owner_listing.html", {"form": form, "listing": listing, "owner": owner},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def set_published(request, pk):
    owner = services.owner_of(request.user)
    listing = get_object_or_404(Listing, pk=pk, unit__owner=owner)
    listing.published = request.POST.get("published") == "1"
    try:
        listing.full_clean()
        listing.save()
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    return redirect("owner-listing", pk=listing.pk)


@login_required
@require_POST
def delete_photo(request, pk):
    photo = get_object_or_404(ListingPhoto, pk=pk, listing__unit__owner=services.owner_of(request.user))
    listing_pk = photo.listing_id
    photo.image.delete(save=False)
    photo.thumbnail.delete(save=False)
    photo.delete()
    return redirect("owner-listing", pk=listing_pk)


@login_required
@require_POST
def consent(request):
    owner = services.owner_of(request.user)
    given = request.POST.get("consent") == "1"
    services.set_consent(owner, request.user, given)
    messages.success(request, _("Ihre Einwilligung ist erfasst.") if given else
                     _("Ihre Einwilligung ist widerrufen; Ihre Angebote sind nicht mehr öffentlich."))
    return redirect("owner-dashboard")


class InvitationView(auth_views.PasswordResetConfirmView):
    """The one-time link from the invitation: the owner sets a password, the link is then spent."""

    template_name = "listings/owner_invitation.html"
    success_url = reverse_lazy("login")
