from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xinban.accounts"
    label = "accounts"
