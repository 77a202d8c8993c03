"""统计看板: the association's dashboard and each recommending unit's own (thin: parse the
filters, read the figures, render). Charts are drawn by xinban/static/xinban/dashboard.js
from the figures passed with ``json_script``; every number links to the list behind it.

The page's body (filters, charts, tables) is rendered once per data version, language and
filter set and cached with the figures (see ``selectors.cached``): a repeated visit costs
little more than the minimal view."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.dashboards import selectors
from xinban.dashboards.filters import STAFF_FIELDS, UNIT_FIELDS, FilterForm
from xinban.recommendation.selectors import unit_get_for


def _table(labels: list[str], series: list[dict[str, Any]]) -> dict[str, Any]:
    """A chart's numbers as a table (shown under the chart, and when printing)."""
    return {
        "heads": [item["label"] for item in series],
        "rows": [
            {
                "label": label,
                "cells": [
                    {"value": item["values"][index], "url": item["urls"][index]} for item in series
                ],
            }
            for index, label in enumerate(labels)
        ],
    }


def _body(template: str, form: FilterForm, figures: dict[str, Any], **extra: Any) -> str:
    years = figures["years"]
    charts = [
        {
            "key": item["key"],
            "title": item["title"],
            "table": _table(item["labels"], item["series"]),
        }
        for item in figures["breakdowns"]
    ]
    context = {
        "form": form,
        "figures": figures,
        "charts": charts,
        "years_table": _table(years["labels"], years["series"]),
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
