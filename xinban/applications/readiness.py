"""What must be true before an application is submitted (docs/rules.md, rule 4 and the
submission's completeness): what is still missing, and whether the stamped 申报表 still
matches what the form prints. Read by the services, the pages and the API; it sits below
the services and above the selectors, so neither imports the other for it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xinban.applications.models import (
    COMMITMENT_FIELDS,
    INDICATOR_FIELDS,
    MATERIAL_FIELDS,
    Application,
)
from xinban.applications.selectors import application_printed_content, printed_changes
from xinban.core.rulebook import Refusal


def stamped_form_changes(application: Application) -> list[str]:
    """The printed fields (named as the form prints them) that changed since the stamped
    scan was accepted; [] without a scan or for a scan from before the stamp check."""
    if not application.stamped_form or not application.stamped_content:
        return []
    return printed_changes(application.stamped_content, application_printed_content(application))


def stamped_form_refusal(
    application: Application, *, changes: list[str] | None = None
) -> Refusal | None:
    """Rule 4 (docs/rules.md): the stamped form belongs to what was stamped. When a field
    the generated 申报表 prints changed after the scan was accepted, the scan is stale and
    submission asks for a new one, naming the changed fields (``changes``, when the
    caller has them already)."""
    changed = stamped_form_changes(application) if changes is None else changes
    if not changed:
        return None
    return Refusal(
        _(
            "盖章申报表扫描件上传后，申报表上打印的以下内容已修改：%(fields)s。"
            "请下载最新的申报表，盖章后重新上传扫描件。"
        )
        % {"fields": "、".join(changed)},
        code="stamped_form_stale",
        field="stamped_form",
    )


def submission_problems(application: Application) -> dict[str, str]:
    """What is missing before the application can be submitted (field → message)."""
    problems: dict[str, str] = {}
    for name in INDICATOR_FIELDS:
        if getattr(application, name) is None:
            problems[name] = _("请填写此项指标。")
    if application.accidents_per_year not in (None, 0):
        problems["accidents_per_year"] = _(
            "申报条件要求班组近三年无质量、安全、环保事故，年质量、安全事故数应为0。"
        )
    for name in COMMITMENT_FIELDS:
        if not getattr(application, name):
            problems[name] = _("请确认此项组织承诺。")
    if not application.eligibility_basic_unit:
        problems["eligibility_basic_unit"] = _("被推荐班组必须是单位最基础的正式组织单元。")
    if not application.eligibility_no_accidents:
        problems["eligibility_no_accidents"] = _("请确认班组近三年无质量、安全、环保事故。")
    areas_with_files = set(application.attachments.values_list("area", flat=True))
    for area, field in MATERIAL_FIELDS.items():
        if not getattr(application, field).strip() and area not in areas_with_files:
            problems[field] = _("请填写该部分创建材料或上传附件。")
    if not application.stamped_form:
        problems["stamped_form"] = _("请上传加盖公章的申报表扫描件。")
    else:
        stale = stamped_form_refusal(application)
        if stale is not None:
            problems["stamped_form"] = stale.message
    return problems


def submission_problem_lines(application: Application) -> list[tuple[str, str]]:
    """``submission_problems`` for a list away from the form: each message after its
    field's name (four commitments all say "please confirm", so the name tells which)."""
    labels = {f.name: str(f.verbose_name) for f in Application._meta.fields}
    return [
        (
            field,
            _("【%(label)s】%(message)s") % {"label": labels[field], "message": message}
            if field in labels
            else message,
        )
        for field, message in submission_problems(application).items()
    ]
