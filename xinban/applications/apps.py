from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "xinban.applications"
    verbose_name = _("申报")  # the admin's section heading
    label = "applications"
