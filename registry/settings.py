"""Settings for the Leerstandsregister, all read from the environment.

Development defaults just work after `setup.sh`; production sets DEBUG=false,
SECRET_KEY and ALLOWED_HOSTS (see README, "Konfiguration"). A `.env` file in
the project root (written by the set-up) is read first, the real environment wins.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env", override=False)


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY muss gesetzt sein, wenn DEBUG=false ist.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "leaflet",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "pgtrigger",
    "pghistory",
    "registry.ops",
    "registry.accounts",
    "registry.places",
    "registry.owners",
    "registry.units",
    "registry.listings",
    "registry.demo",
    "registry.maps",
    "registry.exports",
    "registry.ogc",
    "registry.stats",
    "registry.imports",
    "registry.seekers",
]

MIDDLEWARE = [
    "registry.ops.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "registry.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # after authentication: groups each write request's events under one context with user and channel
    "registry.ops.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last, as django-axes asks: it turns a locked-out login into the lockout page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "registry.urls"
WSGI_APPLICATION = "registry.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "registry" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DEFAULT_DATABASE_URL = "postgres://leerstand:leerstand@127.0.0.1:5432/leerstand"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        engine="django.contrib.gis.db.backends.postgis",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A persistent connection is checked before a request reuses it: after a database restart
        # the broken one is replaced instead of answering 500 (tests/ops/test_database_restart.py).
        conn_health_checks=True,
    )
}
# PostgreSQL's JIT spent ~370 ms compiling a 300 ms map aggregation (bench/map.py);
# our queries are short, so compiling never pays off.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache for figures that change only when the register changes (statistics, keyed by the data
# version). Default: a table in our own database, no new service. CACHE_URL=redis://host:6379/0
# switches to Redis for larger deployments (needs `pip install redis`).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL muss mit redis:// oder rediss:// beginnen (oder leer sein).")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                          "LOCATION": "registry_cache", "OPTIONS": {"MAX_ENTRIES": 5000}}}
# Rendered statistics fragments ({% cache %}): keyed by the data version (stats_key), so an entry never goes stale;
# each worker keeps its own in memory, saving the round trip to the shared cache.
CACHES["template_fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                "LOCATION": "registry-fragments", "OPTIONS": {"MAX_ENTRIES": 500}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes throttles logins (site and admin): after AXES_FAILURE_LIMIT wrong passwords for one
# account, or from one client address, further attempts are refused for AXES_COOLOFF_MINUTES, even
# with the right password. The attempts live in the database, so all gunicorn workers share them.
AUTHENTICATION_BACKENDS = [
    "registry.ops.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # per account and, independently, per client
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "registry.ops.clients.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_DISABLE_ACCESS_LOG = True  # no log of every successful login (who logged in when, from where)
AXES_VERBOSE = False
# Password-reset mails: at most this many per hour for one address typed, and from one client.
PASSWORD_RESETS_PER_HOUR = int(os.environ.get("PASSWORD_RESETS_PER_HOUR", "3"))

# Behind a reverse proxy every request comes from the proxy: with TRUSTED_PROXY_COUNT=N the client
# address is the one the N-th proxy from us appended to X-Forwarded-For. 0 (default) = no proxy,
# the header is ignored (anyone could send it). Used by every rate limit (logins, resets, inquiries).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# German first; English is the second language (source strings are German).
LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "registry" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# The site's public address, for links in e-mails written by background jobs (no request to ask).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "leerstandsregister@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Base map: towns may point this at basemap.de or their own tile server.
BASEMAP_URL = os.environ.get("BASEMAP_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
BASEMAP_ATTRIBUTION = os.environ.get(
    "BASEMAP_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-Mitwirkende',
)
BOUNDARY_ATTRIBUTION = "© GeoBasis-DE / BKG 2016 (dl-de/by-2-0)"

# Imports: the largest survey file accepted, and where uploads wait for their background job
# (private: outside MEDIA_ROOT). Jobs run in `manage.py db_worker` (django-tasks-db, our own database).
IMPORT_MAX_MB = int(os.environ.get("IMPORT_MAX_MB", "50"))
IMPORT_UPLOADS = Path(os.environ.get("IMPORT_UPLOADS", BASE_DIR / "var" / "imports"))
# Uploaded files (photos; import files get 0600 in imports.views) are not world-readable: the app serves them.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# Inquiries hold seekers' names and contacts: deleted this many months after they arrived
# (by `manage.py housekeeping`, which setup.sh run and docker compose keep running).
INQUIRY_RETENTION_MONTHS = int(os.environ.get("INQUIRY_RETENTION_MONTHS", "12"))
# Space requests (registry/seekers): who is looking and their concept are blanked this many months after the
# request closed (withdrawn, expired, fulfilled); the anonymous profile stays for the figures.
SEEKER_RETENTION_MONTHS = int(os.environ.get("SEEKER_RETENTION_MONTHS", "6"))
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Content-Security-Policy (django-csp): scripts only from our own origin or with this response's nonce
# (django-leaflet's map set-up takes it: `{% leaflet_map … csp_nonce=request.csp_nonce %}`, the admin's
# widgets get it from LeafletGeoAdmin). No 'unsafe-inline' scripts: typed text that slipped into HTML
# still would not run. Styles allow inline: Leaflet and the legend set style attributes.
from urllib.parse import urlsplit  # noqa: E402

from csp.constants import NONCE, NONE, SELF  # noqa: E402

_TILES = urlsplit(BASEMAP_URL.replace("{s}.", "*.").replace("{", "").replace("}", ""))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", f"{_TILES.scheme}://{_TILES.netloc}"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
SECURE_REFERRER_POLICY = "same-origin"  # other sites learn nothing of our URLs (filters, private pages)

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (50.90, 11.03),
    "DEFAULT_ZOOM": 8,
    "MIN_ZOOM": 6,
    "MAX_ZOOM": 19,
    "TILES": [("Karte", BASEMAP_URL, {"attribution": BASEMAP_ATTRIBUTION, "maxZoom": 19})],
    "ATTRIBUTION_PREFIX": BOUNDARY_ATTRIBUTION,
    "RESET_VIEW": False,
}

# Behind TLS in production. HTTPS=false only for a local docker compose over http.
if not DEBUG and env_bool("HTTPS", True):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Debian 12 ships GDAL 3.6, which cannot block file/network access from spatial
# references. We never pass user-supplied SRS definitions to GDAL (imports accept
# EPSG codes only), so the warning is silenced rather than the platform changed.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# History of every write (registry/history.py, django-pghistory). Foreign keys copied into event tables get no
# index of their own (each would cost every import row); history.track adds the few the reads use.
import pghistory  # noqa: E402

PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_CONTEXT_FIELD = pghistory.ContextForeignKey(db_index=False)
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=False)
# the time of each change, not of its transaction: events of one request keep their order across tables
PGHISTORY_CREATED_AT_FUNCTION = "clock_timestamp()"
