from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "xinban.evaluation"
    label = "evaluation"
    verbose_name = _("成果评价及推优")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported in ready(): apps.py is loaded before the models (docs/architecture.md,
        # "Function-level imports").
        from xinban.evaluation.services.expert_sheets import expert_sheet_gate
        from xinban.evaluation.services.video import VIDEO_PURPOSE, video_upload_allowed
        from xinban.scoring.models import Stage
        from xinban.scoring.services import register_sheet_gate
        from xinban.uploads_resumable.services import (
            UploadKind,
            UploadPurpose,
            register_upload_purpose,
        )

        # Only a candidate's applicant may upload its video (others: 404 at the start).
        register_upload_purpose(
            UploadPurpose(VIDEO_PURPOSE, kinds=(UploadKind.VIDEO,), may_use=video_upload_allowed)
        )
        register_sheet_gate(Stage.EXPERT, expert_sheet_gate)
