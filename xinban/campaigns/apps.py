from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "xinban.campaigns"
    verbose_name = _("活动年度与分类")  # the admin's section heading
    label = "campaigns"
