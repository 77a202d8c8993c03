"""Publication's lists as Excel (``/exports/<kind>.xlsx``, see xinban.exports), each with
the page's own selector and permission check:

- ``public_results`` (结果公布, anyone): the published results with the page's filters;
- ``publication_years`` (结果发布与证书, staff): every year, whether its results are
  published, its number of published experiences and its certificate batch;
- ``public_cases`` (案例库, anyone): the case library's search, with the page's filters;
  the same published experiences as 结果公布 (``public_results``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.campaigns.models import Campaign
from xinban.exports.registry import (
    SPECS,
    ExportSpec,
    Table,
    register,
    require_staff,
    task_state_label,
)
from xinban.publication.models import CaseEntry, Level
from xinban.publication.selectors import CaseFilters, case_search
from xinban.tasks.models import Task


def _public_results(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As 结果公布 (publication:results), its filters included: published experiences
    only (the case entries are written when a year is published), as the public sees
    them."""
    del user  # public
    year = params.get("year", "")
    return case_search(
        CaseFilters(
            q=params.get("q", "")[:100],
            year=int(year) if year.isdigit() and len(year) == 4 else None,
            domain=params.get("domain", "")[:50],
            industry=params.get("industry", "")[:50],
            level=params.get("level", ""),
            unit=params.get("unit", "")[:100],
        )
    )


def _level_label(value: str) -> str:
    return str(dict(Level.choices).get(value, value))


register(
    ExportSpec(
        name="public_results",
        title=gettext_lazy("结果公布"),
        headers=lambda: [
            _("年度"),
            _("评价结果"),
            _("单位名称"),
            _("班组名称"),
            _("推荐单位"),
            _("领域"),
            _("行业"),
            _("成果摘要"),
        ],
        queryset=_public_results,
        fields=(
            "year",
            "level",
            "organisation_name",
            "team_name",
            "unit_name",
            "domain",
            "industries",
            "summary",
        ),
        transforms={1: _level_label},
        public=True,
    )
)


def _years(user: User, params: Mapping[str, str]) -> Table:
    """As 结果发布与证书 (publication:staff): staff only (others 403)."""
    del params
    require_staff(user)
    campaigns = list(Campaign.objects.order_by("-year"))
    entries = dict(
        CaseEntry.objects.order_by()
        .values_list("year")
        .annotate(n=Count("id"))
        .values_list("year", "n")
    )
    # As the page: each year's latest batch (shown once its results are published).
    tasks = {
        t.kwargs.get("campaign_id"): t
        for t in Task.objects.filter(name="publication.certificates").order_by("pk")
    }
    published, unpublished = _("已发布"), _("未发布")

    def rows() -> Iterator[list[Any]]:
        for campaign in campaigns:
            task = tasks.get(campaign.pk) if campaign.results_published else None
            yield [
                campaign.year,
                published if campaign.results_published else unpublished,
                entries.get(campaign.year, 0),
                task_state_label(task.state) if task else "",
            ]

    return Table(count=len(campaigns), rows=rows)


register(
    ExportSpec(
        name="publication_years",
        title=gettext_lazy("结果发布与证书"),
        headers=lambda: [_("年度"), _("状态"), _("公开成果"), _("证书")],
        table=_years,
    )
)
# The case library lists what 结果公布 lists (the same search, filters and columns).
register(replace(SPECS["public_results"], name="public_cases", title=gettext_lazy("案例库")))
