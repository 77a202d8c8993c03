from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from xinban.organisations import models, services


class OrganisationMembershipInline(admin.TabularInline):
    model = models.OrganisationMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "created_at"]
    search_fields = ["name", "short_name"]
    inlines = [OrganisationMembershipInline]

    def save_model(
        self, request: HttpRequest, obj: models.Organisation, form: Any, change: bool
    ) -> None:
        # A rename keeps the former name and is audited like one made on the site
        # (docs/rules.md, rule 14).
        if change and {"name", "short_name"} & set(form.changed_data):
            services.organisation_rename(
                actor=request.user,  # type: ignore[arg-type]
                organisation=models.Organisation.objects.get(pk=obj.pk),
                name=obj.name,
                short_name=obj.short_name,
                reason=_("在管理后台修改"),
            )
            return
        super().save_model(request, obj, form, change)


@admin.register(models.OrganisationRename)
class OrganisationRenameAdmin(admin.ModelAdmin):
    list_display = ["old_name", "new_name", "renamed_at", "renamed_by"]
    search_fields = ["old_name", "new_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UnitMembershipInline(admin.TabularInline):
    model = models.UnitMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.RecommendingUnit)
class RecommendingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "active", "position"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    filter_horizontal = ["eligible_natures"]
    inlines = [UnitMembershipInline]


@admin.register(models.GuidingUnit)
class GuidingUnitAdmin(admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["members"]


@admin.register(models.Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "campaign", "nature", "domain", "is_member"]
    list_filter = ["campaign", "domain", "nature"]
    search_fields = ["organisation__name"]
