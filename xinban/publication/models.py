"""Publication (docs/architecture.md, "Publication"): the association's notices, what each
organisation agreed to
publish, the case library's entries (one per published experience, denormalised for
search), and certificates with their verification codes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """A notice of the association, a public page: title, date, a body in Markdown
    (headings, lists, bold, links, tables; raw HTML is shown as text) and attachments.
    A notice of a campaign year also offers that year's blank forms (附件1–7) and the
    association's contact (docs/architecture.md, "Publication")."""

    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(
        _("内容"),
        help_text=_("支持 Markdown 格式：# 标题、- 列表、**加粗**、[链接](https://…)、表格。"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
        verbose_name=_("活动年度"),
        help_text=_("年度活动通知：页面提供该年度的空白表格（附件1–7）下载和联系人。"),
    )
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    is_published = models.BooleanField(_("已发布"), default=True)

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("通知公告")
    )
    title = models.CharField(_("附件名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="notices/%Y/")
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("通知附件")
        verbose_name_plural = _("通知附件")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class ConsentScope(models.TextChoices):
    NAMES = "names", _("仅公开单位、班组名称和评价结果")
    SUMMARY = "summary", _("另公开班组概况和改进成果摘要")
    FULL = "full", _("另公开六方面创建材料全文")


class PublicationConsent(models.Model):
    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="publication_consent"
    )
    scope = models.CharField(
        _("同意公开的范围"), max_length=10, choices=ConsentScope.choices, default=ConsentScope.NAMES
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("公开授权")
        verbose_name_plural = _("公开授权")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.scope}"


class Level(models.TextChoices):
    SELECTED = "selected", _("建设经验")
    TYPICAL = "typical", _("典型经验")
    NATIONAL = "national", _("推荐全国质量信得过班组典型经验")


class CaseEntry(models.Model):
    """One published experience as the public sees it (names frozen at publication,
    texts only as far as the organisation agreed). ``search_text`` is what the case
    library searches (an FTS5 trigram index on SQLite; on PostgreSQL a GIN index of its
    characters and character pairs, in the generated column ``search_grams`` the model does
    not declare: migration 0007)."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="case_entry"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    level = models.CharField(_("评价结果"), max_length=10, choices=Level.choices)
    organisation_name = models.CharField(_("单位名称"), max_length=200)
    team_name = models.CharField(_("班组名称"), max_length=100)
    unit_name = models.CharField(_("推荐单位"), max_length=100)
    domain = models.CharField(_("领域"), max_length=50, blank=True, db_index=True)
    industries = models.CharField(_("行业"), max_length=300, blank=True)
    summary = models.TextField(_("成果摘要"), blank=True)
    materials = models.JSONField(_("公开的创建材料"), default=dict, blank=True)
    search_text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("案例")
        verbose_name_plural = _("案例")
        ordering = ["-year", "level", "organisation_name", "id"]
        indexes = [
            models.Index(fields=["year", "level"]),
            # The listing's order, so that a page of it needs no sort of every entry.
            models.Index(
                fields=["-year", "level", "organisation_name", "id"], name="publication_case_order"
            ),
            # A search's order (newest first).
            models.Index(fields=["-year", "-id"], name="publication_case_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.organisation_name} {self.team_name}"


class Certificate(models.Model):
    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(_("证书编号"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.CharField(_("评价结果"), max_length=10, choices=Level.choices)
    organisation_name = models.CharField(_("单位名称"), max_length=200)
    team_name = models.CharField(_("班组名称"), max_length=100)
    pdf = models.FileField(_("证书文件"), upload_to="certificates/%Y/", blank=True)
    issued_at = models.DateTimeField(_("颁发时间"), default=timezone.now)

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")

    def __str__(self) -> str:
        return self.code
