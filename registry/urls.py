from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from registry.listings.views import ListingSitemap

from registry.maps import views as map_views
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
    path("accounts/", include("django.contrib.auth.urls")),
    path("konto/", include("registry.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("statistik/", include("registry.stats.urls")),
    path("api/stats/", include((stats_urls.api_urlpatterns, "stats"), namespace="stats-api")),
    path("api/map/units.json", map_views.map_units, name="map-units"),
    path("api/map/municipalities.geojson", map_views.municipality_outlines, name="map-municipalities"),
    path("api/units/", include("registry.units.urls")),
    path("api/", include("registry.exports.urls")),
    path("ogc/", include("registry.ogc.urls")),
]

if settings.DEBUG:  # in production the web server serves MEDIA_ROOT
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
