"""统计看板: the association's dashboard and each recommending unit's own (thin: parse the
filters, read the figures, render). Charts are drawn by xinban/static/xinban/dashboard.js
from the figures passed with ``json_script``; every number links to the list behind it.

The page's body (filters, charts, tables) is rendered once per data version, language and
filter set and cached with the figures (see ``selectors.cached``): a repeated visit costs
little more than the minimal view."""

from __future__ import annotations

import json
from html import escape  # (django.utils.html.escape's own, without its lazy wrapper)
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.dashboards import selectors
from xinban.dashboards.filters import STAFF_FIELDS, UNIT_FIELDS, FilterForm
from xinban.recommendation.selectors import unit_get_for


def _table(labels: list[str], series: list[dict[str, Any]], first_head: str) -> dict[str, Any]:
    """A chart's numbers as a table (shown under the chart, and when printing): its
    ``html`` written here rather than by the template engine (a few hundred linked
    cells, rendered on every uncached request)."""
    rows = [
        {
            "label": label,
            "cells": [
                {"value": item["values"][index], "url": item["urls"][index]} for item in series
            ],
        }
        for index, label in enumerate(labels)
    ]
    heads = [item["label"] for item in series]
    return {"heads": heads, "rows": rows, "html": _table_html(first_head, heads, rows)}


def _cell(cell: dict[str, Any]) -> str:
    value = cell["value"]
    if value is None:
        return '<td class="text-end">—</td>'
    if cell["url"]:
        return f'<td class="text-end"><a href="{escape(cell["url"])}">{escape(str(value))}</a></td>'
    return f'<td class="text-end">{escape(str(value))}</td>'


def _table_html(first_head: str, heads: list[str], rows: list[dict[str, Any]]) -> SafeString:
    """The markup of templates/dashboards/_table.html (kept for reference), in Python."""
    head = "".join(f'<th scope="col" class="text-end">{escape(str(h))}</th>' for h in heads)
    body = "".join(
        f'<tr><th scope="row" class="fw-normal">{escape(str(row["label"]))}</th>'
        + "".join(_cell(cell) for cell in row["cells"])
        + "</tr>"
        for row in rows
    )
    return mark_safe(  # noqa: S308  (every value escaped above)
        f'<details class="mt-2"><summary class="small text-muted d-print-none">'
        f"{escape(_('数据表'))}</summary>\n"
        '<div class="table-responsive"><table class="table table-sm table-striped mb-0 small">\n'
        f'<thead><tr><th scope="col">{escape(str(first_head))}</th>{head}</tr></thead>\n'
        f"<tbody>{body}</tbody>\n"
        "</table></div></details>\n"
    )


def _e(value: Any) -> str:
    return escape(str(value))


def _charts_html(
    figures: dict[str, Any],
    charts: list[dict[str, Any]],
    years_table: dict[str, Any],
    figures_json: str,
) -> SafeString:
    """The markup of templates/dashboards/_charts.html (kept for reference), in Python:
    the funnel, the years and the breakdowns, rendered on every uncached request."""
    none = f'<p class="text-muted mb-0">{_e(_("暂无数据。"))}</p>'
    year = figures["year"]
    funnel = figures["funnel"]
    if funnel:
        steps = "".join(
            f'<li class="d-flex justify-content-between border-bottom py-1" '
            f'data-funnel="{_e(step["key"])}"><span>{_e(step["label"])}'
            + (
                f' <small class="text-muted" data-funnel-note>{_e(step["note"])}</small>'
                if step["note"]
                else ""
            )
            + "</span>"
            + (
                f'<a href="{_e(step["url"])}">{_e(step["value"])}</a>'
                if step["url"]
                else f"<span>{_e(step['value'])}</span>"
            )
            + "</li>"
            for step in funnel
        )
        funnel_html = (
            f'\n    <div class="chart-box" data-rows="{len(funnel)}"><canvas data-chart="funnel" '
            f'id="chart-funnel" role="img" aria-label="{_e(_("年度漏斗"))}"></canvas></div>\n'
            f'    <ol class="list-unstyled small mb-0 mt-2">{steps}</ol>\n    '
        )
    else:
        funnel_html = none
    years = figures["years"]
    if years["labels"]:
        colon = _e(pgettext("label suffix", "："))
        lparen = _e(pgettext("opening bracket", "（"))
        rparen = _e(pgettext("closing bracket", "）"))
        applied = _e(_("申报"))
        changes = "".join(
            f'<span class="me-3">{_e(item["year"])}{colon}{applied} {_e(item["applied"])}'
            f"{lparen}{'+' if item['change'] >= 0 else ''}{_e(item['change'])}%{rparen}</span>"
            for item in years["change"]
            if item["change"] is not None
        )
        title = _e(_("历年对比"))
        years_html = (
            f'\n    <div class="chart-box"><canvas data-chart="years" id="chart-years" '
            f'role="img" aria-label="{title}"></canvas></div>\n'
            f'    <p class="small text-muted mb-0 mt-2">{changes}</p>\n'
            f"    {years_table['html']}\n    "
        )
    else:
        years_html = none
    funnel_title = _("%(year)s 年度漏斗") % {"year": _e(year or "—")}
    sections = []
    for chart in charts:
        rows = chart["table"]["rows"]
        body = (
            f'\n    <div class="chart-box" data-rows="{len(rows)}"><canvas data-chart="breakdown" '
            f'data-key="{_e(chart["key"])}" id="chart-{_e(chart["key"])}" role="img" '
            f'aria-label="{_e(chart["title"])}"></canvas></div>\n'
            f"    {chart['table']['html']}\n    "
            if rows
            else none
        )
        sections.append(
            '\n  <section class="col-lg-6"><div class="card h-100"><div class="card-body">\n'
            f'    <h2 class="h6">{_e(chart["title"])}'
            + (f" · {_e(year)}" if year else "")
            + f"</h2>\n    {body}\n  </div></div></section>\n"
        )
    html = (
        f"\n{figures_json}\n"
        '<div class="row g-3 mb-3">\n'
        '  <section class="col-lg-5"><div class="card h-100"><div class="card-body">\n'
        f'    <h2 class="h6">{funnel_title}</h2>\n'
        f"    {funnel_html}\n"
        "  </div></div></section>\n"
        '  <section class="col-lg-7"><div class="card h-100"><div class="card-body">\n'
        f'    <h2 class="h6">{title if years["labels"] else _e(_("历年对比"))}</h2>\n'
        f"    {years_html}\n"
        "  </div></div></section>\n"
        "</div>\n"
        '<div class="row g-3 mb-3">\n' + "".join(sections) + "\n</div>\n"
        f'<p class="small text-muted d-print-none">'
        f"{_e(_('点击图表中的柱形可打开对应的申报清单。'))}</p>\n"
        f'<script src="{_e(static("vendor/chartjs/chart.umd.min.js"))}" defer></script>\n'
        f'<script src="{_e(static("xinban/dashboard.js"))}" defer></script>\n'
    )
    return mark_safe(html)  # noqa: S308  (every value escaped above)


