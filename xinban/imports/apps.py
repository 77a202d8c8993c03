from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "xinban.imports"
    label = "imports"
    verbose_name = _("历年数据导入")
    default_auto_field = "django.db.models.BigAutoField"
