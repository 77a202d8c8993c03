from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationConfig(AppConfig):
    name = "xinban.recommendation"
    verbose_name = _("推荐单位评审")  # the admin's section heading
    label = "recommendation"

    def ready(self) -> None:
        # Imported in ready(): apps.py is loaded before the models (docs/architecture.md,
        # "Function-level imports").
        from xinban.recommendation.services import unit_sheet_gate
        from xinban.scoring.models import Stage
        from xinban.scoring.services import register_sheet_gate

        register_sheet_gate(Stage.UNIT, unit_sheet_gate)
