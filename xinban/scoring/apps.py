from django.apps import AppConfig


class ScoringConfig(AppConfig):
    """Judges, rubrics, score sheets and the one aggregation engine shared by the
    recommending units' judges and the association's experts."""

    name = "xinban.scoring"
    label = "scoring"
