from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    name = "xinban.integrity"
    label = "integrity"
    verbose_name = _("查重")
    default_auto_field = "django.db.models.BigAutoField"
