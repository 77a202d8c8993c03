from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    name = "xinban.publication"
    label = "publication"
    verbose_name = _("结果发布与证书")
    default_auto_field = "django.db.models.BigAutoField"
