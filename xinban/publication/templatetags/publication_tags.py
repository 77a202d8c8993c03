from __future__ import annotations

from html import escape as _html_escape
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from xinban.campaigns.selectors import domain_labels
from xinban.publication.models import Level, Notice
from xinban.publication.selectors import clean_query, notices_latest
from xinban.publication.snippets import highlight, query_terms, snippet

register = template.Library()


def escape(value: Any) -> str:
    """HTML-escaped text (as django.utils.html.escape, without its lazy-string wrapper:
    these tags escape a hundred values per page)."""
    return _html_escape(str(value), quote=True)


@register.simple_tag
def latest_notices(limit: int = 5) -> list[Notice]:
    return notices_latest(limit)


@register.simple_tag
def case_items(
    entries: Any,
    q: str = "",
    texts: dict[int, list[str]] | None = None,
    domains: dict[str, str] | None = None,
) -> SafeString:
    """The results' and the case library's items (dicts, see selectors.LIST_FIELDS),
    rendered in Python: the public lists
    are the busiest pages, and a template loop with a URL and lookups per row costs more
    than the rest of the page. Each shows an excerpt of what the organisation published
    (around the searched words, which are marked), or says it published names only;
    ``texts`` are the published texts per entry (selectors.case_published_texts);
    ``domains`` the domains' labels when the view read them already (domain_labels)."""
    prefix = escape(reverse("publication:case_detail", args=[0])[: -len("0/")])
    labels = {key: escape(label) for key, label in Level.choices}
    terms = query_terms(q)
    suffix = escape("?" + urlencode({"q": clean_query(q)})) if terms else ""
    names_only = escape(_("该单位仅同意公开名称和评价结果。"))
    domains = domain_labels() if domains is None else domains
    out = []
    for e in entries:
        badge = "text-bg-primary" if e["level"] == Level.SELECTED else "text-bg-danger"
        unit = f" · {highlight(e['unit_name'], terms)}" if e["unit_name"] else ""
        published = (texts or {}).get(int(e["id"]), [e["summary"]])
        text = snippet(q, published)
        line = (
            f'<div class="small" data-snippet>{highlight(text, terms)}</div>'
            if text
            else f'<div class="small text-muted" data-snippet>{names_only}</div>'
        )
        domain = highlight(domains.get(e["domain"], e["domain"]), terms)
        out.append(
            f'<a class="list-group-item list-group-item-action" '
            f'href="{prefix}{int(e["id"])}/{suffix}">'
            '<div class="d-flex justify-content-between gap-2 flex-wrap">'
            f'<strong>{highlight(e["team_name"], terms)}</strong><span class="badge {badge}">'
            f"{labels.get(e['level'], '')}</span></div>"
            f'<div class="small text-muted">{int(e["year"])} · '
            f"{highlight(e['organisation_name'], terms)} · {domain}{unit}</div>" + line + "</a>"
        )
    return mark_safe("".join(out))  # noqa: S308 - every text escaped above


def _options(values: Any, chosen: str, empty: str) -> str:
    items = [f'<option value="">{escape(empty)}</option>']
    for value, label in values:
        selected = " selected" if str(value) == chosen else ""
        items.append(f'<option value="{escape(value)}"{selected}>{escape(label)}</option>')
    return "".join(items)


@register.simple_tag
def case_filters(
    filters: Any, facets: dict[str, Any], domains: dict[str, str] | None = None
) -> SafeString:
    """The filter form of the public lists, rendered in Python (as the items)."""
    year = str(filters.year or "")
    domains = domain_labels() if domains is None else domains
    selects = [
        ("year", _("年度"), [(y, y) for y in facets["years"]], year, _("全部年度")),
        (
            "domain",
            _("领域"),
            [(d, domains.get(d, d)) for d in facets["domains"]],
            filters.domain,
            _("全部领域"),
        ),
        ("level", _("评价结果"), Level.choices, filters.level, _("全部结果")),
        ("unit", _("推荐单位"), [(u, u) for u in facets["units"]], filters.unit, _("全部推荐单位")),
    ]
    # Labels outside the f-strings, where makemessages finds them.
    hint, search, industry, submit = (
        escape(_("班组、单位或经验中的任意文字")),
        escape(_("搜索")),
        escape(_("行业")),
        escape(_("查询")),
    )
    parts = [
        '<form method="get" class="row g-2 mb-3 d-print-none" role="search">'
        '<div class="col-12 col-md-4"><input class="form-control" type="search" name="q" '
        f'value="{escape(filters.q)}" placeholder="{hint}" aria-label="{search}"></div>'
    ]
    for name, label, values, chosen, empty in selects:
        parts.append(
            f'<div class="col-6 col-md-2"><select class="form-select" name="{name}" '
            f'aria-label="{escape(label)}">{_options(values, chosen, empty)}</select></div>'
        )
    parts.append(
        '<div class="col-12 col-md-4"><input class="form-control" name="industry" '
        f'value="{escape(filters.industry)}" placeholder="{industry}" aria-label="{industry}">'
        '</div><div class="col-12 col-md-2"><button class="btn btn-primary w-100" type="submit">'
        f"{submit}</button></div></form>"
    )
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


@register.simple_tag
def results_summary(facets: dict[str, Any]) -> SafeString:
    """The number of experiences per year (建设经验, of them typical, of them recommended
    nationally), each year a link to its results."""
    if not facets.get("summary"):
        return mark_safe("")
    caption, year, selected, typical, national = (
        escape(_("各年度发布情况")),
        escape(_("年度")),
        escape(_("建设经验")),
        escape(_("其中典型经验")),
        escape(_("其中推荐全国")),
    )
    rows = "".join(
        f'<tr><td><a href="?year={int(r["year"])}">{int(r["year"])}</a></td>'
        f'<td class="text-end">{int(r["all"])}</td><td class="text-end">{int(r["typical"])}</td>'
        f'<td class="text-end">{int(r["national"])}</td></tr>'
        for r in facets["summary"]
    )
    return mark_safe(  # noqa: S308 - labels escaped, numbers are ints
        '<div class="table-responsive"><table class="table table-sm w-auto mb-3">'
        f'<caption class="caption-top">{caption}</caption><thead><tr><th scope="col">{year}'
        f'</th><th scope="col" class="text-end">{selected}</th><th scope="col" '
        f'class="text-end">{typical}</th><th scope="col" class="text-end">{national}</th>'
        f"</tr></thead><tbody>{rows}</tbody></table></div>"
    )
