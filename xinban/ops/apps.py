from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "xinban.ops"
    label = "ops"
