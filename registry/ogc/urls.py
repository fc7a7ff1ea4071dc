from django.urls import path, re_path

from . import views

app_name = "ogc"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("conformance", views.conformance, name="conformance"),
    path("collections", views.collections, name="collections"),
    path("collections/<str:name>", views.collection, name="collection"),
    path("collections/<str:name>/items", views.items, name="items"),
    path("collections/<str:name>/items/<int:pk>", views.item, name="item"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
