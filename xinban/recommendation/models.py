"""A recommending unit's work on the applications that chose it: its judge panel,
invitations, notes, the recommendation list and the signed 附件5."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinban.core.stamp import ScanCheck
from xinban.core.validators import validate_phone


class PanelMember(models.Model):
    """A judge on a recommending unit's panel."""

    unit = models.ForeignKey(
        "organisations.RecommendingUnit", on_delete=models.CASCADE, related_name="panel"
    )
    judge = models.ForeignKey("scoring.Judge", on_delete=models.CASCADE, related_name="unit_panels")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "judge"], name="panel_member_unique")
        ]
        verbose_name = _("推荐单位评委")
        verbose_name_plural = _("推荐单位评委")

    def __str__(self) -> str:
        return f"{self.unit} · {self.judge}"


class InvitationRole(models.TextChoices):
    ADMIN = "admin", _("管理员")
    MEMBER = "member", _("工作人员")
    JUDGE = "judge", _("评委")


class Invitation(models.Model):
    """An e-mailed link that makes its acceptor a member (or judge) of a unit."""

    unit = models.ForeignKey("organisations.RecommendingUnit", on_delete=models.CASCADE)
    email = models.EmailField(_("邮箱"))
    role = models.CharField(_("角色"), max_length=10, choices=InvitationRole.choices)
    token = models.CharField(max_length=64, unique=True)
    judge = models.ForeignKey(
        "scoring.Judge", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("邀请")
        verbose_name_plural = _("邀请")

    def __str__(self) -> str:
        return f"{self.email} → {self.unit}"


class UnitNote(models.Model):
    """The unit's own notes on an application: on-site review (现场评审)."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="unit_note"
    )
    on_site_review = models.BooleanField(_("需现场评审"), default=False)
    on_site_date = models.DateField(_("现场评审日期"), null=True, blank=True)
    on_site_notes = models.TextField(_("现场评审记录"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("现场评审")
        verbose_name_plural = _("现场评审")

    def __str__(self) -> str:
        return f"{self.application_id} {self.on_site_date or ''}"


class UnitQuota(models.Model):
    """Staff raise a unit's per-organisation quota for a year (default: the campaign's)."""

    unit = models.ForeignKey("organisations.RecommendingUnit", on_delete=models.CASCADE)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE)
    per_organisation = models.PositiveSmallIntegerField(_("每家申报单位推荐名额"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "campaign"], name="quota_unique")]
        verbose_name = _("推荐名额")
        verbose_name_plural = _("推荐名额")

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.campaign_id}: {self.per_organisation}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("填写中")
    SUBMITTED = "submitted", _("已报送")
    VOIDED = "voided", _("推荐无效")


class UnitRecommendationReport(models.Model):
    """附件5 推荐表 of one unit for one year; submitting it locks the recommendations."""

    unit = models.ForeignKey(
        "organisations.RecommendingUnit", on_delete=models.PROTECT, related_name="reports"
    )
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    filler_name = models.CharField(_("填表人"), max_length=30, blank=True)
    filler_phone = models.CharField(
        _("电话"), max_length=20, blank=True, validators=[validate_phone]
    )
    fill_date = models.DateField(_("填表日期"), null=True, blank=True)
    no_fee_declared = models.BooleanField(
        _("未以任何形式、任何名义向参与活动和推荐申报的单位和班组收取任何费用"), default=False
    )
    declaration_accepted = models.BooleanField(_("确认推荐声明"), default=False)
    stamped_scan = models.FileField(_("盖章推荐表扫描件"), upload_to="unit_reports/%Y/", blank=True)
    stamped_scan_name = models.CharField(max_length=200, blank=True)
    # The stamp check of the scan (docs/rules.md, "The stamp check") and the version its
    # code named.
    stamped_check = models.CharField(
        _("盖章推荐表核验"), max_length=12, choices=ScanCheck.choices, blank=True
    )
    stamped_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    void_reason = models.TextField(_("推荐无效原因"), blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "campaign"], name="unit_report_unique")
        ]
        verbose_name = _("推荐表（附件5）")
        verbose_name_plural = _("推荐表（附件5）")

    def __str__(self) -> str:
        return f"{self.campaign.year} {self.unit}"

    @property
    def is_locked(self) -> bool:
        return self.status != ReportStatus.DRAFT


class Recommendation(models.Model):
    """An application the unit recommends upward, with its opinion and order."""

    report = models.ForeignKey(
        UnitRecommendationReport, on_delete=models.CASCADE, related_name="recommendations"
    )
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="recommendation"
    )
    opinion = models.TextField(_("推荐意见"))
    position = models.PositiveSmallIntegerField(_("排序"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "position", "id"]
        verbose_name = _("推荐")
        verbose_name_plural = _("推荐")

    def __str__(self) -> str:
        return f"{self.report} #{self.position} {self.application}"
