"""The rulebook's building blocks: a precondition is a function that returns a
:class:`Refusal` (why the action would fail) or ``None`` (it may proceed). Services call
:func:`enforce` with the preconditions of an action; pages and the API can call the same
functions to show the reason instead of a button. See docs/rules.md."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xinban.core.errors import ServiceError, WrongState


@dataclass(frozen=True)
class Refusal:
    """Why an action is refused: a translated message naming what is missing, a stable
    code for the API and tests, and the form field it concerns (if any)."""

    message: str
    code: str
    field: str | None = None
    error: type[ServiceError] = WrongState

    def exception(self) -> ServiceError:
        return self.error(self.message, code=self.code, field=self.field)


def first_refusal(refusals: Iterable[Refusal | None]) -> Refusal | None:
    return next((r for r in refusals if r is not None), None)


def enforce(*refusals: Refusal | None) -> None:
    """Raise the first refusal (as its service error); do nothing when all are ``None``."""
    refusal = first_refusal(refusals)
    if refusal is not None:
        raise refusal.exception()
