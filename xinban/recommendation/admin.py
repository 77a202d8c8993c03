from django.contrib import admin

from xinban.core.admin_audit import AuditedAdmin
from xinban.recommendation import models


@admin.register(models.UnitRecommendationReport)
class UnitRecommendationReportAdmin(admin.ModelAdmin):
    """Inspection; submission, void and quota go through the unit and staff pages."""

    list_display = ["unit", "campaign", "status", "submitted_at"]
    list_filter = ["campaign", "status"]
    readonly_fields = [f.name for f in models.UnitRecommendationReport._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(models.PanelMember)
class PanelMemberAdmin(admin.ModelAdmin):
    list_display = ["unit", "judge"]
    list_filter = ["unit"]


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "unit", "role", "created_at", "accepted_at"]
    list_filter = ["role", "unit"]
    readonly_fields = ["token"]


@admin.register(models.UnitQuota)
class UnitQuotaAdmin(AuditedAdmin):
    """A unit's raised quota (also set on the staff's 附件5 page); audited (rule 15)."""

    list_display = ["unit", "campaign", "per_organisation", "reason"]
    list_filter = ["campaign"]
    audit_save = "unit.quota_admin_save"
    audit_delete = "unit.quota_admin_delete"
