"""Reads for applications. List selectors return querysets with everything a list page
shows joined in, so the page runs a constant number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Field, Q, QuerySet
from django.http import Http404

from xinban.accounts.models import User
from xinban.applications.documents import PRINTED_LABELS, ApplicationFormData, printed_content
from xinban.applications.models import (
    CONTENT_FIELDS,
    INDICATOR_FIELDS,
    Application,
    ApplicationRevision,
)
from xinban.campaigns.models import Campaign, Domain, Industry, OrganisationNature
from xinban.core.roles import roles_of
from xinban.core.stamp import DocumentKind, Stamp, sign
from xinban.organisations.models import Registration
from xinban.organisations.names import name_in_year


def _list_base() -> QuerySet[Application]:
    return Application.objects.select_related(
        "organisation", "recommending_unit", "team_type", "campaign"
    )


# What a list row shows (the pages and the API's summaries); lists leave the long material
# texts and snapshots unread. A field missing here costs one query per row when read.
LIST_FIELDS = (
    "id",
    "number",
    "team_name",
    "state",
    "version",
    "submitted_at",
    "created_at",
    "updated_at",
    "campaign__id",
    "campaign__year",
    "organisation__id",
    "organisation__name",
    "organisation__short_name",
    "recommending_unit__id",
    "recommending_unit__name",
    "team_type__id",
    "team_type__name",
    "team_type__name_en",
)


def applications_of_organisations(
    *, user: User, campaign: Campaign | None = None
) -> QuerySet[Application]:
    qs = _list_base().only(*LIST_FIELDS).filter(organisation_id__in=roles_of(user).organisation_ids)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.order_by("-campaign__year", "number")


def applications_visible_to(*, user: User) -> QuerySet[Application]:
    """Every application the user may see: their organisations', their units' (not
    drafts), or all for staff."""
    roles = roles_of(user)
    if roles.is_staff:
        return _list_base()
    condition = Q(organisation_id__in=roles.organisation_ids) | (
        Q(recommending_unit_id__in=roles.unit_ids) & Q(submitted_at__isnull=False)
    )
    return _list_base().filter(condition)


def applications_for_staff(
    *,
    campaign: Campaign | None,
    state: str = "",
    unit_id: int | None = None,
    domain_id: int | None = None,
    q: str = "",
) -> QuerySet[Application]:
    qs = _list_base().only(*LIST_FIELDS)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if state:
        qs = qs.filter(state=state)
    if unit_id:
        qs = qs.filter(recommending_unit_id=unit_id)
    if domain_id:
        qs = qs.filter(
            organisation__registrations__campaign=campaign,
            organisation__registrations__domain_id=domain_id,
        )
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(team_name__icontains=q) | Q(organisation__name__icontains=q)
        )
    return qs.order_by("number")


STAFF_ROW_FIELDS = (
    "pk",
    "number",
    "team_name",
    "state",
    "organisation__name",
    "recommending_unit__name",
)


def applications_after(applications: QuerySet[Application], number: str) -> QuerySet[Application]:
    """The staff list's rows after the one numbered ``number``, in the same 编号 order
    (keyset paging, docs/api.md "Paging the staff list"). The 编号 is unique, so the order
    of :func:`applications_for_staff` names every row and needs no tie-break; the row named
    need not exist any more."""
    return applications.filter(number__gt=number).order_by("number")


def application_rows(applications: QuerySet[Application]) -> QuerySet[Application, dict[str, Any]]:
    """A list as plain rows (dicts): a page of 50 builds no model instances."""
    return applications.values(*STAFF_ROW_FIELDS)


class StaffRowsByNumber:
    """A staff list's rows (as :func:`application_rows`) in 编号 order, for a paginator: a
    page's slice finds its 50 numbers among ``applications`` (read from an index on
    (campaign, …, number), the skipped rows neither joined nor read) and then joins and
    reads those 50 rows alone (docs/benchmarks.md, "The staff list on PostgreSQL").
    The 编号 is unique, so the numbers name the rows."""

    def __init__(self, applications: QuerySet[Application]) -> None:
        self.applications = applications

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        numbers = self.applications.order_by("number").values("number")[page]
        return list(
            application_rows(Application.objects.filter(number__in=numbers)).order_by("number")
        )

    def __len__(self) -> int:  # the paginator counts through its own count_from
        return int(self.applications.count())


def application_get_for(*, user: User, pk: int) -> Application:
    """The application if the user may see it; 404 for outsiders (we do not reveal that it
    exists). A caller that needs more than viewing checks that separately (403)."""
    application = _list_base().select_related("created_by").filter(pk=pk).first()
    if application is None or not user.has_perm("applications.view_application", application):
        raise Http404
    return application


def application_detail_context(application: Application) -> dict[str, Any]:
    attachments = list(application.attachments.all())
    # One application's: its number is the whole order (no join for the model's).
    revisions = list(application.revisions.order_by("number"))
    return {"attachments": attachments, "revisions": revisions}


def application_form_data(application: Application) -> ApplicationFormData:
    """What the generated 附件3 prints: the frozen organisation data once submitted, the
    live 附件2 registration before that."""
    org = application.organisation_snapshot
    if not org:
        registration = (
            Registration.objects.select_related("organisation", "nature", "domain")
            .prefetch_related("industries")
            .filter(organisation=application.organisation, campaign=application.campaign)
            .first()
        )
        org = (
            registration_snapshot(registration)
            if registration
            else {
                "name": application.organisation.name,
                "short_name": application.organisation.short_name,
            }
        )
    groups: dict[str, list[str]] = {}
    for industry in Industry.objects.filter(active=True):
        groups.setdefault(industry.group, []).append(industry.name)

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    return ApplicationFormData(
        year=application.campaign.year,
        recommending_unit=application.recommending_unit.name,
        number=application.number,
        # The name of the form's year: the current one this year, the name the
        # organisation had then for a past year (docs/rules.md, rule 14).
        organisation_name=name_in_year(application.organisation, application.campaign.year),
        is_member=bool(org.get("is_member", False)),
        nature=org.get("nature", ""),
        nature_other=org.get("nature_other", ""),
        industries=tuple(org.get("industries", ())),
        industry_other=org.get("industry_other", ""),
        industry_options=tuple((g, tuple(names)) for g, names in groups.items()),
        domain=org.get("domain", ""),
        domain_options=tuple(Domain.objects.filter(active=True).values_list("name", flat=True)),
        nature_options=tuple(
            OrganisationNature.objects.filter(active=True).values_list("name", flat=True)
        ),
        team_name=application.team_name,
        team_type=application.team_type.name,
        team_size=application.team_size,
        address=org.get("address", ""),
        postcode=org.get("postcode", ""),
        management_department=org.get("management_department", ""),
        promoter_name=org.get("promoter_name", ""),
        promoter_position=org.get("promoter_position", ""),
        promoter_mobile=org.get("promoter_mobile", ""),
        promoter_email=org.get("promoter_email", ""),
        **{name: text(getattr(application, name)) for name in INDICATOR_FIELDS},
    )


def application_printed_content(application: Application) -> dict[str, object]:
    """What the generated 申报表 prints now (the stamp's HMAC covers it)."""
    return printed_content(application_form_data(application))


def application_stamp(application: Application, content: dict[str, object] | None = None) -> Stamp:
    """The code printed on the 申报表 as generated now: its number, its content version
    and the HMAC of what it prints (docs/rules.md, "The stamp check")."""
    if content is None:
        content = application_printed_content(application)
    return sign(DocumentKind.APPLICATION, application.number, application.version, content)


def printed_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The names (as the form prints them, translated) of the printed fields whose value
    differs, in the form's order, each name once."""
    names: list[str] = []
    for field, label in PRINTED_LABELS.items():
        if before.get(field) != after.get(field) and str(label) not in names:
            names.append(str(label))
    return names


def revision_rows(revision: ApplicationRevision) -> list[tuple[str, Any]]:
    """A submitted version as (official label, value) rows, in the form's order."""
    rows = []
    for name in CONTENT_FIELDS:
        if name in revision.content:
            field = Application._meta.get_field(name)
            assert isinstance(field, Field)  # content fields are concrete model fields
            label = field.verbose_name
            rows.append((str(label), revision.content[name]))
    return rows


def registration_snapshot(registration: Registration) -> dict[str, Any]:
    """附件2 data frozen into the application at submission."""
    return {
        "name": registration.organisation.name,
        "short_name": registration.organisation.short_name,
        "is_member": registration.is_member,
        "nature": registration.nature.name,
        "nature_other": registration.nature_other,
        "industries": [i.name for i in registration.industries.all()],
        "industry_other": registration.industry_other,
        "domain": registration.domain.name,
        "address": registration.address,
        "postcode": registration.postcode,
        "management_department": registration.management_department,
        "promoter_name": registration.promoter_name,
        "promoter_position": registration.promoter_position,
        "promoter_mobile": registration.promoter_mobile,
        "promoter_email": registration.promoter_email,
    }
