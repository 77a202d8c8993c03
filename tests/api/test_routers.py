"""The API's routers are found, not listed: every module of ``xinban/api/routers/`` is
mounted, and no two routers declare the same path (so their order cannot change which
operation answers)."""

from __future__ import annotations

import pkgutil
from collections import Counter

from xinban.api import routers
from xinban.api.api import api, router_modules


def test_every_router_module_is_mounted() -> None:
    # A helper shared by routers is named with a leading underscore.
    names = {
        info.name
        for info in pkgutil.iter_modules(routers.__path__)
        if not info.name.startswith("_")
    }
    mounted = {router for _prefix, router in api._routers}
    found = {module.__name__.rsplit(".", 1)[1] for module in router_modules()}
    assert names <= found
    assert all(module.router in mounted for module in router_modules())


def test_no_two_routers_declare_the_same_path() -> None:
    paths = Counter(path for module in router_modules() for path in module.router.path_operations)
    assert [path for path, count in paths.items() if count > 1] == []
