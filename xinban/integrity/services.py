"""The similarity check's writes (docs/similarity.md): the compared text of an
application, the persisted index, the check itself (a background task, queued at
submission) and staff's request to run it again."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import (
    MATERIAL_FIELDS,
    Application,
    ApplicationState,
    MaterialArea,
)
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, WrongState
from xinban.integrity import similarity
from xinban.integrity.extract import attachment_text
from xinban.integrity.models import CheckStatus, IndexState, SimilarityCheck, SimilarityDocument
from xinban.tasks.api import enqueue_declared

# At most this many sources and passages per source are kept with a result.
MAX_SOURCES = 10
MAX_PASSAGES = 30
MAX_PASSAGE_CHARS = 2000
# Applications whose text is a source for the others: every submitted one of every year
# (imported history and the case library included), not drafts nor withdrawn ones.
SOURCE_EXCLUDED_STATES = (ApplicationState.DRAFT, ApplicationState.WITHDRAWN)


# --- the compared text ---------------------------------------------------------------------


def compared_text(application: Application) -> tuple[str, list[list[Any]], list[str]]:
    """The six areas' text and the attachments' text, the place of each part and the
    attachments without text."""
    parts: list[tuple[str, str]] = []
    for area, field in MATERIAL_FIELDS.items():
        text = str(getattr(application, field) or "")
        if text.strip():
            parts.append((str(MaterialArea(area).label), text))
    unreadable: list[str] = []
    for attachment in application.attachments.all():
        try:
            with attachment.file.open("rb") as handle:
                data = handle.read()
        except OSError:
            data = b""
        extracted = attachment_text(attachment.original_name, data) if data else None
        if extracted is None:
            unreadable.append(attachment.original_name)
        else:
            label = _("附件：%(name)s") % {"name": attachment.original_name}
            parts.append((label, extracted))
    joined: list[str] = []
    sections: list[list[Any]] = []
    offset = 0
    for label, text in parts:
        sections.append([offset, offset + len(text), label])
        joined.append(text)
        offset += len(text) + 2
    return "\n\n".join(joined), sections, unreadable


def document_refresh(application: Application) -> SimilarityDocument:
    text, sections, unreadable = compared_text(application)
    document, _created = SimilarityDocument.objects.update_or_create(
        application=application,
        defaults={
            "year": application.campaign.year,
            "text": text,
            "normalised": similarity.normalise(text).text,
            "sections": sections,
            "unreadable": unreadable,
        },
    )
    return document


def _documents_missing() -> list[SimilarityDocument]:
    """Documents for the sources that have none yet (imports, earlier years, the demo)."""
    missing = (
        Application.objects.exclude(state__in=SOURCE_EXCLUDED_STATES)
        .filter(similarity_document__isnull=True)
        .select_related("campaign")
        .prefetch_related("attachments")
    )
    return [document_refresh(app) for app in missing.iterator(chunk_size=200)]


# --- the persisted index -------------------------------------------------------------------

_CACHE: dict[str, Any] = {}


def index_path() -> Path:
    configured = getattr(settings, "XINBAN_SIMILARITY_DIR", None)
    folder = Path(configured) if configured else Path(settings.MEDIA_ROOT).parent / "similarity"
    return folder / "index.pkl"


def _state() -> IndexState:
    state = IndexState.objects.select_for_update().order_by("pk").first()
    return state if state is not None else IndexState.objects.create()


def _key(state: IndexState) -> tuple[str, int]:
    return (str(state.token), state.generation)


def _rebuild() -> similarity.SimilarityIndex:
    index = similarity.SimilarityIndex()

    def items() -> Any:
        rows = SimilarityDocument.objects.values_list("application_id", "text")
        for pk, text in rows.iterator(chunk_size=200):
            yield pk, similarity.shingle(text)

    index.build(items)
    return index


def _load(state: IndexState) -> tuple[similarity.SimilarityIndex, bool]:
    """The index of this generation: in memory, else from the file, else rebuilt from the
    rows (a missing or stale file, another database). Returns (index, rebuilt)."""
    key = _key(state)
    if _CACHE.get("key") == key:
        return _CACHE["index"], False
    path = index_path()
    try:
        with path.open("rb") as handle:
            # Our own file, written by _save below (never an upload).
            stored = pickle.load(handle)  # noqa: S301
        if stored.get("key") == key and stored.get("format") == similarity.INDEX_FORMAT:
            _CACHE.update(key=key, index=stored["index"])
            return stored["index"], False
    except (OSError, EOFError, ImportError, pickle.UnpicklingError, AttributeError, KeyError):
        pass
    return _rebuild(), True


def _save(state: IndexState, index: similarity.SimilarityIndex, *, rebuilt: bool) -> None:
    state.generation += 1
    if rebuilt:
        state.built_at = timezone.now()
    state.save(update_fields=["generation", "built_at"])
    key = _key(state)
    path = index_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
        pickle.dump(
            {"key": key, "format": similarity.INDEX_FORMAT, "index": index},
            handle,
            protocol=pickle.HIGHEST_PROTOCOL,
        )
    os.replace(handle.name, path)
    _CACHE.update(key=key, index=index)


# --- the check -------------------------------------------------------------------------------


def _serialise(
    application: Application,
    document: SimilarityDocument,
    doc: similarity.Shingled,
    result: similarity.CheckResult,
    sources: dict[Hashable, SimilarityDocument],
) -> list[dict[str, Any]]:
    apps = Application.objects.select_related("campaign", "organisation").in_bulk(
        [m.key for m in result.matches[:MAX_SOURCES]]
    )
    out = []
    for match in result.matches[:MAX_SOURCES]:
        source_app = apps.get(int(str(match.key)))
        source_doc = sources.get(match.key)
        if source_app is None or source_doc is None:
            continue
        passages = []
        areas: dict[str, int] = {}
        for passage in similarity.passage_texts(doc, match)[:MAX_PASSAGES]:
            area = document.section_at(passage["query_start"])
            areas[area] = areas.get(area, 0) + len(passage["text"])
            passages.append(
                {
                    "text": passage["text"][:MAX_PASSAGE_CHARS],
                    "source_text": passage["source_text"][:MAX_PASSAGE_CHARS],
                    "marks": passage["marks"],
                    "source_marks": passage["source_marks"],
                    "area": area,
                    "source_area": source_doc.section_at(passage["source_start"]),
                }
            )
        out.append(
            {
                "application_id": source_app.pk,
                "year": source_app.campaign.year,
                "team": source_app.team_name,
                "organisation": source_app.organisation.name,
                "organisation_id": source_app.organisation_id,
                "unit_id": source_app.recommending_unit_id,
                "share": round(match.share, 4),
                "area": max(areas, key=lambda a: areas[a]) if areas else "",
                "passages": passages,
            }
        )
    return out


def similarity_check_run(*, application_id: int, actor: Any = None) -> SimilarityCheck:
    """Check one application against every other indexed one (safe to run twice: it
    replaces the application's document and result)."""
    application = Application.objects.select_related("campaign").get(pk=application_id)
    document = document_refresh(application)
    with transaction.atomic():
        state = _state()
        index, rebuilt = _load(state)
        for other in _documents_missing():
            index.add(other.application_id, similarity.shingle(other.text))
        doc = similarity.shingle(document.text)
        index.add(application.pk, doc)
        sources: dict[Hashable, SimilarityDocument] = {}

        def text_of(key: Hashable) -> similarity.Normalised | str | None:
            row = SimilarityDocument.objects.filter(application_id=int(str(key))).first()
            if row is None:
                return None
            sources[key] = row
            if row.normalised or not row.text:
                return similarity.Normalised.stored(row.normalised, row.text)
            return row.text  # a row stored before the normalised text was

        result = index.check(doc, text_of=text_of, exclude=application.pk)
        _save(state, index, rebuilt=rebuilt)
        check, _created = SimilarityCheck.objects.select_for_update().get_or_create(
            application=application
        )
        check.status = CheckStatus.DONE
        check.checked_at = timezone.now()
        check.overall = round(result.overall, 4)
        check.length = result.length
        check.matches = _serialise(application, document, doc, result, sources)
        check.unreadable = document.unreadable
        check.save()
        audit_record(
            actor=actor,
            action="similarity.check",
            obj=application,
            changes={
                "overall": f"{result.overall:.1%}",
                "sources": [m["application_id"] for m in check.matches],
            },
        )
    return check


def similarity_check_queue(*, actor: Any, application: Application) -> None:
    """Queue the check (inside the caller's transaction: it runs once that commits)."""
    check, _created = SimilarityCheck.objects.get_or_create(application=application)
    if check.status != CheckStatus.PENDING:
        check.status = CheckStatus.PENDING
        check.save(update_fields=["status"])
    enqueue_declared(
        "integrity.check", application_id=application.pk, user_id=getattr(actor, "pk", None)
    )


def similarity_check_request(*, actor: User, application: Application) -> None:
    """Staff run the check again (the index may have grown, attachments changed)."""
    if not actor.has_perm("integrity.run_similarity", application):
        raise NotAllowed(_("只有质协工作人员可以重新查重。"), code="not_staff")
    with transaction.atomic():
        current = Application.objects.select_for_update().get(pk=application.pk)
        if current.state in SOURCE_EXCLUDED_STATES:
            raise WrongState(_("草稿或已撤回的申报不查重。"), code="wrong_state")
        similarity_check_queue(actor=actor, application=current)
        audit_record(actor=actor, action="similarity.request", obj=current)
