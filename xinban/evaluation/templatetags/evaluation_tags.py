"""The domain ranking's rows, rendered in Python: a template loop over 50 rows with a few
lookups each costs more than the rest of the page (see the bench's domain_ranking)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from xinban.evaluation.models import DecisionLevel

register = template.Library()


@register.simple_tag
def expert_ranking_rows(rows: Any) -> SafeString:
    if not rows:
        return format_html(
            '<tr><td colspan="5" class="text-muted">{}</td></tr>', _("暂无专家评分。")
        )
    prefix = escape(reverse("evaluation:application", args=[0])[: -len("0/")])
    flag = format_html(
        ' <span class="badge text-bg-warning" title="{}">{}</span>',
        _("专家意见分歧较大"),
        _("分歧大"),
    )
    national = escape(" · " + _("推荐全国"))
    levels = {key: escape(label) for key, label in DecisionLevel.choices}
    out = []
    for row in rows:
        entry = row.entry
        rank = "—" if entry.rank is None else int(entry.rank)
        score = "—" if entry.score is None else escape(entry.score)
        decision = levels.get(row.decision, "—") if row.decision else "—"
        out.append(
            f"<tr><td>{rank}</td>"
            f'<td><a href="{prefix}{int(row.pk)}/">{escape(row.team_name)}</a><br>'
            f'<span class="small text-muted">{escape(row.number)} · '
            f"{escape(row.organisation_name)}</span></td>"
            f"<td>{score}{flag if entry.flagged else ''}</td><td>{int(entry.judges)}</td>"
            f"<td>{decision}{national if row.national else ''}</td></tr>"
        )
    return mark_safe("".join(out))  # noqa: S308 - user texts escaped above, the rest numbers
