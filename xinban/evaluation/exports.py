"""The evaluation's lists as Excel (``/exports/<kind>.xlsx``, see xinban.exports): each
with the page's own selector and permission check, so a file holds exactly the rows the
page shows that user and is refused (403/404) exactly like the page.

- ``evaluation_formal``, ``evaluation_panel``, ``evaluation_ranking``,
  ``evaluation_candidates`` (staff): formal review, the expert panel, the per-domain
  ranking, the typical-experience candidates;
- ``evaluation_assignments`` (专家分配, staff): the applications under or ready for
  expert review with their experts, in the page's round (``round``; none: the latest);
- ``evaluation_rounds`` (评审轮次, staff): the year's rounds and their deadlines;
- ``expert_sheets`` (专家评审): an expert's own expert-stage sheets, nobody else's;
- ``guiding_candidates`` (典型经验审核): a guiding unit's candidates with its own verdict;
- ``my_outcomes`` (评价结果): the outcomes of the applicant's organisations, every year.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.applications.models import ApplicationState
from xinban.campaigns.models import Campaign
from xinban.campaigns.selectors import campaign_current
from xinban.core.roles import roles_of
from xinban.core.text import join_items
from xinban.evaluation import selectors
from xinban.evaluation.models import DecisionLevel, EvaluationRound
from xinban.evaluation.selectors import candidates_for_staff, expert_panel, formal_review_queue
from xinban.exports.registry import (
    ExportSpec,
    Table,
    _current_campaign,
    _sheet_status_label,
    _state_label,
    _yes,
    local_time,
    register,
)
from xinban.scoring.models import Judge, SheetStatus


def _evaluation_staff(user: User) -> Any:
    """The association's evaluation pages: staff (others 403), in the current year (none:
    404)."""
    if not user.has_perm("evaluation.manage"):
        raise PermissionDenied
    return _current_campaign()


def _formal_list(user: User, params: Mapping[str, str]) -> Table:
    """As the formal-review list (evaluation:formal_list), its state filter included."""
    campaign = _evaluation_staff(user)
    state = params.get("state", "")
    queue = formal_review_queue(
        campaign=campaign, state=state if state in ApplicationState.values else ""
    )
    all_ok, manual = _("均符合"), _("需人工审查")

    def rows() -> Iterator[list[Any]]:
        for row in queue:
            a = row.application
            checks = all_ok if row.automatic_ok else "：".join([manual, "；".join(row.failing)])
            yield [
                a.number,
                a.organisation.name,
                a.team_name,
                a.recommending_unit.name,
                checks,
                _state_label(a.state),
            ]

    return Table(count=len(queue), rows=rows)


def _expert_panel(user: User, params: Mapping[str, str]) -> Table:
    """As the expert panel (evaluation:panel): the year's experts and their load."""
    del params
    panel = expert_panel(campaign=_evaluation_staff(user))

    def rows() -> Iterator[list[Any]]:
        for row in panel:
            yield [
                row.judge.name,
                row.judge.employer,
                row.judge.tgq_number,
                join_items(d.name for d in row.judge.domains.all()),
                _yes(row.member.is_chair),
                row.submitted,
                row.assigned,
                row.member.capacity,
            ]

    return Table(count=len(panel), rows=rows)


def _expert_ranking(user: User, params: Mapping[str, str]) -> Table:
    """As the per-domain ranking (evaluation:ranking) with its round and normalisation
    switches; ``domain`` (a domain's name, the page's tab) keeps one domain, without it
    every domain is exported, each in its rank order."""
    campaign = _evaluation_staff(user)
    default = selectors.expert_normalise_default(campaign)
    normalise = params.get("normalise", "1" if default else "0") == "1"
    current = params.get("round", "")
    number = int(current) if current.isdigit() and len(current) < 6 else None
    entries = selectors.expert_rank_entries(campaign=campaign, round=number, normalise=normalise)
    domain = params.get("domain", "")
    if domain:
        names = list(dict.fromkeys(e.domain for e in entries))
        if domain not in names:  # as the page: an unknown domain is the first one
            domain = names[0] if names else ""
        entries = [e for e in entries if e.domain == domain]
    levels = {key: str(label) for key, label in DecisionLevel.choices}
    flag = _("分歧大")

    def rows() -> Iterator[list[Any]]:
        for start in range(0, len(entries), 1000):
            for line in selectors.ranking_lines(entries[start : start + 1000]):
                entry = line.entry
                yield [
                    entry.domain,
                    entry.rank,
                    line.number,
                    line.organisation_name,
                    line.team_name,
                    entry.score,
                    entry.judges,
                    flag if entry.flagged else "",
                    levels.get(line.decision or "", ""),
                    _yes(line.national),
                ]

    return Table(count=len(entries), rows=rows)


