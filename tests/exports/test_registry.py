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


def test_the_formerly_central_lists_are_declared_by_their_areas() -> None:
    # Each list's rows come from a function of the area's own exports module; the audit
    # log's from the exports app's own (core, the ground floor, imports no area).
    for kind, module in {
        "applications": "xinban.applications.exports",
        "my_applications": "xinban.applications.exports",
        "unit_inbox": "xinban.recommendation.exports",
        "judge_sheets": "xinban.recommendation.exports",
        "evaluation_formal": "xinban.evaluation.exports",
        "evaluation_candidates": "xinban.evaluation.exports",
        "public_results": "xinban.publication.exports",
        "outbox": "xinban.notifications.exports",
        "tasks": "xinban.tasks.exports",
        "audit": "xinban.exports.exports",
    }.items():
        spec = registry.SPECS[kind]
        source = spec.queryset or spec.table
        assert source is not None
        assert source.__module__ == module, kind


def test_a_second_list_with_a_taken_name_is_refused() -> None:
    spec = next(iter(registry.SPECS.values()))
    with pytest.raises(ImproperlyConfigured):
        registry.register(spec)
