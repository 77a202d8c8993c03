"""What a recommending unit owes the association besides its recommendation (附件5): the
yearly statistics (附件6 成果统计表, covering the previous calendar year) and the work
summary (附件7 推进工作总结, at least 3,000 characters in three sections with a table of
events). One of each per unit and campaign year; submitting one locks it."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from xinban.core.stamp import ScanCheck
from xinban.core.validators import date_cn, validate_mainland_mobile, validate_postcode


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("填写中")
    SUBMITTED = "submitted", _("已报送")


class ReviewForm(models.TextChoices):
    """质量信得过班组建设经验评审及交流形式 (several may apply)."""

    PRESENTATION = "presentation", _("发表评审")
    MATERIALS = "materials", _("资料评审")
    ON_SITE = "on_site", _("现场评审")
    WITH_QC = "with_qc", _("与QC小组合开")
    SEPARATE = "separate", _("单独举办")


def _count(label: StrOrPromise) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, null=True, blank=True)


def _money(label: StrOrPromise) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


class UnitFiling(models.Model):
    """What 附件6 and 附件7 share: a draft the unit's admins edit (optimistic version),
    then submitted, which locks it."""

    status = models.CharField(
        _("状态"), max_length=10, choices=FilingStatus.choices, default=FilingStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def is_locked(self) -> bool:
        return self.status == FilingStatus.SUBMITTED


class StatisticsReport(UnitFiling):
    """附件6 成果统计表 of one unit, filed in a campaign year about the previous calendar
    year (the 2024 form covers January to December 2023)."""

    unit = models.ForeignKey(
        "organisations.RecommendingUnit",
        on_delete=models.CASCADE,
        related_name="statistics_reports",
        verbose_name=_("推荐单位"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="+", verbose_name=_("活动年度")
    )
    number = models.CharField(_("编号"), max_length=16, blank=True, editable=False)

    # The eight counted items, as the unit declares them.
    enterprises = _count(_("本年度开展质量信得过班组企业数（个）"))
    teams = _count(_("本年度开展质量信得过班组数（个）"))
    cumulative_teams = _count(_("历年质量信得过班组累计数（个）"))
    participants = _count(_("本年度参与质量信得过班组活动员工数（人次）"))
    recommended = _count(_("本年度推荐上海市质量信得过班组数（个）"))
    funding = _money(_("本年度对质量信得过班组活动经费投入（培训、交流、规范化等）（万元）"))
    rewards = _money(_("本年度对质量信得过班组活动奖励费用（万元）"))
    has_certified_judges = models.BooleanField(
        _("是否有取得中国质协评委证书的人员"), null=True, blank=True
    )
    certified_judges = _count(_("取得中国质协评委证书人数（人）"))

    features_and_problems = models.TextField(
        _("本年度开展质量信得过班组建设活动主要特点与问题"), blank=True
    )
    review_forms = models.JSONField(
        _("质量信得过班组建设经验评审及交流形式"), default=list, blank=True
    )
    session_held = models.BooleanField(_("是否组织发表会"), null=True, blank=True)
    session_registered_teams = _count(_("发表会报名班组数"))
    session_presented_teams = _count(_("发表班组数"))
    # Rule 11 (docs/rules.md): a date. Text of before that was not one date is kept in
    # ``session_time_legacy`` (migration reports/0003) and printed in its place.
    session_time = models.DateField(_("发表会时间"), null=True, blank=True)
    session_time_legacy = models.CharField(max_length=60, blank=True, editable=False)
    session_place = models.CharField(_("发表会地点"), max_length=100, blank=True)
    session_attendees = _count(_("参会人数"))

    department_and_head = models.CharField(
        _("质量信得过班组工作归口部门及负责人"), max_length=100, blank=True
    )
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_mobile = models.CharField(
        _("联系人手机"), max_length=11, blank=True, validators=[validate_mainland_mobile]
    )
    contact_email = models.EmailField(_("联系人邮箱"), blank=True)
    address = models.CharField(_("通信地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮编"), max_length=6, blank=True, validators=[validate_postcode])
    filler_name = models.CharField(_("填表人"), max_length=30, blank=True)
    fill_date = models.DateField(_("填表日期"), null=True, blank=True)
    # Rule 11 (docs/rules.md): 附件6 carries the unit's stamp like 附件5.
    stamped_scan = models.FileField(
        _("盖章统计表扫描件"), upload_to="unit_statistics/%Y/", blank=True
    )
    stamped_scan_name = models.CharField(max_length=200, blank=True)
    # The stamp check of the scan (docs/rules.md, "The stamp check") and the version its
    # code named, as 附件5's.
    stamped_check = models.CharField(
        _("盖章统计表核验"), max_length=12, choices=ScanCheck.choices, blank=True
    )
    stamped_version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "campaign"], name="statistics_report_unique")
        ]
        verbose_name = _("成果统计表（附件6）")
        verbose_name_plural = _("成果统计表（附件6）")

    def __str__(self) -> str:
        return f"{self.campaign.year} {self.unit} 附件6"

    @property
    def session_time_text(self) -> str:
        """发表会时间 as the forms print it ("2025年6月18日")."""
        return date_cn(self.session_time) or self.session_time_legacy

    @property
    def period_year(self) -> int:
        """The calendar year the figures are about."""
        return self.campaign.year - 1


class WorkSummary(UnitFiling):
    """附件7 推进工作总结 of one unit for one campaign year: the three sections with their
    sub-points, and (in section 一.2) the table of the year's events."""

    unit = models.ForeignKey(
        "organisations.RecommendingUnit",
        on_delete=models.CASCADE,
        related_name="work_summaries",
        verbose_name=_("推荐单位"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="+", verbose_name=_("活动年度")
    )
    # 一、基本情况
    overview = models.TextField(
        _(
            "1. 全年质量信得过班组活动开展情况介绍，"
            "年度重点工作任务（标准普及宣传、专家和骨干队伍建设）等"
        ),
        blank=True,
    )
    # 二、推进经验和做法
    methods = models.TextField(
        _("1. 推进质量信得过班组活动过程中采取的具有特色的方法、措施和取得的效果"), blank=True
    )
    highlights = models.TextField(
        _("2. 本行业、区、集团企业开展质量信得过班组建设突出事迹"), blank=True
    )
    # 三、存在问题及改进方向
    problems = models.TextField(_("1. 年度活动推进存在的问题或遇到的困难"), blank=True)
    directions = models.TextField(_("2. 未来改进方向和拟采取的措施"), blank=True)
    suggestions = models.TextField(_("3. 需要上海市质协支持或对今后活动推进的建议"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "campaign"], name="work_summary_unique")
        ]
        verbose_name = _("推进工作总结（附件7）")
        verbose_name_plural = _("推进工作总结（附件7）")

    def __str__(self) -> str:
        return f"{self.campaign.year} {self.unit} 附件7"


