from django.contrib import admin

from xinban.organisations import models


class OrganisationMembershipInline(admin.TabularInline):
    model = models.OrganisationMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "created_at"]
    search_fields = ["name", "short_name"]
    inlines = [OrganisationMembershipInline]


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
