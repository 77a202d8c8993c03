"""Mounted at api/ by config/urls.py; the namespace "api" is the NinjaAPI's urls_namespace."""

from django.urls import URLPattern, URLResolver

from xinban.api.api import api

app_name = api.urls_namespace
urlpatterns: list[URLPattern | URLResolver] = list(api.urls[0])
