from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("units.geojson", views.units_geojson, name="units-geojson"),
    path("units.csv", views.units_csv, name="units-csv"),
    path("units.gpkg", views.units_gpkg, name="units-gpkg"),
    path("units.xlsx", views.units_xlsx, name="units-xlsx"),
]