SUMMARY_TEXT_FIELDS = ("overview", "methods", "highlights", "problems", "directions", "suggestions")


class SummaryEvent(models.Model):
    """One row of 附件7 一.2: an event run to promote the campaign."""

    summary = models.ForeignKey(WorkSummary, on_delete=models.CASCADE, related_name="events")
    position = models.PositiveSmallIntegerField(default=0)
    # Rule 11 (docs/rules.md): a date; text of before that was not one date is kept in
    # ``held_on_legacy`` (migration reports/0003) and printed in its place.
    held_on = models.DateField(_("时间"), null=True)
    held_on_legacy = models.CharField(max_length=40, blank=True, editable=False)
    place = models.CharField(_("地点"), max_length=100)
    name = models.CharField(_("名称"), max_length=100)
    content = models.CharField(_("内容/形式"), max_length=300)
    participants = models.PositiveIntegerField(_("参与人数"), null=True, blank=True)

    class Meta:
        ordering = ["summary", "position", "id"]
        verbose_name = _("推进活动")
        verbose_name_plural = _("推进活动")

    def __str__(self) -> str:
        return f"{self.held_on_text} {self.name}"

    @property
    def held_on_text(self) -> str:
        """The event's 时间 as the forms print it ("2025年3月15日")."""
        return date_cn(self.held_on) or self.held_on_legacy


EVENT_TEXT_FIELDS = ("held_on", "place", "name", "content")
