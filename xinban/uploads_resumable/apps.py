from django.apps import AppConfig


class UploadsResumableConfig(AppConfig):
    name = "xinban.uploads_resumable"
    label = "uploads_resumable"
    default_auto_field = "django.db.models.BigAutoField"
