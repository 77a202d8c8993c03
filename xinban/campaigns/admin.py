from django.contrib import admin

from xinban.campaigns import models


class PhaseInline(admin.TabularInline):
    model = models.Phase
    extra = 0


@admin.register(models.Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "max_applications_per_org", "default_recommend_quota", "results_published"]
    inlines = [PhaseInline]


@admin.register(models.WindowExtension)
class WindowExtensionAdmin(admin.ModelAdmin):
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
