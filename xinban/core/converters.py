"""URL converters. `id` accepts at most 18 digits so every value fits a 64-bit primary key;
Django's `int` would pass 10**30 to SQLite, which overflows (a 500 instead of a 404)."""

from __future__ import annotations


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
