from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xinban.core"
    label = "core"

    def ready(self) -> None:
        from xinban.core import checks  # noqa: F401 - registers the system checks
