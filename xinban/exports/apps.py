from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from xinban.core.areas import area_modules


class ExportsConfig(AppConfig):
    name = "xinban.exports"
    label = "exports"
    verbose_name = _("Excel 导出")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each area's ``exports.py`` registers its lists (registry.register), found as every
        # extension point is (docs/architecture.md, "Extension points").
        area_modules("exports")
