from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xinban.core"
    label = "core"
