from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "xinban.organisations"
    verbose_name = _("单位与报名")  # the admin's section heading
    label = "organisations"
