from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "xinban.reports"
    label = "reports"
    verbose_name = _("统计表与工作总结")
    default_auto_field = "django.db.models.BigAutoField"
