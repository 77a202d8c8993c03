from django.apps import AppConfig


class RecommendationConfig(AppConfig):
    name = "xinban.recommendation"
    label = "recommendation"

    def ready(self) -> None:
        from xinban.recommendation.services import unit_sheet_gate
        from xinban.scoring.models import Stage
        from xinban.scoring.services import register_sheet_gate

        register_sheet_gate(Stage.UNIT, unit_sheet_gate)
