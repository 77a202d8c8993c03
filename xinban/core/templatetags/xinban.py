from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms, template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from xinban.core.text import join_items

register = template.Library()


@register.filter
def list_items(values: Iterable[object]) -> str:
    """Names in a sentence, joined as the language does (甲、乙 / A, B); escaped on output
    like any value."""
    return join_items(values)


@register.filter
def bs(field: forms.BoundField) -> str:
    """Render a field's widget with Bootstrap classes and the invalid state."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        css = ""
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs: dict[str, Any] = {"class": css.strip()} if css else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_multi(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect)


@register.simple_tag
def select_options(choices: Any, selected: Any) -> SafeString:
    """<option>s for a filter select, rendered in Python (a template loop per option
    costs more than the whole page's queries)."""
    chosen = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == chosen else "", label)  # noqa: S308
            for value, label in choices
        ),
    )


@register.simple_tag(takes_context=True)
def ranking_rows(context: Any, rows: Any) -> SafeString:
    """The unit ranking's rows, rendered in Python (a template loop with a form per row
    costs more than the rest of the page). The fixed parts are escaped once; per row only
    the two user-entered texts are escaped (the rest are numbers)."""
    from django.utils.translation import gettext as _

    if not rows:
        return format_html(
            '<tr><td colspan="6" class="text-muted">{}</td></tr>', _("暂无可推荐的申报。")
        )
    can_recommend = context.get("is_admin") and not context.get("locked")
    flag = format_html(
        ' <span class="badge text-bg-warning" title="{}">{}</span>',
        _("评委意见分歧较大"),
        _("分歧大"),
    )
    recommended = escape(_("已推荐"))
    # "{pk}" is filled per row; everything else here is escaped now.
    form = format_html(
        '<form method="post" action="{}{{pk}}/recommend/" class="d-flex gap-1">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input class="form-control form-control-sm" name="opinion" placeholder="{}"'
        ' aria-label="{}" required>'
        '<button class="btn btn-sm btn-success text-nowrap" type="submit">{}</button>'
        "</form>",
        context.get("recommend_url", ""),
        context.get("csrf_token", ""),
        _("推荐意见"),
        _("推荐意见"),
        _("推荐"),
    )
    link = escape(context.get("application_url", ""))
    out = []
    for row in rows:
        pk = int(row.pk)
        if row.recommended_position is not None:
            action = (
                f'<span class="badge text-bg-success">{recommended} '
                f"#{int(row.recommended_position)}</span>"
            )
        elif can_recommend and row.state == "submitted" and getattr(row, "review_refusal", ""):
            # Rule 2 (docs/rules.md): the reason instead of the button.
            action = f'<span class="small text-muted">{escape(row.review_refusal)}</span>'
        elif can_recommend and row.state == "submitted":
            action = form.replace("{pk}", str(pk))
        else:
            action = ""
        rank = "—" if row.rank is None else int(row.rank)
        score = "—" if row.score is None else escape(row.score)
        out.append(
            f"<tr><td>{rank}</td><td>{escape(row.organisation_name)}</td>"
            f'<td><a href="{link}{pk}/">{escape(row.team_name)}</a></td>'
            f"<td>{score}{flag if row.flagged else ''}</td><td>{int(row.judges)}</td>"
            f"<td>{action}</td></tr>"
        )
    return mark_safe("".join(out))  # noqa: S308 - user texts escaped above, the rest numbers


# Punctuation between a template's translated pieces (a label and its value, a note in
# brackets): full-width in Chinese, ASCII with its spacing in English.
@register.simple_tag
def colon() -> str:
    return pgettext("label suffix", "：")


@register.simple_tag
def lparen() -> str:
    return pgettext("opening bracket", "（")


@register.simple_tag
def rparen() -> str:
    return pgettext("closing bracket", "）")
