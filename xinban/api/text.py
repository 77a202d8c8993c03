"""The API's one rule for text (docs/api.md, "Text"): every string a request carries — in
the JSON body at any depth, in the query and in multipart fields — is Unicode text
without lone surrogates and without control characters other than tab, line feed and
carriage return. Anything else is refused with 422 naming the field, before any form,
service or database sees it (a lone surrogate cannot be stored; a NUL cannot be sent to
PostgreSQL)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Annotated, Any, cast

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser
from pydantic import AfterValidator

# Lone surrogates (U+D800–U+DFFF) and the C0/C1 controls except \t \n \r.
_REFUSED = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
INVALID_TEXT = "invalid_text"


def is_clean_text(value: str) -> bool:
    return _REFUSED.search(value) is None


def _clean(value: str) -> str:
    if not is_clean_text(value):
        raise ValueError("text contains a lone surrogate or a control character")
    return value


# The shared type for a text field of a schema: the parser below already refuses bad text
# everywhere, and a schema field typed Text documents (and re-checks) it.
Text = Annotated[str, AfterValidator(_clean)]


def _bad_strings(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, str):
        if not is_clean_text(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and not is_clean_text(key):
                yield (*path, "<key>")
            yield from _bad_strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _bad_strings(item, (*path, index))


def _refuse(where: str, paths: list[tuple[str | int, ...]]) -> None:
    if paths:
        raise ValidationError(
            [{"loc": (where, *path), "type": INVALID_TEXT, "msg": "invalid text"} for path in paths]
        )


class TextParser(Parser):
    """ninja's JSON parser, refusing bad text wherever it is."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        _refuse("body", list(_bad_strings(data, ())))
        return cast(dict[str, Any], data)

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        _refuse("query", list(_bad_strings(result, ())))
        return result
