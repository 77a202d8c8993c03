from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "xinban.api"
    verbose_name = _("接口令牌")  # the admin's section heading
    label = "api"
