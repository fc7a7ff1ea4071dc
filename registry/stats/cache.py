"""Statistics cached per data version (see migration 0002_data_version).

Every write to units, intervals, centres or municipalities bumps one version number in
the database. A request reads it once, *before* computing anything, and uses it
- as part of the cache key of each figure set (with the role, so one role's figures
  are never served to another, should figures ever differ by role), and
- in the ETag, so a browser or proxy that already has the answer gets a 304 for the
  price of one single-row query.
Berlin's today is part of both: durations and the default Stichtag move at midnight.

An entry never changes once written (a new version is a new key), so each worker also keeps
the entries it has seen in memory: a cached request then costs one single-row query (the
version) instead of two. Version numbers come from a sequence and never repeat, even when a
transaction that bumped one is rolled back.
"""

import hashlib
import pickle
from collections import OrderedDict
from functools import wraps

from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from registry.accounts import access

TIMEOUT = 24 * 3600  # old versions are never asked for again; this only bounds their life
LOCAL_ENTRIES = 256
_local = OrderedDict()  # key → pickled value (callers may change what they get; the entry must not change)


def data_version():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM stats_data_version WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def _state(request):
    """(version, role, today) read once per request."""
    if not hasattr(request, "_stats_state"):
        request._stats_state = (data_version(), access.role_of(request.user), timezone.localdate())
    return request._stats_state


def cached(request, function, *args, **kwargs):
    """function(*args, **kwargs), computed once per data version, role and day."""
    version, role, today = _state(request)
    signature = repr((function.__module__, function.__qualname__, args, sorted(kwargs.items())))
    key = f"stats:{version}:{role}:{today.isoformat()}:{hashlib.sha256(signature.encode()).hexdigest()[:32]}"
    if key in _local:
        return pickle.loads(_local[key])
    value = cache.get(key)
    if value is None:
        value = function(*args, **kwargs)
        cache.set(key, value, TIMEOUT)
    _local[key] = pickle.dumps(value)
    while len(_local) > LOCAL_ENTRIES:
        _local.popitem(last=False)
    return value


def etag(request):
    version, role, today = _state(request)
    return f'"v{version}-{role}-{translation.get_language()}-{today:%Y%m%d}"'


def revalidated(view):
    """ETag from the data version; 304 when the client has it; clients must revalidate each time."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        tag = etag(request)
        response = get_conditional_response(request, etag=tag)
        if response is None:
            response = view(request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                response.headers.setdefault("ETag", tag)
        if 200 <= response.status_code < 300 or response.status_code == 304:
            response.headers["ETag"] = tag
            # no-cache = store, but ask every time; the HTML greets a logged-in user, so that is private
            private = request.user.is_authenticated
            patch_cache_control(response, no_cache=True, **({"private": True} if private else {"public": True}))
            patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    return wrapper
