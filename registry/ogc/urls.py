from django.urls import path, re_path

from . import views

app_name = "ogc"


def _routes(prefix, challenge, names):
    """The API's routes; under auth/ the same views with `challenge` (401 until credentials come)."""
    kwargs = {"challenge": challenge}

    def name(value):
        return f"{value}{names}"

    return [
        path(f"{prefix}", views.landing, kwargs, name=name("landing")),
        path(f"{prefix}api", views.api, kwargs, name=name("api")),
        path(f"{prefix}conformance", views.conformance, kwargs, name=name("conformance")),
        path(f"{prefix}collections", views.collections, kwargs, name=name("collections")),
        path(f"{prefix}collections/<str:name>", views.collection, kwargs, name=name("collection")),
        path(f"{prefix}collections/<str:name>/queryables", views.queryables, kwargs, name=name("queryables")),
        path(f"{prefix}collections/<str:name>/schema", views.schema, kwargs, name=name("schema")),
        path(f"{prefix}collections/<str:name>/schema/feature", views.feature_schema, kwargs,
             name=name("feature-schema")),
        path(f"{prefix}collections/<str:name>/items", views.items, kwargs, name=name("items")),
        path(f"{prefix}collections/<str:name>/items/<int:pk>", views.item, kwargs, name=name("item")),
    ]


urlpatterns = [
    *_routes("auth/", True, "-auth"),
    *_routes("", False, ""),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
