from django.urls import path

from . import api

app_name = "units"
urlpatterns = [
    path("", api.create, name="create"),
    path("<int:pk>/", api.detail, name="detail"),
    path("<int:pk>/status/", api.change_status, name="status"),
    path("<int:pk>/checked/", api.mark_checked, name="checked"),
    path("<int:pk>/timeline/", api.timeline, name="timeline"),
    path("<int:pk>/restore/", api.restore, name="restore"),
]
