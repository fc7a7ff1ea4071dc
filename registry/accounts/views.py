from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import tokens
from .models import ApiToken


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    new_token = None
    if request.method == "POST":
        name = request.POST.get("name", "").strip()[:100]
        if not name:
            messages.error(request, _("Bitte geben Sie dem Token einen Namen, z. B. „QGIS Büro“."))
        else:
            new_token = tokens.create_token(request.user, name)
    return render(request, "accounts/api_tokens.html", {
        "tokens": ApiToken.objects.filter(user=request.user), "new_token": new_token,
    })


@login_required
@require_POST
def revoke_api_token(request, pk):
    if tokens.revoke(pk, request.user):
        messages.success(request, _("Das Token wurde widerrufen."))
    return redirect("api-tokens")
