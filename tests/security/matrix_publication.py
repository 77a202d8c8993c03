"""Permission-matrix entries of publication. The world adds a published past year with one
selected experience of applicant A's organisation (with its case entry and certificate)."""

from __future__ import annotations

from typing import Any

from tests.security.matrix_kit import (
    ANE,
    POST_ONLY,
    PUBLIC,
    STAFF_ONLY,
    Op,
    Page,
    Ref,
    api_row,
    row,
)

A_OWN = row(404, applicant_a=200)
STAFF_ACTION = row(403, staff=ANE)

ENTRIES: dict[str, Page | Op] = {
    "publication:results": Page(get=PUBLIC),
    "publication:cases": Page(get=PUBLIC),
    "publication:case_detail": Page(get=PUBLIC, kwargs={"pk": Ref("case")}),
    "publication:verify": Page(get=PUBLIC),
    "publication:verify_code": Page(get=PUBLIC, kwargs={"code": Ref("certificate_code")}),
    "publication:verify_code (forged)": Page(
        get=row(404, anonymous=404), kwargs={"code": "2026-FORGED0000"}
    ),
    "publication:consent": Page(
        get=A_OWN,
        post=row(404, applicant_a=200),  # an empty choice: the form again, nothing saved
        kwargs={"pk": Ref("published_app")},
    ),
    "publication:certificate": Page(
        get=row(404, applicant_a=200, staff=200), kwargs={"pk": Ref("published_app")}
    ),
    "publication:notices": Page(get=PUBLIC),
    "publication:notice_detail": Page(get=PUBLIC, kwargs={"pk": Ref("notice")}),
    "publication:notice_detail (draft)": Page(
        get=row(404, anonymous=404, staff=200), kwargs={"pk": Ref("draft_notice")}
    ),
    "publication:notice_attachment": Page(
        get=PUBLIC, kwargs={"pk": Ref("notice"), "attachment": Ref("notice_attachment")}
    ),
    "publication:notice_attachment (draft)": Page(
        get=row(404, anonymous=404, staff=200),
        kwargs={"pk": Ref("draft_notice"), "attachment": Ref("draft_attachment")},
    ),
    # Blank forms: public once the year's notice is published, staff's before.
    "publication:blank_form": Page(get=PUBLIC, kwargs={"year": 2020, "number": 3, "fmt": "docx"}),
    "publication:blank_form (year without a notice)": Page(
        get=row(404, anonymous=404, staff=200),
        kwargs={"year": Ref("current_year"), "number": 6, "fmt": "xlsx"},
    ),
    "publication:staff": Page(get=STAFF_ONLY),
    "publication:preview": Page(get=STAFF_ONLY),
    "publication:publish": Page(get=POST_ONLY, post=STAFF_ACTION, kwargs={"year": 2020}),
    "publication:certificates": Page(get=POST_ONLY, post=STAFF_ACTION, kwargs={"year": 2020}),
    # The lists' Excel exports: the same rights as the pages.
    "exports:download (publication years)": Page(
        get=STAFF_ONLY, kwargs={"kind": "publication_years"}
    ),
    "exports:download (case library)": Page(get=PUBLIC, kwargs={"kind": "public_cases"}),
    # --- API
    "GET /api/public/cases": Op(row(200, anonymous=200)),
    "GET /api/public/cases/{case_id}": Op(row(200, anonymous=200), kwargs={"case_id": Ref("case")}),
    "GET /api/public/notices": Op(row(200, anonymous=200)),
    "GET /api/public/certificates/{code}": Op(row(200, anonymous=200)),
    "GET /api/my/applications/{application_id}/publication-consent": Op(
        api_row(404, applicant_a=200), kwargs={"application_id": Ref("published_app")}
    ),
    # An empty body: A is told the scope is missing (422), nothing saved.
    "PUT /api/my/applications/{application_id}/publication-consent": Op(
        api_row(404, applicant_a=422), kwargs={"application_id": Ref("published_app")}
    ),
    "GET /api/my/applications/{application_id}/certificate": Op(
        api_row(404, applicant_a=200, staff=200), kwargs={"application_id": Ref("published_app")}
    ),
    "GET /api/my/applications/{application_id}/certificate (A's unpublished application)": Op(
        api_row(404)
    ),
    "POST /api/publication/{year}/publish": Op(api_row(403, staff=ANE), kwargs={"year": 2020}),
    "POST /api/publication/{year}/certificates": Op(api_row(403, staff=ANE), kwargs={"year": 2020}),
    "GET /api/exports/{kind}.xlsx (publication years)": Op(
        api_row(403, staff=200), kwargs={"kind": "publication_years"}
    ),
    # Published data, for any signed-in user of the API (without login: the web export).
    "GET /api/exports/{kind}.xlsx (case library)": Op(
        api_row(200), kwargs={"kind": "public_cases"}
    ),
}
KWARGS = {"code": Ref("certificate_code")}


def extend_world(fx: dict[str, Any], users: dict[str, Any], ids: dict[str, Any]) -> None:
    from tests.recommendation.factories import make_application
    from xinban.applications.models import ApplicationState
    from xinban.campaigns.models import Campaign
    from xinban.publication import services

    past = Campaign.objects.create(year=2020, title="2020年质量信得过班组建设活动")
    app = make_application(
        organisation=fx["draft_a"].organisation,
        unit=fx["unit_x"],
        campaign=past,
        state=ApplicationState.SELECTED,
        team_name="往年质检一班",
    )
    services.results_publish(actor=fx["staff"], campaign=past, override_reason="往年结果补录")
    certificate = services.certificate_for(app)
    from django.core.files.base import ContentFile

    from xinban.publication.models import Notice, NoticeAttachment

    notice = Notice.objects.create(title="2020年活动通知", body="通知正文", campaign=past)
    draft = Notice.objects.create(title="草拟的通知", body="草稿", is_published=False)
    attachments = []
    for owner in (notice, draft):
        item = NoticeAttachment(notice=owner, title="说明.pdf")
        item.file.save("notice.pdf", ContentFile(b"%PDF-1.4 x"), save=True)
        attachments.append(item.pk)
    ids.update(
        notice=notice.pk,
        draft_notice=draft.pk,
        notice_attachment=attachments[0],
        draft_attachment=attachments[1],
        current_year=fx["draft_a"].campaign.year,
    )
    ids.update(
        published_app=app.pk,
        case=app.case_entry.pk,
        certificate_code=certificate.code,
    )


def fingerprint() -> dict[str, Any]:
    from xinban.campaigns.models import Campaign
    from xinban.publication.models import CaseEntry, Certificate, PublicationConsent
    from xinban.tasks.models import Task

    return {
        "published": sorted(Campaign.objects.values_list("year", "results_published")),
        "cases": CaseEntry.objects.count(),
        "certificates": Certificate.objects.count(),
        "consents": sorted(PublicationConsent.objects.values_list("application_id", "scope")),
        "certificate_tasks": Task.objects.filter(name="publication.certificates").count(),
    }
