"""Staff configure the evaluation here: the yearly formal-review checklist, the expert
panel (capacity, chair), experts' employment history and the rounds. Outcomes — formal
reviews, decisions, videos, guiding reviews — are written by the services (audited) and
are read-only here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinban.evaluation import models
from xinban.scoring.models import JudgeEmployment


@admin.register(models.ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    """The 附件4 checklist per year: staff edit the texts, order and which are active, and
    add their own items (ticked by hand)."""

    list_display = ["text", "campaign", "key", "position", "active"]
    list_editable = ["position", "active"]
    list_filter = ["campaign", "active"]
    search_fields = ["text"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The key ties a default item to its automatic check; it is not edited.
        return ["key"]


@admin.register(models.ExpertPanelMember)
class ExpertPanelMemberAdmin(admin.ModelAdmin):
    list_display = ["judge", "campaign", "capacity", "is_chair"]
    list_editable = ["capacity", "is_chair"]
    list_filter = ["campaign", "is_chair"]
    search_fields = ["judge__name", "judge__tgq_number", "judge__employer"]
    autocomplete_fields = ["judge"]


@admin.register(JudgeEmployment)
class JudgeEmploymentAdmin(admin.ModelAdmin):
    list_display = ["judge", "organisation_name", "start_year", "end_year", "organisation"]
    search_fields = ["judge__name", "organisation_name"]
    autocomplete_fields = ["judge", "organisation"]


@admin.register(models.EvaluationRound)
class EvaluationRoundAdmin(admin.ModelAdmin):
    list_display = ["campaign", "number", "deadline"]
    list_filter = ["campaign"]


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Inspection only: the services write these, with an audit entry."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.FormalReview)
class FormalReviewAdmin(_ReadOnlyAdmin):
    list_display = ["application", "outcome", "bulk", "reviewed_by", "reviewed_at"]
    list_filter = ["outcome", "bulk"]
    search_fields = ["application__number", "application__team_name"]


@admin.register(models.Decision)
class DecisionAdmin(_ReadOnlyAdmin):
    list_display = ["application", "level", "national", "decided_by", "decided_at"]
    list_filter = ["level", "national"]
    search_fields = ["application__number", "application__team_name"]


@admin.register(models.PresentationVideo)
class PresentationVideoAdmin(_ReadOnlyAdmin):
    list_display = ["application", "original_name", "size", "uploaded_at", "uploaded_by"]
    search_fields = ["application__number", "original_name"]


@admin.register(models.GuidingReview)
class GuidingReviewAdmin(_ReadOnlyAdmin):
    list_display = ["application", "guiding_unit", "verdict", "reviewer", "reviewed_at"]
    list_filter = ["verdict", "guiding_unit"]
