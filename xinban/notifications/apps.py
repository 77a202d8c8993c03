from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "xinban.notifications"
    label = "notifications"
    verbose_name = _("通知中心")
    default_auto_field = "django.db.models.BigAutoField"
