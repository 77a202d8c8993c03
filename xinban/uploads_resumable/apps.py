from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UploadsResumableConfig(AppConfig):
    name = "xinban.uploads_resumable"
    verbose_name = _("大文件上传")  # the admin's section heading
    label = "uploads_resumable"
    default_auto_field = "django.db.models.BigAutoField"
