from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from registry.listings.files import photo_file
from registry.listings.views import ListingSitemap
from registry.ops import views as ops_views

from registry.maps import views as map_views
from registry.seekers import api as seeker_api
from registry.seekers import views as seeker_views
from registry.stats import urls as stats_urls

admin.site.site_header = "Leerstandsregister Thüringen"
admin.site.site_title = "Leerstandsregister"
admin.site.index_title = "Verwaltung"

urlpatterns = [
    path("", map_views.home, name="home"),
    path("angebote/", include("registry.listings.urls")),
    path("gesuche/", include("registry.seekers.urls")),
    path("eigentuemer/", include("registry.listings.owner_urls")),
    path("import/", include("registry.imports.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": {"angebote": ListingSitemap}}, name="sitemap"),
    # before Django's own: the same form, limited per address and client (ops.views)
    path("accounts/password_reset/", ops_views.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("konto/", include("registry.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("statistik/ansiedlung/", seeker_views.figures, name="seekers-figures"),  # before the centre slugs
    path("statistik/", include("registry.stats.urls")),
    path("api/stats/", include((stats_urls.api_urlpatterns, "stats"), namespace="stats-api")),
    path("api/map/units.json", map_views.map_units, name="map-units"),
    path("api/map/municipalities.geojson", map_views.municipality_outlines, name="map-municipalities"),
    path("api/units/", include("registry.units.urls")),
    path("begehung/", include("registry.units.walk_urls")),
    path("api/requests.csv", seeker_api.requests_csv, name="requests-csv"),
    path("api/requests.geojson", seeker_api.requests_geojson, name="requests-geojson"),
    path("api/", include("registry.exports.urls")),
    path("ogc/", include("registry.ogc.urls")),
    path("health/", ops_views.health, name="health"),  # answered by ops.middleware; here for reverse()
    # photos: public ones for everyone, others only for who may see the unit (listings.files)
    path("media/<path:path>", photo_file, name="media"),
]

# a database outage answers 503 + Retry-After, any other error Django's 500 (ops.views)
handler500 = "registry.ops.views.server_error"