def _candidates(user: User, params: Mapping[str, str]) -> Table:
    """As the typical-experience candidates (evaluation:candidates)."""
    del params
    candidates = candidates_for_staff(campaign=_evaluation_staff(user))
    missing = _("未上传")

    def rows() -> Iterator[list[Any]]:
        for row in candidates:
            a = row.application
            decision = getattr(a, "evaluation_decision", None)
            yield [
                a.number,
                a.organisation.name,
                a.team_name,
                row.video.original_name if row.video else missing,
                "；".join(f"{r.guiding_unit.name}：{r.get_verdict_display()}" for r in row.reviews),
                _state_label(a.state),
                _yes(bool(decision and decision.national)),
            ]

    return Table(count=len(candidates), rows=rows)


register(
    ExportSpec(
        name="evaluation_formal",
        title=gettext_lazy("形式审查"),
        headers=lambda: [
            _("编号"),
            _("申报单位"),
            _("班组名称"),
            _("推荐单位"),
            _("自动核对"),
            _("状态"),
        ],
        table=_formal_list,
    )
)


register(
    ExportSpec(
        name="evaluation_panel",
        title=gettext_lazy("专家评委库"),
        headers=lambda: [
            _("姓名"),
            _("工作单位"),
            _("TGQ评委证书号"),
            _("擅长领域"),
            _("评审组长"),
            _("已提交"),
            _("已分配"),
            _("上限"),
        ],
        table=_expert_panel,
    )
)


register(
    ExportSpec(
        name="evaluation_ranking",
        title=gettext_lazy("分领域排序"),
        headers=lambda: [
            _("领域"),
            _("排名"),
            _("编号"),
            _("申报单位"),
            _("班组名称"),
            _("得分"),
            _("专家数"),
            _("专家意见分歧较大"),
            _("评价结果"),
            _("推荐全国"),
        ],
        table=_expert_ranking,
    )
)


register(
    ExportSpec(
        name="evaluation_candidates",
        title=gettext_lazy("典型经验候选"),
        headers=lambda: [
            _("编号"),
            _("申报单位"),
            _("班组名称"),
            _("发表视频"),
            _("指导单位审核"),
            _("状态"),
            _("推荐全国"),
        ],
        table=_candidates,
    )
)


def _round_of(campaign: Campaign, params: Mapping[str, str]) -> EvaluationRound | None:
    """The page's round (evaluation.views._round_from): ``round`` given, that round (an
    unknown one: none, so every round's experts); without it, the latest."""
    number = params.get("round", "")
    if number.isascii() and number.isdigit():
        if len(number) > 5:  # no round has such a number
            return None
        return EvaluationRound.objects.filter(campaign=campaign, number=int(number)).first()
    return selectors.round_latest(campaign)


def _assignments(user: User, params: Mapping[str, str]) -> Table:
    """As 专家分配 (evaluation:assignments), its round included."""
    campaign = _evaluation_staff(user)
    rows = selectors.assignment_rows(campaign=campaign, round=_round_of(campaign, params))

    def lines() -> Iterator[list[Any]]:
        for row in rows:
            a = row.application
            yield [
                a.number,
                a.organisation.name,
                a.team_name,
                row.domain,
                join_items(s.judge.name for s in row.sheets),
                join_items(s.judge.name for s in row.sheets if s.status == SheetStatus.SUBMITTED),
            ]

    return Table(count=len(rows), rows=lines)


