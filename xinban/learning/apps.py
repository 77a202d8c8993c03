from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "xinban.learning"
    label = "learning"
    verbose_name = _("在线学习")
    default_auto_field = "django.db.models.BigAutoField"
