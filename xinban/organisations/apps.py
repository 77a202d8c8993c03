from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "xinban.organisations"
    label = "organisations"
