from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "xinban.campaigns"
    label = "campaigns"
