"""Who manages the catalogue: association staff. Everyone may browse published courses;
signed-in users choose courses and keep their own progress."""

from __future__ import annotations

from typing import Any

from xinban.core.roles import roles_of


def can_manage(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and roles_of(user).is_staff
