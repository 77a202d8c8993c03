from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "xinban.events"
    label = "events"
    verbose_name = _("活动与会议")
    default_auto_field = "django.db.models.BigAutoField"
