from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "xinban.api"
    label = "api"
