from django.urls import path

from . import views

urlpatterns = [
    path("tokens/", views.api_tokens, name="api-tokens"),
    path("tokens/<int:pk>/widerrufen/", views.revoke_api_token, name="api-token-revoke"),
]
