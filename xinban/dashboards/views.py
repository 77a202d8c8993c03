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
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

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
    context = {
        "form": form,
        "figures": figures,
        "figures_json": _json_script(figures, "dashboard-figures"),
        "units_rows": _units_rows(figures["progress"]["units"]),
        "charts": charts,
        "years_table": _table(years["labels"], years["series"], _("年度")),
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
