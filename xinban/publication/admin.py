from django.contrib import admin

from xinban.publication.models import Certificate, Notice, NoticeAttachment


class NoticeAttachmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = NoticeAttachment
    extra = 1


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "campaign", "published_at", "is_published")
    list_filter = ("is_published", "campaign")
    inlines = [NoticeAttachmentInline]
    search_fields = ("title",)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "year", "level", "organisation_name", "team_name")
    search_fields = ("code", "organisation_name", "team_name")
    readonly_fields = ("code", "year", "level", "organisation_name", "team_name", "pdf")
