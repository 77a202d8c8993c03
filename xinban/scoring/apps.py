from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    """Judges, rubrics, score sheets and the one aggregation engine shared by the
    recommending units' judges and the association's experts."""

    name = "xinban.scoring"
    verbose_name = _("评分")  # the admin's section heading
    label = "scoring"

    def ready(self) -> None:
        from xinban.scoring import summaries

        summaries.connect()
