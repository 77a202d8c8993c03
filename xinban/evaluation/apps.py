from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "xinban.evaluation"
    label = "evaluation"
    verbose_name = _("成果评价及推优")
    default_auto_field = "django.db.models.BigAutoField"
