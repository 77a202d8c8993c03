"""Shared pieces of the API schemas: loosely typed request fields (the Django form does the
checking), dates, errors and terms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from django import forms
from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, WithJsonSchema

from xinban.api.labels import titled
from xinban.organisations.models import Participation
from xinban.scoring.models import SheetStatus

_NULL = {"type": "null"}
_DECIMAL_STRING = {"type": "string", "pattern": r"^\d{1,10}(\.\d{1,2})?$"}

JsonText = Annotated[Any, WithJsonSchema({"type": "string"})]
JsonBool = Annotated[Any, WithJsonSchema({"type": "boolean"})]
JsonId = Annotated[Any, WithJsonSchema({"type": "integer", "minimum": 1})]
JsonIdList = Annotated[
    Any, WithJsonSchema({"type": "array", "items": {"type": "integer", "minimum": 1}})
]
JsonTeamSize = Annotated[Any, WithJsonSchema({"type": "integer", "minimum": 1})]
JsonCount = Annotated[Any, WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0}, _NULL]})]
JsonPercent = Annotated[
    Any,
    WithJsonSchema(
        {"anyOf": [{"type": "number", "minimum": 0, "maximum": 100}, _DECIMAL_STRING, _NULL]}
    ),
]
JsonMoney = Annotated[
    Any, WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0}, _DECIMAL_STRING, _NULL]})
]
JsonParticipation = Annotated[
    Any, WithJsonSchema({"type": "string", "enum": list(Participation.values)})
]
JsonVersion = Annotated[Any, WithJsonSchema({"type": "integer", "minimum": 1})]
JsonPositive = Annotated[Any, WithJsonSchema({"type": "integer", "minimum": 1})]
JsonDate = Annotated[Any, WithJsonSchema({"anyOf": [{"type": "string", "format": "date"}, _NULL]})]
JsonEmail = Annotated[Any, WithJsonSchema({"type": "string", "format": "email"})]
JsonPoints = Annotated[
    Any,
    WithJsonSchema(
        {
            "type": "object",
            "additionalProperties": {
                "anyOf": [{"type": "number", "minimum": 0}, {"type": "string"}, _NULL]
            },
        }
    ),
]

PERCENT_HELP = '百分比，0–100，最多两位小数；可传数字或字符串（如 "98.50"）'
COUNT_HELP = "非负整数"


def _required_from(
    form_class: type[forms.Form] | type[forms.ModelForm[Any]] | None,
    *extra: str,
    names: dict[str, str] | None = None,
) -> Callable[..., None]:
    """Mark in the JSON schema the fields the form requires (documentation only: the form
    itself refuses the missing ones with its own message). ``names``: form field → body
    field, where they differ."""
    fields = form_class.base_fields.items() if form_class is not None else []
    required = [(names or {}).get(name, name) for name, field in fields if field.required]

    def update(schema: dict[str, Any], *_args: Any) -> None:
        names = [n for n in [*required, *extra] if n in schema.get("properties", {})]
        if names:
            schema["required"] = names

    return update


def _as_utc(value: datetime) -> datetime:
    """A time as the database keeps it: naive input is Shanghai time, aware input is
    converted to UTC (Python accepts offsets up to ±23:59, PostgreSQL only ±15:59)."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError as exc:  # e.g. 9999-12-31T23:00-05:00 is past the year 9999
        raise ValueError("out of range") from exc


# A date and time sent to the API (ISO 8601).
InputDateTime = Annotated[datetime, AfterValidator(_as_utc)]


class ErrorOut(Schema):
    """Every refusal: a message for people, a stable code for programs."""

    detail: str = titled("说明", description="面向用户的说明（按请求语言翻译）")
    code: str | None = titled("错误代码", None, description="稳定的错误代码，供程序判断")
    field: str | None = titled("相关字段", None)
    errors: dict[str, list[str]] | None = titled(
        "字段错误", None, description="字段名 → 错误信息列表；`__all__` 为整体错误"
    )


class ValidationErrorOut(Schema):
    detail: str = titled("说明")
    errors: dict[str, list[str]] = titled(
        "字段错误", description="字段名 → 错误信息列表（与页面表单相同的校验与提示）"
    )


class TermOut(Schema):
    id: int
    name: str = titled("名称")
    label: str = titled("显示名称", description="按请求语言（中文或英文）")


_SHEET_STATUSES = list(SheetStatus.values)
