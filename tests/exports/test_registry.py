"""The registry of lists: every area's ``exports.py`` is discovered, names are unique and
every list is documented for the people who use it (README) and in the API."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from xinban.exports import registry

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_registered_list_is_named_in_the_readme() -> None:
    documented = set(re.findall(r"`([a-z_]+)`", README.read_text(encoding="utf-8")))
    missing = sorted(set(registry.SPECS) - documented)
    assert not missing, f"lists not described in README.md: {missing}"


def test_lists_come_from_each_areas_exports_module() -> None:
    # Spot-check areas that only register through discovery (nothing imports them).
    for kind, module in {
        "registrations": "xinban.organisations.exports",
        "events": "xinban.events.exports",
        "courses": "xinban.learning.exports",
        "api_tokens": "xinban.api.exports",
        "publication_years": "xinban.publication.exports",
    }.items():
        assert kind in registry.SPECS
        assert isinstance(registry.SPECS[kind], registry.ExportSpec)
        assert module in sys.modules


def test_a_second_list_with_a_taken_name_is_refused() -> None:
    spec = next(iter(registry.SPECS.values()))
    with pytest.raises(ImproperlyConfigured):
        registry.register(spec)
