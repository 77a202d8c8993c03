from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "xinban.tasks"
    label = "tasks"
    verbose_name = _("后台任务")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Handlers register themselves when their app's ``tasks`` module is imported;
        # the web processes need them too (enqueue checks the name). Imported in ready():
        # apps.py is loaded before the models (docs/architecture.md, "Function-level imports").
        from xinban.tasks.worker import load_handlers

        load_handlers()
