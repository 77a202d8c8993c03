from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "xinban.applications"
    label = "applications"
