"""The address of the client a request comes from, also behind a reverse proxy.

Every rate limit (django-axes for logins, password resets, inquiries) keys on this. Behind a proxy
REMOTE_ADDR is the proxy for everyone, so one client's limit would hit the whole town; the proxy's
X-Forwarded-For is only believed as far as settings.TRUSTED_PROXY_COUNT says (entries further left
are whatever the client chose to send).
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    # The nearest proxy appended the address it saw last; with N proxies of ours the client is N from the right.
    candidate = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
