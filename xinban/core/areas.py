"""Per-area extension points found by module name, so that an area plugs into the shared
commands without editing them: ``xinban.<app>.demo`` (``seed(ctx)``, called by
``seed_demo`` after the common demo data) and ``xinban.<app>.bench`` (``STUDIES``, run by
``bench`` after the common pages)."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from django.apps import apps


def area_modules(submodule: str) -> list[ModuleType]:
    """``xinban.<app>.<submodule>`` for every installed xinban app that has one, in
    INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("xinban."):
            continue
        name = f"{config.name}.{submodule}"
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return found
