from django.urls import path

from . import owner_views

urlpatterns = [
    path("", owner_views.dashboard, name="owner-dashboard"),
    path("einwilligung/", owner_views.consent, name="owner-consent"),
    path("angebote/<int:pk>/", owner_views.edit_listing, name="owner-listing"),
    path("angebote/<int:pk>/veroeffentlichen/", owner_views.set_published, name="owner-publish"),
    path("fotos/<int:pk>/loeschen/", owner_views.delete_photo, name="owner-photo-delete"),
    path("einladung/<uidb64>/<token>/", owner_views.InvitationView.as_view(), name="owner-invitation"),
]
