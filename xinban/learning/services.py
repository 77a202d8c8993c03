"""Online learning writes: staff keep the catalogue (courses and their lessons: documents
and videos uploaded here, type-checked; links); users choose courses and mark lessons
done. Each function is atomic, checks the actor's right and the state, and is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.core import uploads
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError, WrongState
from xinban.learning.models import Course, Enrollment, Lesson, LessonKind, LessonProgress
from xinban.learning.rules import can_manage

COURSE_FIELDS = ("title", "description", "position")
LESSON_FIELDS = ("title", "kind", "description", "url")
FILE_KINDS = {
    LessonKind.DOCUMENT: uploads.UploadKind.DOCUMENT,
    LessonKind.VIDEO: uploads.UploadKind.VIDEO,
}


def _staff(actor: User) -> None:
    if not can_manage(actor):
        raise NotAllowed(_("只有质协工作人员可以管理课程。"), code="staff_only")


# --------------------------------------------------------------------------- catalogue


def course_create(*, actor: User, data: dict[str, Any]) -> Course:
    _staff(actor)
    with transaction.atomic():
        course = Course.objects.create(
            title=data["title"],
            description=data.get("description") or "",
            position=data.get("position") or 0,
        )
        audit_record(
            actor=actor,
            action="learning.course_create",
            obj=course,
            changes={"title": course.title},
        )
    return course


def course_update(*, actor: User, course: Course, data: dict[str, Any]) -> Course:
    _staff(actor)
    with transaction.atomic():
        current = Course.objects.select_for_update().get(pk=course.pk)
        changes = {
            f: [getattr(current, f), data[f]]
            for f in COURSE_FIELDS
            if getattr(current, f) != data[f]
        }
        for f in COURSE_FIELDS:
            setattr(current, f, data[f])
        current.save(update_fields=list(COURSE_FIELDS))
        audit_record(actor=actor, action="learning.course_update", obj=current, changes=changes)
    return current


def course_publish(*, actor: User, course: Course, published: bool = True) -> Course:
    """Put a course online (it needs at least one lesson) or take it off the catalogue
    (users keep their progress for when it returns)."""
    _staff(actor)
    with transaction.atomic():
        current = Course.objects.select_for_update().get(pk=course.pk)
        if current.published == published:
            raise WrongState(
                _("课程已上线。") if published else _("课程未上线。"), code="unchanged"
            )
        if published and not current.lessons.exists():
            raise WrongState(_("请先添加至少一个课时再上线。"), code="no_lessons")
        current.published = published
        current.save(update_fields=["published"])
        audit_record(
            actor=actor,
            action="learning.course_publish" if published else "learning.course_unpublish",
            obj=current,
        )
    return current


def _check_lesson(data: dict[str, Any], file: File[bytes] | None, has_file: bool) -> str | None:
    """The lesson's content fits its kind; returns the detected file extension."""
    kind = data["kind"]
    if kind == LessonKind.LINK:
        if file is not None:
            raise ServiceError(_("链接类课时不需要上传文件。"), code="no_file", field="file")
        if not data.get("url"):
            raise ServiceError(_("请填写链接地址。"), code="url_required", field="url")
        return None
    if file is None and not has_file and not (kind == LessonKind.VIDEO and data.get("url")):
        message = (
            _("请上传视频文件或填写视频链接。")
            if kind == LessonKind.VIDEO
            else _("请上传文档（PDF、Word 或 Excel）。")
        )
        raise ServiceError(message, code="file_required", field="file")
    if file is None:
        return None
    try:
        detected = uploads.validate_upload(file, kinds=FILE_KINDS[LessonKind(kind)])
    except ValidationError as exc:
        raise ServiceError(
            " ".join(exc.messages), code=exc.code or "invalid_file", field="file"
        ) from exc
    return detected.ext


def _store(lesson: Lesson, file: File[bytes], ext: str, written: list[str]) -> None:
    display = uploads.clean_display_name(file.name or f"{lesson.title}.{ext}")
    lesson.file.save(uploads.safe_storage_name(display, ext=ext), file, save=False)
    written.append(lesson.file.name or "")
    lesson.original_name = display


