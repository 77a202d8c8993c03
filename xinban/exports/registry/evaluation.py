"""The association's evaluation lists: formal review, the expert panel, the per-domain
ranking, the typical-experience candidates."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.applications.models import ApplicationState
from xinban.core.text import join_items
from xinban.evaluation import selectors
from xinban.evaluation.models import DecisionLevel
from xinban.evaluation.selectors import candidates_for_staff, expert_panel, formal_review_queue
from xinban.exports.registry.base import (
    ExportSpec,
    Table,
    _current_campaign,
    _state_label,
    _yes,
    register,
)


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
