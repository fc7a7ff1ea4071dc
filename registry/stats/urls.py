from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<slug:slug>/", views.centre, name="centre"),
]
api_urlpatterns = [
    path("centres.json", views.centres_json, name="centres-json"),
    path("centres.csv", views.centres_csv, name="centres-csv"),
]