def _delete_later(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def lesson_add(
    *, actor: User, course: Course, data: dict[str, Any], file: File[bytes] | None = None
) -> Lesson:
    """Add a lesson at the end of the course: a document (PDF, Word, Excel), a video
    (MP4, MOV, WebM, or a link to one) or a link."""
    _staff(actor)
    ext = _check_lesson(data, file, has_file=False)
    written: list[str] = []
    try:
        with transaction.atomic():
            current = Course.objects.select_for_update().get(pk=course.pk)
            last = current.lessons.aggregate(m=Max("position"))["m"]
            lesson = Lesson(
                course=current,
                position=0 if last is None else last + 1,
                **{f: data.get(f) or "" for f in LESSON_FIELDS},
            )
            if file is not None and ext:
                _store(lesson, file, ext, written)
            lesson.save()
            audit_record(
                actor=actor,
                action="learning.lesson_add",
                obj=current,
                changes={"lesson": lesson.pk, "title": lesson.title, "file": lesson.original_name},
            )
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return lesson


def lesson_update(
    *, actor: User, lesson: Lesson, data: dict[str, Any], file: File[bytes] | None = None
) -> Lesson:
    """Change a lesson; a new file replaces the old one (deleted after the commit). A link
    keeps no file."""
    _staff(actor)
    ext = _check_lesson(data, file, has_file=bool(lesson.file))
    written: list[str] = []
    try:
        with transaction.atomic():
            current = Lesson.objects.select_for_update().get(pk=lesson.pk)
            old_file = current.file.name or ""
            for f in LESSON_FIELDS:
                setattr(current, f, data.get(f) or "")
            if file is not None and ext:
                _store(current, file, ext, written)
            elif current.kind == LessonKind.LINK:
                current.file.name = ""
                current.original_name = ""
            current.save()
            if old_file and old_file != current.file.name:
                _delete_later(old_file)
            audit_record(
                actor=actor,
                action="learning.lesson_update",
                obj=current.course,
                changes={"lesson": current.pk, "title": current.title, "new_file": bool(file)},
            )
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return current


def lesson_remove(*, actor: User, lesson: Lesson) -> None:
    _staff(actor)
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=lesson.course_id)
        current = Lesson.objects.filter(pk=lesson.pk).first()
        if current is None:
            raise WrongState(_("课时已删除。"), code="gone")
        old_file = current.file.name or ""
        current.delete()
        _delete_later(old_file)
        if course.published and not course.lessons.exists():
            course.published = False  # an empty course leaves the catalogue
            course.save(update_fields=["published"])
        audit_record(
            actor=actor,
            action="learning.lesson_remove",
            obj=course,
            changes={"lesson": lesson.pk, "title": current.title},
        )


def lesson_move(*, actor: User, lesson: Lesson, direction: str) -> None:
    """Swap a lesson with the one before ("up") or after ("down") it."""
    _staff(actor)
    if direction not in ("up", "down"):
        raise ServiceError(_("方向应为上移或下移。"), code="bad_direction", field="direction")
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=lesson.course_id)
        ordered = list(course.lessons.order_by("position", "pk"))
        i = next((n for n, item in enumerate(ordered) if item.pk == lesson.pk), None)
        if i is None:
            raise WrongState(_("课时已删除。"), code="gone")
        j = i - 1 if direction == "up" else i + 1
        if 0 <= j < len(ordered):
            ordered[i], ordered[j] = ordered[j], ordered[i]
        for position, item in enumerate(ordered):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])
        audit_record(
            actor=actor,
            action="learning.lesson_move",
            obj=course,
            changes={"lesson": lesson.pk, "direction": direction},
        )


# --------------------------------------------------------------------------- learners


def course_enrol(*, actor: User, course: Course) -> Enrollment:
    """Choose a course (again: nothing changes)."""
    current = Course.objects.get(pk=course.pk)
    if not current.published:
        raise WrongState(_("课程尚未上线。"), code="not_published")
    existing = Enrollment.objects.filter(course=current, user=actor).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(course=current, user=actor)
            audit_record(actor=actor, action="learning.enrol", obj=current)
    except IntegrityError:  # the same person twice at once
        return Enrollment.objects.get(course=current, user=actor)
    return enrollment


def lesson_complete(*, actor: User, lesson: Lesson, done: bool = True) -> None:
    """Mark a lesson done (or not) for the actor, who must have chosen the course."""
    course = Course.objects.get(pk=lesson.course_id)
    if not course.published:
        raise WrongState(_("课程尚未上线。"), code="not_published")
    if not Enrollment.objects.filter(course=course, user=actor).exists():
        raise WrongState(_("请先选择该课程。"), code="not_enrolled")
    with transaction.atomic():
        if done:
            _progress, created = LessonProgress.objects.get_or_create(lesson=lesson, user=actor)
            changed = created
        else:
            changed = LessonProgress.objects.filter(lesson=lesson, user=actor).delete()[0] > 0
        if changed:
            audit_record(
                actor=actor,
                action="learning.lesson_done" if done else "learning.lesson_undone",
                obj=course,
                changes={"lesson": lesson.pk},
            )
