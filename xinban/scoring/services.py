"""Score sheet writes: the default rubric, judges' drafts and submissions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import MaterialArea
from xinban.campaigns.models import Campaign, PhaseKind
from xinban.campaigns.selectors import phase_is_open, phase_window_end
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError, WindowClosed, WrongState
from xinban.core.text import join_items
from xinban.scoring import aggregation
from xinban.scoring.models import (
    Criterion,
    CriterionScore,
    Rubric,
    ScoreSheet,
    SheetStatus,
    Stage,
)

# One criterion per material area (docs/architecture.md, "Scores and rankings"); staff edit weights
# and maxima per year.
DEFAULT_CRITERIA: list[tuple[int, str, Decimal]] = [
    (MaterialArea.COMPOSITION, "Team composition, duties, culture and vision", Decimal("15")),
    (MaterialArea.BASIC_MANAGEMENT, "Basic management", Decimal("15")),
    (MaterialArea.SKILLS, "Knowledge, skills training and use of tools", Decimal("20")),
    (MaterialArea.IMPROVEMENT, "Quality improvement and innovation", Decimal("20")),
    (MaterialArea.RESULTS, "Management features, results and evaluation", Decimal("20")),
    (MaterialArea.HONOURS, "Honours in the last three years", Decimal("10")),
]

# What each default criterion looks at (Chinese, English), shown under its input.
DEFAULT_DESCRIPTORS: dict[int, tuple[str, str]] = {
    MaterialArea.COMPOSITION: (
        "班组构成合理、职责明确，有班组文化和共同愿景",
        "Sound make-up, clear duties, a team culture and a shared vision",
    ),
    MaterialArea.BASIC_MANAGEMENT: (
        "制度、标准和记录完整，并得到有效执行",
        "Rules, standards and records complete and applied",
    ),
    MaterialArea.SKILLS: (
        "培训有计划有记录，质量工具运用得当",
        "Planned, recorded training; quality tools used well",
    ),
    MaterialArea.IMPROVEMENT: (
        "持续开展改进与创新，成效有数据支撑",
        "Continual improvement and innovation, results backed by data",
    ),
    MaterialArea.RESULTS: (
        "管理特色鲜明，成果可量化，相关方评价良好",
        "Distinctive management, measurable results, good feedback",
    ),
    MaterialArea.HONOURS: (
        "近三年获得的荣誉及其级别",
        "Honours of the last three years and their level",
    ),
}

STAGE_PHASE = {Stage.UNIT: PhaseKind.RECOMMENDATION, Stage.EXPERT: PhaseKind.EVALUATION}


def rubric_for(*, campaign: Campaign, stage: str) -> Rubric:
    """The campaign's rubric for a stage, created with the default criteria when missing."""
    rubric, created = Rubric.objects.get_or_create(campaign=campaign, stage=stage)
    if created:
        Criterion.objects.bulk_create(
            Criterion(
                rubric=rubric,
                name=str(MaterialArea(area).label),
                name_en=english,
                descriptor=DEFAULT_DESCRIPTORS.get(area, ("", ""))[0],
                descriptor_en=DEFAULT_DESCRIPTORS.get(area, ("", ""))[1],
                max_points=max_points,
                position=i,
            )
            for i, (area, english, max_points) in enumerate(DEFAULT_CRITERIA)
        )
    return rubric


def engine_criteria(rubric: Rubric) -> list[aggregation.Criterion]:
    return [
        aggregation.Criterion(key=str(c.pk), weight=c.weight, max_points=c.max_points)
        for c in rubric.criteria.all()
    ]


def _parse_points(
    raw: Mapping[int, Any], criteria: list[Criterion], *, complete: bool
) -> dict[int, Decimal]:
    """Validate points per criterion; returns criterion id → points. Errors name the field
    `points_<criterion id>` so pages and the API can show them at the input."""
    values: dict[int, Decimal] = {}
    for criterion in criteria:
        value = raw.get(criterion.pk)
        if value in (None, ""):
            if complete:
                raise ServiceError(
                    _("请为“%(name)s”打分。") % {"name": criterion.label},
                    code="points_missing",
                    field=f"points_{criterion.pk}",
                )
            continue
        try:
            points = Decimal(str(value))
        except (InvalidOperation, ValueError) as exc:
            raise ServiceError(
                _("“%(name)s”的得分应为数字。") % {"name": criterion.label},
                code="points_invalid",
                field=f"points_{criterion.pk}",
            ) from exc
        if not points.is_finite() or points < 0 or points > criterion.max_points:
            raise ServiceError(
                _("“%(name)s”的得分应在 0 到 %(max)s 之间。")
                % {"name": criterion.label, "max": criterion.max_points},
                code="points_range",
                field=f"points_{criterion.pk}",
            )
        if points != points.quantize(Decimal("0.1")):
            raise ServiceError(
                _("得分最多保留一位小数。"), code="points_decimals", field=f"points_{criterion.pk}"
            )
        values[criterion.pk] = points
    return values


