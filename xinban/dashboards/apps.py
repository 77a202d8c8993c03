from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "xinban.dashboards"
    label = "dashboards"
    verbose_name = _("统计看板")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from xinban.dashboards import judge_tallies, tallies

        tallies.connect()
        judge_tallies.connect()
