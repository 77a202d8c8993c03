"""The published results (结果公布), open to everyone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.exports.registry.base import ExportSpec, register
from xinban.publication.models import Level
from xinban.publication.selectors import CaseFilters, case_search


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