def _filters_html(form: FilterForm, path: str) -> SafeString:
    """The markup of templates/dashboards/_filters.html (kept for reference), in Python."""
    fields = "".join(
        '<div class="col-6 col-md-3 col-lg">\n'
        f'  <label class="form-label small mb-1" for="{_e(field.id_for_label)}">'
        f"{_e(field.label)}</label>\n"
        f"  {conditional_escape(str(field))}\n  "
        + "".join(
            f'<div class="invalid-feedback d-block">{_e(error)}</div>' for error in field.errors
        )
        + "\n</div>"
        for field in form
    )
    label = _e(_("筛选"))
    return mark_safe(  # noqa: S308  (every value escaped above)
        '<form method="get" class="row g-2 align-items-end mb-3 d-print-none" '
        f'aria-label="{label}">\n{fields}\n'
        '<div class="col-6 col-md-3 col-lg-auto"><button class="btn btn-primary btn-sm w-100" '
        f'type="submit">{label}</button></div>\n'
        '<div class="col-6 col-md-3 col-lg-auto"><a class="btn btn-outline-secondary btn-sm '
        f'w-100" href="{_e(path)}">{_e(_("清除"))}</a></div>\n'
        "</form>\n"
    )


def _units_rows(units: list[dict[str, Any]]) -> SafeString:
    """The rows of the staff dashboard's table of units' progress (the markup the
    template wrote, in Python: a row of links per unit)."""
    if not units:
        return mark_safe(  # noqa: S308  (a constant)
            f'<tr><td colspan="6" class="text-muted">{escape(_("暂无数据。"))}</td></tr>'
        )
    progress, lagging = escape(_("评审进度")), escape(_("进度落后"))

    def link(url: Any, text: str) -> str:
        return f'<a href="{escape(str(url))}">{text}</a>' if url else text

    rows = []
    for row in units:
        sheets = f"{escape(str(row['sheets_done']))}/{escape(str(row['sheets_total']))}"
        percent = escape(str(row["percent"]))
        warning = ' class="table-warning"' if row["lagging"] else ""
        rows.append(
            f"<tr{warning}>\n"
            f'<td><a href="{escape(str(row["url"]))}">{escape(str(row["unit"]))}</a></td>'
            f'<td class="text-end"><a href="{escape(str(row["applied_url"]))}">'
            f"{escape(str(row['applied']))}</a></td>"
            f'<td class="text-end">{link(row["sheets_url"], sheets)}</td>\n'
            f'<td><progress max="100" value="{percent}" aria-label="{progress}">'
            f"{percent}%</progress> {percent}%</td>\n"
            f'<td class="text-end"><a href="{escape(str(row["recommended_url"]))}">'
            f"{escape(str(row['recommended']))}</a></td>\n"
            f"<td>{link(row['report_url'], escape(str(row['report'])))}"
            + (f' <span class="badge text-bg-warning">{lagging}</span>' if row["lagging"] else "")
            + "</td></tr>\n"
        )
    return mark_safe("".join(rows))  # noqa: S308  (every value escaped above)


