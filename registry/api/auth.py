"""Who asks an API: an API token (`Authorization: Bearer …`, or HTTP Basic with the token as password, see
accounts/tokens.py) or the browser session."""

from django.utils.translation import gettext as _

from registry.accounts.tokens import InvalidToken, user_for_request

from .errors import ApiError

# The challenge of a 401: both schemes, so curl, GDAL and QGIS each find the one they know.
CHALLENGE = 'Bearer realm="leerstandsregister", Basic realm="leerstandsregister"'


def api_user(request):
    """The token's or the session's user; a wrong or revoked token is a 401, not the anonymous user."""
    try:
        return user_for_request(request)
    except InvalidToken:
        raise ApiError(401, _("Ungültiges oder widerrufenes API-Token."),
                       headers={"WWW-Authenticate": CHALLENGE}) from None
