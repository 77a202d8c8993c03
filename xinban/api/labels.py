"""Schema field titles taken from the models' verbose names, so each official label of the
forms (附件2, 附件3) is written in one place: the model field."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import translation
from pydantic import Field

# The official forms are Chinese; the OpenAPI document carries their labels verbatim.
SCHEMA_LANGUAGE = "zh-hans"


def zh(text: Any) -> str:
    """A (lazy) translatable string rendered in Chinese."""
    with translation.override(SCHEMA_LANGUAGE):
        return str(text)


def model_label(model: type[models.Model], name: str) -> str:
    """The model field's verbose name in Chinese, e.g. "班组工作完成率%"."""
    field = model._meta.get_field(name)
    return zh(getattr(field, "verbose_name", name))


def model_help(model: type[models.Model], name: str) -> str | None:
    help_text = getattr(model._meta.get_field(name), "help_text", "")
    return zh(help_text) if help_text else None


def model_field(
    model: type[models.Model],
    name: str,
    default: Any = ...,
    *,
    description: str | None = None,
    **kwargs: Any,
) -> Any:
    """A pydantic Field titled with the model field's official label; the description is
    the given one, else the model field's help text."""
    return Field(
        default,
        title=model_label(model, name),
        description=description if description is not None else model_help(model, name),
        **kwargs,
    )


def titled(title: Any, default: Any = ..., *, description: str | None = None, **kwargs: Any) -> Any:
    """A pydantic Field for a value that is not a model field (still titled in Chinese)."""
    return Field(default, title=zh(title), description=description, **kwargs)
