"""Operations: the health check for the container and load balancer, throttled password resets."""

import sys

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

from . import throttle


@never_cache
def health(request):
    """200 when this process can answer and reach the database, else 503 (docker's healthcheck)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure is "unhealthy", never a 500 page
        return JsonResponse({"status": "error", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, with at most PASSWORD_RESETS_PER_HOUR mails per address typed and per client:
    nobody can flood a mailbox or the town's mail server through it. The count is per typed address
    whether or not an account exists, so the answer tells nothing about accounts."""

    def form_valid(self, form):
        limit = settings.PASSWORD_RESETS_PER_HOUR
        keys = [throttle.keyed("email:" + form.cleaned_data["email"].strip().lower()),
                throttle.client_key(self.request)]
        # per client a few addresses more than per address: one office may reset several accounts
        if not (throttle.allow("password-reset-address", keys[:1], limit)
                and throttle.allow("password-reset-client", keys[1:], limit * 3)):
            return render(self.request, "registration/throttled.html", {
                "message": _("Zu viele Anfragen zum Zurücksetzen des Passworts. Bitte versuchen Sie es in "
                             "einer Stunde erneut."),
            }, status=429)
        return super().form_valid(form)


def server_error(request):
    """handler500: while the database is unreachable (restart, failover) say so with a 503 and
    Retry-After instead of a 500 — clients and monitoring can tell an outage from a bug. Plain HTML,
    no template: rendering base.html would need the database again."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(
            "<!doctype html><html lang=de><meta charset=utf-8><title>Kurz nicht erreichbar</title>"
            "<h1>Kurz nicht erreichbar</h1><p>Die Datenbank des Leerstandsregisters startet gerade neu. "
            "Bitte versuchen Sie es in einigen Sekunden erneut.</p></html>", status=503)
        response["Retry-After"] = "5"
        return response
    return defaults.server_error(request)