def _judges_html(judges: list[dict[str, Any]], show_unit: bool) -> SafeString:
    """The markup of templates/dashboards/_judges.html (kept for reference), in Python:
    a row per judge, stage and unit (a hundred and more on the association's dashboard
    during the review), rendered on every uncached request."""
    unit_head = f"<th>{_e(_('推荐单位'))}</th>" if show_unit else ""
    progress, lagging = _e(_("进度")), _e(_("进度落后"))
    rows = []
    for row in judges:
        url = row["url"]
        judge, counts = _e(row["judge"]), f"{_e(row['done'])}/{_e(row['total'])}"
        if url:
            judge = f'<a href="{_e(url)}">{judge}</a>'
            counts = f'<a href="{_e(url)}">{counts}</a>'
        percent = _e(row["percent"])
        unit = f"<td>{_e(row['unit'] or '—')}</td>" if show_unit else ""
        badge = f'<span class="badge text-bg-warning">{lagging}</span>' if row["lagging"] else ""
        warning = ' class="table-warning"' if row["lagging"] else ""
        rows.append(
            f"<tr{warning}>\n"
            f"<td>{judge}</td><td>{_e(row['stage'])}</td>{unit}"
            f'<td class="text-end">{counts}</td>\n'
            f'<td><progress max="100" value="{percent}" aria-label="{progress}">{percent}%'
            f"</progress> {percent}%</td>\n"
            f"<td>{badge}</td></tr>\n"
        )
    if not rows:
        rows.append(
            f'<tr><td colspan="{6 if show_unit else 5}" class="text-muted">'
            f"{_e(_('暂无评审任务。'))}</td></tr>"
        )
    return mark_safe(  # noqa: S308  (every value escaped above)
        '<div class="table-responsive"><table class="table table-sm align-middle">\n'
        f"<thead><tr><th>{_e(_('评委'))}</th><th>{_e(_('评审阶段'))}</th>{unit_head}"
        f'<th class="text-end">{_e(_("已提交/已分配"))}</th><th>{progress}</th><th></th>'
        "</tr></thead>\n"
        f"<tbody>{''.join(rows)}</tbody></table></div>\n"
    )


def _json_script(value: Any, element_id: str) -> SafeString:
    """``json_script`` (the same markup) with its escapes done by ``str.replace``: the
    figures' JSON is tens of kilobytes."""
    text = json.dumps(value, cls=DjangoJSONEncoder)
    text = text.replace("&", "\\u0026").replace("<", "\\u003C").replace(">", "\\u003E")
    safe = mark_safe(text)  # noqa: S308  (<, > and & escaped above, as json_script does)
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, safe)


def _body(template: str, form: FilterForm, figures: dict[str, Any], **extra: Any) -> str:
    years = figures["years"]
    charts = [
        {
            "key": item["key"],
            "title": item["title"],
            "table": _table(item["labels"], item["series"], item["title"]),
        }
        for item in figures["breakdowns"]
    ]
    years_table = _table(years["labels"], years["series"], _("年度"))
    figures_json = _json_script(figures, "dashboard-figures")
    context = {
        "form": form,
        "figures": figures,
        "figures_json": figures_json,
        "units_rows": _units_rows(figures["progress"]["units"]),
        "charts": charts,
        "years_table": years_table,
        "charts_html": _charts_html(figures, charts, years_table, figures_json),
        "filters_html": _filters_html(form, extra["path"]),
        "judges_html": _judges_html(
            figures["progress"]["judges"], show_unit=not figures["unit_id"]
        ),
        **extra,
    }
    return render_to_string(template, context)


def _page(
    request: AuthenticatedHttpRequest,
    *,
    fields: tuple[str, ...],
    figures_of: Any,
    body_template: str,
    page_template: str,
    parts: list[Any],
    **extra: Any,
) -> HttpResponse:
    version = selectors.data_version()
    options = selectors.options(version)
    form = FilterForm(request.GET, options=options.choices(), fields=fields)
    figures = figures_of(form.filters(stage=""), version=version, opts=options)
    asked = [(name, request.GET.get(name, "")) for name in fields]
    body = selectors.cached(
        [*parts, asked],
        lambda: _body(body_template, form, figures, path=request.path, **extra),
        version=version,
    )
    context = {"form": form, "figures": figures, "body": mark_safe(body), **extra}  # noqa: S308
    return render(request, page_template, context)


@login_required
def staff(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not roles_of(request.user).is_staff:
        raise PermissionDenied
    return _page(
        request,
        fields=STAFF_FIELDS,
        figures_of=selectors.staff_figures,
        body_template="dashboards/_staff_body.html",
        page_template="dashboards/staff.html",
        parts=["page", "staff"],
    )


@login_required
def unit(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    the_unit = unit_get_for(user=request.user, pk=unit_pk)  # outsiders: 404

    def figures_of(filters: Any, **kwargs: Any) -> dict[str, Any]:
        return selectors.unit_figures(the_unit, filters, **kwargs)

    return _page(
        request,
        fields=UNIT_FIELDS,
        figures_of=figures_of,
        body_template="dashboards/_unit_body.html",
        page_template="dashboards/unit.html",
        parts=["page", "unit", the_unit.pk],
        unit=the_unit,
    )
