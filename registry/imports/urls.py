from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("zuordnung/", views.mapping, name="mapping"),
    path("vorschau/", views.preview, name="preview"),
    path("rueckgaengig/<int:municipality_id>/", views.undo, name="undo"),
]
