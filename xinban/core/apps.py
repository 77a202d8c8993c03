from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xinban.core"
    verbose_name = _("审计与系统")  # the admin's section heading
    label = "core"

    def ready(self) -> None:
        from xinban.core import checks  # noqa: F401 - registers the system checks
