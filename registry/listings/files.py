"""Photo files, served by the application itself in development and production alike.

Only photos are in MEDIA_ROOT. A photo of a published listing is public; one of a listing not
(or no longer) published is shown only to those who may see its unit (city manager, owner, admin,
analyst) — a plain web server on MEDIA_ROOT could not tell the two apart. Photos are re-encoded
and small, so gunicorn serving them costs little; the public ones may be cached by browsers.
"""

import mimetypes

from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from registry.units.selectors import visible_units

from .models import Listing, ListingPhoto


@require_safe
def photo_file(request, path):
    # Only names stored on a photo are served: nothing else under MEDIA_ROOT, no path tricks.
    photo = ListingPhoto.objects.filter(Q(image=path) | Q(thumbnail=path)).only("listing_id").first()
    if photo is None:
        raise Http404
    public = Listing.objects.public().filter(pk=photo.listing_id).exists()
    if not public and not visible_units(request.user).filter(listing__pk=photo.listing_id).exists():
        raise Http404
    try:
        handle = default_storage.open(path, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=mimetypes.guess_type(path)[0] or "application/octet-stream")
    response["Cache-Control"] = "public, max-age=86400" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
