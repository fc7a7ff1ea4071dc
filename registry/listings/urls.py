from django.urls import path

from . import views

app_name = "listings"
urlpatterns = [
    path("", views.listing_list, name="list"),
    path("<slug:slug>/", views.listing_detail, name="detail"),
    path("<slug:slug>/danke/", views.inquiry_thanks, name="thanks"),
    path("<slug:slug>/aushang.pdf", views.poster, name="poster"),
]
