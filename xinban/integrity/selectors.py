"""The similarity result as each reader may see it (docs/similarity.md, "Who sees it"),
one function for the page and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import Http404

from xinban.applications.models import Application
from xinban.core.roles import roles_of
from xinban.integrity.models import CheckStatus, SimilarityCheck
from xinban.publication.models import CaseEntry


@dataclass(frozen=True)
class SimilarityView:
    status: str
    status_label: str
    checked_at: datetime | None
    overall: float | None
    threshold: int
    flagged: bool
    matches: list[dict[str, Any]]
    unreadable: list[str]
    sources_visible: bool
    can_run: bool


def highlighted(text: str, marks: list[list[int]] | None) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, exactly equal?) for the page's highlights; without marks
    the whole passage is highlighted."""
    if not marks:
        return [(text, True)]
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted(marks):
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def application_for_similarity(*, user: Any, pk: int) -> Application:
    """The application if ``user`` may see its similarity check, else 404."""
    application = (
        Application.objects.select_related("campaign", "organisation", "recommending_unit")
        .filter(pk=pk)
        .first()
    )
    if application is None or not user.has_perm("integrity.view_similarity", application):
        raise Http404
    return application


def _published_ids(ids: list[int]) -> set[int]:
    return set(
        CaseEntry.objects.filter(application_id__in=ids).values_list("application_id", flat=True)
    )


def similarity_view(*, user: Any, application: Application) -> SimilarityView:
    check = SimilarityCheck.objects.filter(application=application).first()
    threshold = int(application.campaign.similarity_threshold)
    can_run = user.has_perm("integrity.run_similarity", application)
    sources_visible = user.has_perm("integrity.view_similarity_sources", application)
    if check is None:
        return SimilarityView(
            "none", "", None, None, threshold, False, [], [], sources_visible, can_run
        )
    all_names = user.has_perm("integrity.view_similarity_names", application)
    roles = roles_of(user)
    raw = list(check.matches or [])
    published = _published_ids([int(m["application_id"]) for m in raw])
    matches = []
    for match in raw:
        named = (
            all_names
            or int(match["application_id"]) in published
            or match.get("organisation_id") in roles.organisation_ids
            or (match.get("unit_id") in roles.unit_ids and match.get("unit_id") is not None)
        )
        passages = [
            {
                "text": p["text"],
                "source_text": p["source_text"] if sources_visible else "",
                "area": p.get("area", ""),
                "source_area": p.get("source_area", "") if sources_visible else "",
                "pieces": highlighted(p["text"], p.get("marks")),
                "source_pieces": highlighted(p["source_text"], p.get("source_marks"))
                if sources_visible
                else [],
            }
            for p in match.get("passages", [])
        ]
        matches.append(
            {
                "application_id": int(match["application_id"]) if named else None,
                "year": int(match["year"]),
                "team": match["team"] if named else None,
                "organisation": match["organisation"] if named else None,
                "share": float(match["share"]),
                "area": match.get("area", ""),
                "passages": passages,
            }
        )
    overall = check.overall if check.status == CheckStatus.DONE else None
    return SimilarityView(
        status=check.status,
        status_label=check.get_status_display(),
        checked_at=check.checked_at,
        overall=overall,
        threshold=threshold,
        flagged=overall is not None and overall * 100 >= threshold,
        matches=matches,
        unreadable=list(check.unreadable or []),
        sources_visible=sources_visible,
        can_run=can_run,
    )
