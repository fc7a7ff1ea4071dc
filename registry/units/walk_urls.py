from django.urls import path

from . import walk_views

app_name = "walk"
urlpatterns = [
    path("", walk_views.index, name="index"),
    path("<slug:slug>/", walk_views.walk, name="centre"),
]