def _rounds(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As 评审轮次 (evaluation:rounds): the current year's rounds in order."""
    del params
    campaign = _evaluation_staff(user)
    return EvaluationRound.objects.filter(campaign=campaign).order_by("number")


def _expert_sheets(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As 专家评审 (evaluation:expert_home): the user's own expert-stage sheets of every
    year, in the page's order; someone with no Judge profile has no such list (404).
    Each with its round's deadline (of the sheet's own year)."""
    del params
    if not Judge.objects.filter(user=user).exists():
        raise Http404
    deadline = EvaluationRound.objects.filter(
        campaign_id=OuterRef("application__campaign_id"), number=OuterRef("round")
    ).values("deadline")[:1]
    return (
        selectors.expert_sheets(user=user)
        .select_related(None)
        .annotate(round_deadline=Subquery(deadline))
    )


def _guiding_candidates(user: User, params: Mapping[str, str]) -> Table:
    """As 典型经验审核 (evaluation:guiding_home): this year's candidates and typical
    experiences, each with the verdict of the user's own guiding unit; anyone who is not
    a guiding unit's member has no such list (404)."""
    del params
    roles = roles_of(user)
    if not roles.is_guiding:
        raise Http404
    candidates = selectors.guiding_candidates(user=user, campaign=campaign_current())
    mine = set(roles.guiding_unit_ids)
    missing, pending = _("未上传"), _("待审核")

    def lines() -> Iterator[list[Any]]:
        for a in candidates.iterator(chunk_size=500):
            video = getattr(a, "presentation_video", None)
            review = next((r for r in a.guiding_reviews.all() if r.guiding_unit_id in mine), None)
            yield [
                a.number,
                a.organisation.name,
                a.team_name,
                video.original_name if video else missing,
                review.get_verdict_display() if review else pending,
            ]

    return Table(count=candidates.count(), rows=lines)


def _my_outcomes(user: User, params: Mapping[str, str]) -> Table:
    """As 评价结果 (evaluation:outcomes): the outcomes of the user's organisations' every
    application, every year (never an expert's name or score); no organisation, no list
    (404)."""
    del params
    if not roles_of(user).organisation_ids:
        raise Http404
    outcomes = selectors.applicant_outcomes(user=user)

    def lines() -> Iterator[list[Any]]:
        for row in outcomes:
            a = row.application
            yield [
                a.campaign.year,
                a.number,
                a.team_name,
                row.state_label,
                row.formal_outcome,
                row.return_reason,
                row.decision_level,
                _yes(row.national),
            ]

    return Table(count=len(outcomes), rows=lines)


register(
    ExportSpec(
        name="evaluation_assignments",
        title=gettext_lazy("专家分配"),
        headers=lambda: [
            _("编号"),
            _("申报单位"),
            _("班组名称"),
            _("领域"),
            _("专家"),
            _("已提交"),
        ],
        table=_assignments,
    )
)
register(
    ExportSpec(
        name="evaluation_rounds",
        title=gettext_lazy("评审轮次"),
        headers=lambda: [_("轮次"), _("评分截止时间")],
        queryset=_rounds,
        fields=("number", "deadline"),
        transforms={1: local_time},
    )
)
register(
    ExportSpec(
        name="expert_sheets",
        title=gettext_lazy("专家评审"),
        headers=lambda: [
            _("编号"),
            _("申报单位"),
            _("班组名称"),
            _("年度"),
            _("轮次"),
            _("评分截止时间"),
            _("状态"),
        ],
        queryset=_expert_sheets,
        fields=(
            "application__number",
            "application__organisation__name",
            "application__team_name",
            "application__campaign__year",
            "round",
            "round_deadline",
            "status",
        ),
        transforms={5: local_time, 6: _sheet_status_label},
    )
)
register(
    ExportSpec(
        name="guiding_candidates",
        title=gettext_lazy("典型经验审核"),
        headers=lambda: [
            _("编号"),
            _("申报单位"),
            _("班组名称"),
            _("发表视频"),
            _("审核意见"),
        ],
        table=_guiding_candidates,
    )
)
register(
    ExportSpec(
        name="my_outcomes",
        title=gettext_lazy("评价结果"),
        headers=lambda: [
            _("年度"),
            _("编号"),
            _("班组名称"),
            _("状态"),
            _("形式审查"),
            _("退回原因"),
            _("评价结果"),
            _("推荐全国"),
        ],
        table=_my_outcomes,
    )
)
