from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "xinban.exports"
    label = "exports"
    verbose_name = _("Excel 导出")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each area's ``exports`` module registers its lists (registry.register).
        autodiscover_modules("exports")
