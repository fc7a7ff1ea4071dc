from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("bericht.xlsx", views.report_xlsx, name="report-xlsx"),
    path("bericht.pdf", views.report_pdf, name="report-pdf"),
    path("<slug:slug>/", views.centre, name="centre"),
]
api_urlpatterns = [
    path("centres.json", views.centres_json, name="centres-json"),
    path("centres.csv", views.centres_csv, name="centres-csv"),
]
