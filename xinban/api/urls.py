"""Mounted at api/ by config/urls.py; the namespace "api" is the NinjaAPI's urls_namespace.
Besides the API's own operations: the page where users manage their API tokens."""

from django.urls import URLPattern, URLResolver, path

from xinban.api import views
from xinban.api.api import api

app_name = api.urls_namespace
urlpatterns: list[URLPattern | URLResolver] = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
    *api.urls[0],
]
