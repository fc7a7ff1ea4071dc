"""Request hygiene and browser security headers, for every page and API.

- A NUL character in a query parameter or form field cannot be stored or searched in PostgreSQL text
  (it was a 500 on /angebote/?centre=%00 and on the token page): refused here with a 400 that names
  the parameter. JSON bodies are checked by the API that parses them (units.api).
- A request body larger than the largest upload is refused from its Content-Length header (413) before
  it is read; smaller non-file bodies are bounded by DATA_UPLOAD_MAX_MEMORY_SIZE.
- Permissions-Policy: the pages use geolocation (the map's "An meinem Standort") and nothing else.
  Referrer-Policy is Django's SECURE_REFERRER_POLICY; the Content-Security-Policy is django-csp's.
"""

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

PERMISSIONS_POLICY = ("geolocation=(self), camera=(), microphone=(), payment=(), usb=(), "
                      "interest-cohort=(), browsing-topics=()")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def max_request_bytes():
    """The largest request body accepted: the largest upload (an import file) plus room for the form."""
    return (max(settings.IMPORT_MAX_MB, 10) + 1) * 1024 * 1024


def _offending(query_dict):
    for key, values in query_dict.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return key.replace("\x00", "")
    return None


class SecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Refused from the header, before a byte of the body is read (it was read whole, then refused).
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_request_bytes():
            return HttpResponse(_("Die Anfrage ist größer als %(mb)d MB.") % {"mb": max_request_bytes() >> 20},
                                status=413, content_type="text/plain; charset=utf-8")
        field = _offending(request.GET)
        if field is None and request.method == "POST" and request.content_type in FORM_TYPES:
            field = _offending(request.POST)
        if field is not None:
            message = _("„%(field)s“ enthält ein unzulässiges Steuerzeichen (NUL).") % {"field": field}
            if request.path.startswith(("/api/", "/ogc/")):
                return JsonResponse({"error": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
