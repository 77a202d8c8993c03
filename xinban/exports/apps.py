from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "xinban.exports"
    label = "exports"
    verbose_name = _("Excel 导出")
    default_auto_field = "django.db.models.BigAutoField"
