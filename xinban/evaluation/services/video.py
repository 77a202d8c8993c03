"""A typical-experience candidate's presentation video: attached from a form upload or a
finished resumable upload."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.core import uploads
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError
from xinban.core.roles import roles_of
from xinban.evaluation.models import GuidingReview, PresentationVideo
from xinban.evaluation.services.guards import (
    lock,
    require_state,
    require_unpublished,
    require_window,
)
from xinban.uploads_resumable.services import UploadConflict, UploadError, upload_session_claim

#: Largest presentation video accepted (the resumable upload enforces the same limit).
VIDEO_MAX_BYTES_DEFAULT = 2 * 1024 * 1024 * 1024


def video_max_bytes() -> int:
    return int(getattr(settings, "XINBAN_MAX_VIDEO_BYTES", VIDEO_MAX_BYTES_DEFAULT))


def _video_checks(application: Application) -> None:
    require_state(application, {ApplicationState.TYPICAL_CANDIDATE})
    require_window(application.campaign, application.organisation_id)
    require_unpublished(application.campaign)


def video_attach(
    *,
    actor: User,
    application: Application,
    file: File[bytes],
    name: str | None = None,
    sha256: str | None = None,
) -> PresentationVideo:
    """A typical-experience candidate's applicant attaches the presentation video.

    ``file`` is any Django ``File``: an upload, or the stored file the resumable upload
    hands over — a file already in the default storage (a ``FieldFile``) is referenced
    where it is, never copied or read into memory; any other file is streamed into
    storage in chunks. The content is type-checked (MP4, MOV, WebM; up to
    ``XINBAN_MAX_VIDEO_BYTES``, 2 GB by default). ``sha256`` may be passed when the
    caller already hashed the bytes; otherwise it is computed in chunks. A new video
    replaces the old one, and the guiding units' reviews of the old one are cleared."""
    if application.organisation_id not in roles_of(actor).organisation_ids:
        raise NotAllowed(_("只有本单位成员可以上传发表视频。"), code="not_member")
    # Cheap checks first, so a refused video is never hashed; repeated under the lock.
    _video_checks(Application.objects.select_related("campaign").get(pk=application.pk))
    try:
        detected = uploads.validate_upload(
            file, kinds=uploads.UploadKind.VIDEO, max_bytes=video_max_bytes()
        )
    except ValidationError as exc:
        raise ServiceError(
            " ".join(exc.messages), code=exc.code or "invalid_file", field="file"
        ) from exc
    display = uploads.clean_display_name(name or file.name or "video")
    digest = sha256 or uploads.sha256_of(file)
    in_place = isinstance(file, FieldFile) and file.storage is default_storage and file.name
    written: list[str] = []
    try:
        with transaction.atomic():
            current = lock(application)
            _video_checks(current)
            video = (
                PresentationVideo.objects.select_for_update().filter(application=current).first()
            )
            old_name = video.file.name if video and video.file else ""
            if video is None:
                video = PresentationVideo(application=current)
            if in_place:
                video.file.name = file.name
            else:
                video.file.save(
                    uploads.safe_storage_name(display, ext=detected.ext), file, save=False
                )
                written.append(video.file.name or "")
            video.original_name = display
            video.content_type = detected.mime
            video.size = file.size or 0
            video.sha256 = digest
            video.uploaded_at = timezone.now()
            video.uploaded_by = actor
            video.save()
            cleared = GuidingReview.objects.filter(application=current).delete()[0]
            audit_record(
                actor=actor,
                action="evaluation.video_attach",
                obj=current,
                changes={
                    "name": display,
                    "size": video.size,
                    "sha256": digest,
                    "replaced": bool(old_name),
                    "guiding_reviews_cleared": cleared,
                },
            )
            # Only files this service stored itself are ours to delete.
            if old_name and old_name != video.file.name and old_name.startswith("videos/"):
                storage = video.file.storage
                transaction.on_commit(lambda: storage.delete(old_name))
    except BaseException:
        for stored in written:
            default_storage.delete(stored)
        raise
    return video


# The resumable upload (xinban.uploads_resumable) of the video.

VIDEO_PURPOSE = "presentation_video"


def video_upload_target(application: Application) -> str:
    """The resumable upload's target for an application's presentation video."""
    return f"application:{application.pk}"


def video_upload_allowed(user: User, target: str) -> bool:
    """``may_use`` of the resumable upload purpose: only a member of the applicant
    organisation of a typical-experience candidate may start an upload for it."""
    prefix, _sep, raw = target.partition(":")
    if prefix != "application" or not raw.isdigit():
        return False
    application = Application.objects.filter(pk=int(raw)).only("organisation_id", "state").first()
    return bool(
        application is not None
        and application.state == ApplicationState.TYPICAL_CANDIDATE
        and application.organisation_id in roles_of(user).organisation_ids
    )


def video_attach_upload(
    *, actor: User, application: Application, upload_id: str
) -> PresentationVideo:
    """Attach a finished resumable upload (its file is already in storage: referenced in
    place, never read into memory) as the application's presentation video."""
    try:
        session = upload_session_claim(
            actor=actor,
            session_id=upload_id,
            purpose=VIDEO_PURPOSE,
            target=video_upload_target(application),
        )
    except UploadConflict as exc:
        raise ServiceError(
            _("视频尚未上传完成，请等待进度条到 100% 后再提交。"),
            code="upload_incomplete",
            field="upload_id",
        ) from exc
    except (UploadError, ValueError, ValidationError) as exc:
        # An unknown, foreign or already used upload id: a field error, not a 404 (the
        # application itself is the caller's to see).
        raise ServiceError(
            _("上传记录无效，请重新上传。"), code="bad_upload", field="upload_id"
        ) from exc
    return video_attach(
        actor=actor,
        application=application,
        file=session.file,
        name=session.filename,
        sha256=session.sha256 or None,
    )
