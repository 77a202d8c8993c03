"""The signed and stamped scan of 附件5: its code is read and must match the report as it
prints now."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.core.audit import audit_record
from xinban.core.errors import ServiceError
from xinban.core.stamp import (
    DocumentKind,
    ScanRefusals,
    Stamp,
    scan_match,
    stamped_scan_changes,
    stamped_scan_upload,
    store_stamped_scan,
)
from xinban.recommendation.documents import printed_content
from xinban.recommendation.models import UnitRecommendationReport
from xinban.recommendation.selectors import recommendation_form_data, report_number
from xinban.recommendation.services.guards import (
    _require_open_report,
    require_recommendation_window,
    require_unit_admin,
)


def _report_scan_refusal(
    report: UnitRecommendationReport, stamps: list[Stamp], content: dict[str, object]
) -> tuple[Stamp | None, ServiceError | None]:
    """The code of ``stamps`` that matches 附件5 as it prints now, or why the scan is of
    another document, unit or version (naming it). Called under the row lock."""
    number = report_number(unit=report.unit, campaign=report.campaign)
    refusals = ScanRefusals(
        wrong_document=_(
            "该扫描件是%(kind)s %(number)s（第 %(version)s 版），不是推荐表（附件5）。"
        ),
        other_document=_(
            "该扫描件是另一份推荐表（编号 %(number)s，第 %(version)s 版），"
            "不是本单位本年度的推荐表（%(own)s）。"
        ),
        outdated=_(
            "该扫描件是本推荐表第 %(version)s 版，此后推荐表上打印的内容已修改"
            "（当前为第 %(current)s 版）。请下载最新的推荐表，盖章后重新上传。"
        ),
    )
    return scan_match(
        stamps,
        kind=DocumentKind.RECOMMENDATION,
        number=number,
        version=report.version,
        content=content,
        refusals=refusals,
    )


def report_upload_scan(
    *, actor: User, report: UnitRecommendationReport, file: UploadedFile
) -> UnitRecommendationReport:
    """Accept the stamped scan of 附件5 as it prints now; its QR code is checked as the
    申报表's is (docs/rules.md, "The stamp check")."""
    require_unit_admin(actor, report.unit_id)
    with stamped_scan_upload(report, file) as scan:
        locked = scan.locked
        _require_open_report(locked)
        require_recommendation_window(locked.campaign, locked.unit_id)
        matched: Stamp | None = None
        if scan.stamps:
            data = recommendation_form_data(unit=locked.unit, campaign=locked.campaign)
            matched, refusal = _report_scan_refusal(locked, scan.stamps, printed_content(data))
            if refusal is not None:
                raise refusal
        store_stamped_scan(locked, file, ext=scan.ext, matched=matched, stored=scan.stored)
        audit_record(
            actor=actor,
            action="unit.report_scan",
            obj=locked,
            changes=stamped_scan_changes(locked, file),
        )
    return locked
