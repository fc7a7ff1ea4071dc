from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("zuordnung/", views.mapping, name="mapping"),
    path("vorlage.xlsx", views.survey_template, name="template"),
    path("<int:pk>/", views.batch, name="batch"),
    path("<int:pk>/stand.json", views.status, name="status"),
    path("<int:pk>/zuordnung/", views.remap, name="remap"),
    path("<int:pk>/verwerfen/", views.discard, name="discard"),
    path("<int:pk>/importieren/", views.commit, name="commit"),
    path("<int:pk>/fehler.csv", views.error_list, name="errors"),
    path("rueckgaengig/<int:municipality_id>/", views.undo, name="undo"),
]
