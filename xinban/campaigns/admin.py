from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.campaigns import models, services
from xinban.core.admin_audit import AuditedAdmin
from xinban.core.errors import ServiceError


class PhaseInline(admin.TabularInline):
    model = models.Phase
    extra = 0


@admin.register(models.Campaign)
class CampaignAdmin(AuditedAdmin):
    """Every change (limits, quotas, the windows inline) is audited (rule 15)."""

    audit_save = "campaign.admin_save"
    audit_delete = "campaign.admin_delete"
    list_display = [
        "year",
        "title",
        "max_applications_per_org",
        "default_recommend_quota",
        "results_published",
    ]
    inlines = [PhaseInline]
    actions = ["create_next_year"]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """A year added without phases gets the notice's nine (docs/deploy.md, "第一天 /
        First day"); staff edit them afterwards on the same page."""
        super().save_related(request, form, formsets, change)
        if not change and not form.instance.phases.exists():
            try:
                services.campaign_phases_from_template(
                    actor=request.user,  # type: ignore[arg-type]
                    campaign=form.instance,
                )
            except ServiceError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, _("已按通知填入九个阶段，可在此修改时间。"))

    @admin.action(description=gettext_lazy("以所选年度为模板创建下一年度"))
    def create_next_year(self, request: HttpRequest, queryset: QuerySet[models.Campaign]) -> None:
        for previous in queryset:
            try:
                created = services.campaign_create_from_previous(
                    actor=request.user,  # type: ignore[arg-type]
                    previous=previous,
                    year=previous.year + 1,
                )
            except ServiceError as exc:
                self.message_user(request, f"{previous.year}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("已创建 %(year)s 年度。") % {"year": created.year})


@admin.register(models.WindowExtension)
class WindowExtensionAdmin(AuditedAdmin):
    audit_save = "campaign.extension_admin_save"
    audit_delete = "campaign.extension_admin_delete"
    list_display = ["phase", "organisation", "unit", "until", "reason"]
    autocomplete_fields = ["organisation", "unit"]


for taxonomy in (
    models.OrganisationNature,
    models.Industry,
    models.Domain,
    models.TeamType,
    models.TeamNameEnding,
):
    admin.site.register(
        taxonomy,
        list_display=["name", "name_en", "position", "active"],
        list_editable=["position", "active"],
    )


@admin.register(models.Phase)
class PhaseAdmin(AuditedAdmin):
    """A window on its own (also editable inline on its campaign); audited (rule 15)."""

    list_display = ["campaign", "kind", "starts_at", "ends_at"]
    list_filter = ["campaign", "kind"]
    audit_save = "campaign.phase_admin_save"
    audit_delete = "campaign.phase_admin_delete"