class SheetIncomplete(ServiceError):
    """Submission refused: ``problems`` maps every missing item's field to its message,
    and the message names them all (docs/forms.md, "Score sheets")."""

    def __init__(self, message: str, *, code: str, field: str, problems: dict[str, str]):
        super().__init__(message, code=code, field=field)
        self.problems = problems


def _check_complete(
    points: Mapping[int, Any],
    criteria: list[Criterion],
    conformity: str,
    features: str,
    shortcomings: str,
) -> None:
    """Before a submission: every criterion scored and the three texts written, else one
    refusal naming every missing item (code ``points_missing`` when a score is missing,
    else ``text_missing``; ``field`` the first missing one)."""
    problems: dict[str, str] = {}
    names: list[str] = []
    for criterion in criteria:
        if points.get(criterion.pk) in (None, ""):
            problems[f"points_{criterion.pk}"] = _("请为“%(name)s”打分。") % {
                "name": criterion.label
            }
            names.append(criterion.label)
    for name, text, label in (
        ("conformity", conformity, _("符合标准程度")),
        ("features", features, _("特色")),
        ("shortcomings", shortcomings, _("不足之处")),
    ):
        if not text.strip():
            problems[name] = _("提交前请填写“%(label)s”。") % {"label": label}
            names.append(str(label))
    if problems:
        code = (
            "points_missing" if any(k.startswith("points_") for k in problems) else "text_missing"
        )
        raise SheetIncomplete(
            _("还不能提交，缺少：%(items)s。") % {"items": join_items(names)},
            code=code,
            field=next(iter(problems)),
            problems=problems,
        )


def sheet_deadline(sheet: ScoreSheet) -> Any:
    """When the sheet's scoring window closes (extensions for the unit included), shown on
    the sheet; None without a window."""
    application = sheet.application
    window = phase_window_end(
        campaign=application.campaign,
        kind=STAGE_PHASE[Stage(sheet.stage)],
        unit_id=application.recommending_unit_id if sheet.stage == Stage.UNIT else None,
    )
    return window[1] if window else None


# What the stage that owns a sheet adds before it may be written (the unit's review: its
# 推荐表 not yet filed; the association's: under expert review, before the round's
# deadline). The owning app registers it in its AppConfig.ready(), so scoring — below
# both — imports neither (docs/architecture.md, "Layers").
SheetGate = Callable[[ScoreSheet], None]
_SHEET_GATES: dict[str, SheetGate] = {}


def register_sheet_gate(stage: str, gate: SheetGate) -> None:
    """``gate(sheet)`` raises a ServiceError when the sheet may not be written now."""
    _SHEET_GATES[stage] = gate


def sheet_save(
    *,
    actor: User,
    sheet: ScoreSheet,
    points: Mapping[int, Any],
    conformity: str,
    features: str,
    shortcomings: str,
    submit: bool,
) -> ScoreSheet:
    """A judge saves a draft or submits their sheet (submitted sheets are final)."""
    with transaction.atomic():
        current = (
            ScoreSheet.objects.select_for_update()
            .select_related("judge", "application__campaign")
            .get(pk=sheet.pk)
        )
        if current.judge.user_id != actor.pk:
            raise NotAllowed(_("只能填写分配给自己的评分表。"), code="not_own_sheet")
        if current.status == SheetStatus.SUBMITTED:
            raise WrongState(_("评分表已提交，不能再修改。"), code="sheet_submitted")
        application = current.application
        if not phase_is_open(
            campaign=application.campaign,
            kind=STAGE_PHASE[Stage(current.stage)],
            unit_id=application.recommending_unit_id if current.stage == Stage.UNIT else None,
        ):
            raise WindowClosed(_("评审不在开放时间内。"), code="window_closed")
        gate = _SHEET_GATES.get(current.stage)
        if gate is not None:
            gate(current)
        rubric = rubric_for(campaign=application.campaign, stage=current.stage)
        criteria = list(rubric.criteria.all())
        if submit:
            _check_complete(points, criteria, conformity, features, shortcomings)
        values = _parse_points(points, criteria, complete=submit)
        CriterionScore.objects.filter(sheet=current).exclude(criterion_id__in=values).delete()
        for criterion_id, value in values.items():
            CriterionScore.objects.update_or_create(
                sheet=current, criterion_id=criterion_id, defaults={"points": value}
            )
        current.conformity, current.features, current.shortcomings = (
            conformity,
            features,
            shortcomings,
        )
        if submit:
            current.total = aggregation.weighted_total(
                {str(k): v for k, v in values.items()}, engine_criteria(rubric)
            )
            current.status = SheetStatus.SUBMITTED
            current.submitted_at = timezone.now()
        else:
            current.status = SheetStatus.DRAFT
        current.save()
        audit_record(
            actor=actor,
            action="scoring.sheet_submit" if submit else "scoring.sheet_save",
            obj=current,
            changes={
                "points": {str(k): str(v) for k, v in values.items()},
                "total": str(current.total) if current.total is not None else None,
            },
        )
    return current
