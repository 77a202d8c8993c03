"""Turn a JSON request body into the data of the page's Django form.

The form (shared with the pages) does all value checking; here we only refuse what a
form's HTML-oriented parsing would silently misread: ``true`` as the id 1, ``"no"`` as a
ticked box, a nested object as a text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

from django import forms
from django.utils.translation import gettext as _
from pydantic import BaseModel

from xinban.api.errors import Errors

# The forms whose fields we read: plain and model forms (both declare ``base_fields``).
FormClass: TypeAlias = "type[forms.Form] | type[forms.ModelForm[Any]]"


def _is_boolean(field: forms.Field) -> bool:
    if isinstance(field, forms.BooleanField):
        return True
    if isinstance(field, forms.TypedChoiceField):
        choices: list[tuple[Any, Any]] = list(getattr(field, "choices", []))
        return bool(choices) and all(isinstance(value, bool) for value, _label in choices)
    return False


# Ids are 64-bit: a larger number matches no row, but some databases (SQLite) raise on
# it in an ``IN (...)`` query instead of finding nothing.
_MAX_ID = 2**63 - 1


def _is_scalar_id(value: Any) -> bool:
    return isinstance(value, int | str) and not isinstance(value, bool)


def _out_of_range(value: Any) -> bool:
    try:
        number = int(str(value).strip())
    except ValueError:
        return False  # not a number at all: the form says so
    return not -_MAX_ID <= number <= _MAX_ID


def _invalid_choice(field: forms.Field, value: Any) -> str:
    return str(field.error_messages["invalid_choice"] % {"value": value})


def form_data(
    payload: BaseModel | None,
    form_class: FormClass,
    *,
    names: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], Errors]:
    """The form data for ``form_class`` from the request body, and errors for the values of
    the wrong JSON type (left out of the data; pass them to ``ensure_valid``). Absent and
    null values are left out too, so the form sees them as empty (a required field says
    so; a check-box counts as not ticked). ``names`` maps a body field to the form field it
    fills when the two are named differently (``judge_id`` → ``judge``); errors keep the
    body's name."""
    raw = payload.model_dump() if payload is not None else {}
    data: dict[str, Any] = {}
    errors: Errors = {}
    for name, value in raw.items():
        form_name = (names or {}).get(name, name)
        field = form_class.base_fields.get(form_name)
        if field is None or value is None:
            continue
        if _is_boolean(field):
            if not isinstance(value, bool):
                errors[name] = [_("应为 true 或 false。")]
                continue
            data[form_name] = value if isinstance(field, forms.BooleanField) else str(value)
        elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            if not isinstance(value, list) or not all(_is_scalar_id(v) for v in value):
                errors[name] = [_("应为编号列表，如 [1, 2]。")]
                continue
            too_large = [v for v in value if _out_of_range(v)]
            if too_large:
                errors[name] = [_invalid_choice(field, too_large[0])]
                continue
            data[form_name] = value
        elif isinstance(value, bool) or not isinstance(value, int | float | str):
            errors[name] = [_("格式不正确。")]
        elif isinstance(field, forms.ModelChoiceField) and _out_of_range(value):
            errors[name] = [_invalid_choice(field, value)]
        else:
            # As a browser sends it: text. Some fields parse only text (a date field
            # calls .strip() on what it gets: a JSON number there was a server error).
            data[form_name] = value if isinstance(value, str) else str(value)
    return data, errors
