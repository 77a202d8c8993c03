from django.contrib import admin

from xinban.core.admin_audit import AuditedAdmin
from xinban.scoring import models


class CriterionInline(admin.TabularInline):
    model = models.Criterion
    extra = 0


@admin.register(models.Rubric)
class RubricAdmin(AuditedAdmin):
    """Staff edit the rubric per campaign year and stage: criteria, weights, maxima;
    every change is audited (rule 15)."""

    audit_save = "scoring.rubric_admin_save"
    audit_delete = "scoring.rubric_admin_delete"

    list_display = ["campaign", "stage", "normalise_judges"]
    list_filter = ["stage"]
    inlines = [CriterionInline]


@admin.register(models.Judge)
class JudgeAdmin(admin.ModelAdmin):
    list_display = ["name", "employer", "tgq_number", "email", "mobile", "user"]
    search_fields = ["name", "employer", "tgq_number", "email"]
    autocomplete_fields = ["user", "employer_organisation"]


@admin.register(models.ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    list_display = ["judge", "organisation", "reason", "created_at"]
    search_fields = ["judge__name", "organisation__name"]


@admin.register(models.ScoreSheet)
class ScoreSheetAdmin(admin.ModelAdmin):
    """Inspection only: judges write sheets through their pages."""

    list_display = ["application", "judge", "stage", "round", "status", "total"]
    list_filter = ["stage", "status"]
    readonly_fields = [f.name for f in models.ScoreSheet._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
