from django.urls import path

from . import views

app_name = "seekers"
urlpatterns = [
    path("neu/", views.new, name="new"),
    path("neu/gesendet/", views.sent, name="sent"),
    path("bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("abbestellen/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("verlaengern/<str:token>/", views.renew, name="renew"),
    path("verwaltung/", views.staff_list, name="staff-list"),
    path("verwaltung/neu/", views.staff_new, name="staff-new"),
    path("verwaltung/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("verwaltung/<int:pk>/vorschlagen/", views.staff_propose, name="staff-propose"),
    path("verwaltung/vorschlag/<int:pk>/", views.staff_outcome, name="staff-outcome"),
    path("verwaltung/einheit/<int:pk>/", views.staff_unit, name="staff-unit"),
    path("<str:token>/", views.manage, name="manage"),
    path("<str:token>/aktion/", views.manage_action, name="manage-action"),
]
