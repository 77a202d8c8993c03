"""The permission matrix (issue 7): every URL pattern and every API operation, requested
by every persona, against objects that belong to someone else.

How it works:

- ``all_url_patterns()`` walks ``get_resolver()`` (skipping the Django admin, checked
  separately, and i18n's set_language); ``api_operations()`` reads ``/api/openapi.json``
  through the test client. Every page route name and every API ``"METHOD /path"`` must
  have an entry in ``MATRIX`` (variants add a ``" (…)"`` suffix to the key and override
  URL kwargs or the JSON body). A route without one fails with "add it to MATRIX"; an
  entry without a route fails too.
- One world is built per test (``build_world``): applicant A's submitted application in
  unit X with an attachment and a stamped scan, unit X's judge assigned to it, unit X's
  report recommending it with a stamped scan, applicant B's draft (also addressed to unit
  X, which must not see drafts) with its own attachment, an open invitation for someone
  who is none of the personas, an expert (a Judge with no panel). ``KWARGS`` fills every
  URL kwarg from it.
- An expectation is a status code, a ``Redirect`` (``LOGIN`` for pages sending anonymous
  to the login page), or ``ALLOWED_NOT_EXERCISED`` for a state-changing request by the
  persona allowed to make it (its behaviour is tested elsewhere; here we check that the
  others are refused). POSTs carry an empty body: the permission check must come before
  validation, so a 200/400/422 for an outsider is a leak.
- ``SECRETS``: A's application number, B's draft number and the judge's name must not
  appear in any 200 answer to personas who may not see them.
- Nothing a refused persona sends may change anything: the audit log and a fingerprint
  of the world are compared before and after.
- Two-factor login is on, as in production: staff and guide have verified sessions; the
  same URLs are then requested by staff and guide with their password only, and every
  one must send them to the code page (403 for the API).
- ``KNOWN_BUGS`` lists (key, method, persona) triples whose CORRECT expectation is in
  ``MATRIX`` but where the app currently answers otherwise; they are printed, not failed
  (like a strict xfail: once fixed, the test asks for the lines to be removed).

Run ``pytest tests/security -s`` to see the number of (route × persona) pairs tried.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

import tests.security
from tests.conftest import application_data, make_user, pdf_bytes
from tests.recommendation.factories import reviewed
from tests.security.matrix_kit import *  # noqa: F403  (the matrix's vocabulary)
from tests.security.matrix_kit import (
    ALLOWED_NOT_EXERCISED,
    ANON,
    PERSONAS,
    SECRETS,
    Expect,
    Op,
    Page,
    Redirect,
    Ref,
)

MATRIX: dict[str, Page | Op] = {
    # Each area's entries are in its own tests/security/matrix_<area>.py (below).
}


def area_modules() -> list[ModuleType]:
    """``tests/security/matrix_<area>.py``: each area's entries, world and secrets."""
    return [
        importlib.import_module(f"tests.security.{info.name}")
        for info in pkgutil.iter_modules(tests.security.__path__)
        if info.name.startswith("matrix_") and info.name != "matrix_kit"
    ]


AREAS = area_modules()
for _area in AREAS:
    _clash = set(MATRIX) & set(getattr(_area, "ENTRIES", {}))
    assert not _clash, f"{_area.__name__} repeats MATRIX keys {_clash}"
    MATRIX.update(getattr(_area, "ENTRIES", {}))
    SECRETS.update(getattr(_area, "SECRETS", {}))


def _bug(key: str, method: str, *personas: str) -> set[tuple[str, str, str]]:
    """KNOWN_BUGS triples for a MATRIX entry: the personas named, or all it requests."""
    entry = MATRIX[key]
    row_ = entry.expect if isinstance(entry, Op) else entry.get if method == "GET" else entry.post
    assert row_ is not None
    chosen = personas or tuple(p for p in PERSONAS if row_[p] is not ALLOWED_NOT_EXERCISED)
    return {(key, method, persona) for persona in chosen}


# Triples (MATRIX key, method, persona) where the app answers otherwise than MATRIX says
# it should (xfail-style: reported, not failed). Each one is a bug reported to the lead;
# remove its lines once it is fixed (the test then fails until you do).
KNOWN_BUGS: set[tuple[str, str, str]] = set()
# e.g. KNOWN_BUGS |= _bug("PUT /api/units/{unit_id}/recommendations/order", "PUT")  # 405
# for everyone: ".../recommendations/{recommendation_id}" was declared first and matched
# "order" (found by this test, fixed in the router).

# URL kwarg name → value: a Ref into the world, or a literal.
KWARGS: dict[str, Any] = {
    "pk": Ref("app_a"),
    "application_id": Ref("app_a"),
    "unit_id": Ref("unit_x"),
    "sheet_id": Ref("sheet"),
    "judge_id": Ref("judge"),
    "recommendation_id": Ref("rec"),
    "attachment_pk": Ref("att_a"),
    "attachment_id": Ref("att_a"),
    "number": 1,
    "fmt": "pdf",
    "unit_pk": Ref("unit_x"),
    "sheet_pk": Ref("sheet"),
    "rec_pk": Ref("rec"),
    "judge_pk": Ref("judge"),
    "direction": "up",
    "token": Ref("invitation_token"),
    "uidb64": Ref("uidb64_a"),
}
for _area in AREAS:
    KWARGS.update(getattr(_area, "KWARGS", {}))

SKIPPED_NAMESPACES = ("admin",)  # Django admin: see test_admin_sends_everyone_to_its_login
SKIPPED_NAMES = ("set_language",)  # django.conf.urls.i18n


# ------------------------------------------------------------------------ enumeration


@dataclass(frozen=True)
class Route:
    name: str
    path: str  # as written in the URLconf, for messages and for matching API operations
    kwargs: tuple[str, ...]


def _walk(
    resolver: URLResolver, prefix: str = "", namespaces: tuple[str, ...] = ()
) -> Iterator[Route]:
    for item in resolver.url_patterns:
        pattern = item.pattern
        names = tuple(getattr(pattern, "converters", {}) or pattern.regex.groupindex)
        if isinstance(item, URLResolver):
            inner = (*namespaces, item.namespace) if item.namespace else namespaces
            for route in _walk(item, prefix + str(pattern), inner):
                yield Route(route.name, route.path, names + route.kwargs)
        elif isinstance(item, URLPattern):
            name = ":".join((*namespaces, item.name or "<unnamed>"))
            yield Route(name, prefix + str(pattern), names)


def all_url_patterns() -> list[Route]:
    routes = []
    for route in _walk(get_resolver()):
        if route.name.split(":")[0] in SKIPPED_NAMESPACES or route.name in SKIPPED_NAMES:
            continue
        routes.append(route)
    return routes


def api_operations(client: Client) -> dict[str, list[str]]:
    """``"METHOD /path"`` → path parameter names, from the OpenAPI document."""
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    operations: dict[str, list[str]] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method.lower() not in {"get", "post", "put", "patch", "delete"}:
                continue
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            operations[f"{method.upper()} {path}"] = names
    return operations


def route_of(key: str) -> str:
    """The route name or "METHOD /path" of a MATRIX key (without its " (variant)")."""
    return key.split(" (", 1)[0]


def coverage_problems(routes: list[Route], operations: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    api_paths = {op.split(" ", 1)[1] for op in operations}
    covered = {route_of(key) for key in MATRIX}
    known = set(operations)
    for route in routes:
        # An API URL pattern whose path is an OpenAPI path is covered by its operations.
        as_openapi = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.path)
        if route.name.startswith("api:") and as_openapi in api_paths:
            continue
        known.add(route.name)
        if route.name not in covered:
            problems.append(
                f"URL pattern {route.name!r} ({route.path}) has no entry: add it to MATRIX"
            )
    for operation in operations:
        if operation not in covered:
            problems.append(f"API operation {operation!r} has no entry: add it to MATRIX")
    for key in MATRIX:
        if route_of(key) not in known:
            problems.append(f"MATRIX entry {key!r} matches no URL pattern or API operation")
    for key, method, persona in KNOWN_BUGS:
        if key not in MATRIX or persona not in PERSONAS:
            problems.append(f"KNOWN_BUGS entry {(key, method, persona)} names nothing")
    return problems


# ------------------------------------------------------------------------------ world


def build_world(fx: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Create every object the routes address; return (users by persona, ids by name)."""
    from tests.recommendation.conftest import make_judge
    from xinban.applications import services as application_services
    from xinban.organisations.models import UnitMembership, UnitRole
    from xinban.recommendation import services as unit_services

    applicant_a, applicant_b = fx["applicant_a"], fx["applicant_b"]
    unit_x, unit_y, unit_x_admin = fx["unit_x"], fx["unit_y"], fx["unit_x_admin"]
    campaign = fx["campaign"]

    def pdf(name: str) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, pdf_bytes(name), content_type="application/pdf")

    # Applicant A: a submitted application in unit X, with an attachment and stamped scan.
    app_a = fx["draft_a"]
    att_a = application_services.application_attachment_add(
        actor=applicant_a, application=app_a, area=1, file=pdf("甲-材料.pdf")
    )
    application_services.application_stamped_form_upload(
        actor=applicant_a, application=app_a, file=pdf("甲-盖章.pdf")
    )
    app_a = application_services.application_submit(actor=applicant_a, application=app_a)

    # Applicant B: a draft, also addressed to unit X (which must not see drafts).
    app_b = application_services.application_create(
        actor=applicant_b,
        organisation=fx["org_b"],
        campaign=campaign,
        data=application_data(unit_x, team_name="护理一班"),
    )
    att_b = application_services.application_attachment_add(
        actor=applicant_b, application=app_b, area=2, file=pdf("乙-材料.pdf")
    )

    # Unit X: a plain member, a judge on its panel assigned to A, a report recommending A
    # with a stamped scan, an open invitation to someone outside the personas.
    unit_x_member = make_user("x-member@example.com", "推荐单位X工作人员")
    UnitMembership.objects.create(unit=unit_x, user=unit_x_member, role=UnitRole.MEMBER)
    judge = make_judge("judge@example.com", "评委甲", unit_x)
    sheet = unit_services.assignment_add(actor=unit_x_admin, application=app_a, judge=judge)
    expert = make_judge("expert@example.com", "专家乙", None, tgq_number="TGQ-2024-009")
    rec = unit_services.recommend(
        actor=unit_x_admin, application=reviewed(app_a), opinion="同意推荐"
    )
    report = unit_services.report_for(unit=unit_x, campaign=campaign)
    unit_services.report_upload_scan(actor=unit_x_admin, report=report, file=pdf("X-盖章.pdf"))
    invitation = unit_services.invitation_send(
        actor=unit_x_admin, unit=unit_x, email="newcomer@example.com", role="admin"
    )

    from tests.uploads_resumable.conftest import any_target_may_upload_videos
    from xinban.uploads_resumable.services import upload_session_start

    with any_target_may_upload_videos():
        upload_a = upload_session_start(
            actor=applicant_a,
            purpose="presentation_video",
            target=f"application:{app_a.pk}",
            filename="甲-汇报视频.mp4",
            size=1024,
        )

    users = {
        "applicant_a": applicant_a,
        "applicant_b": applicant_b,
        "unit_x_admin": unit_x_admin,
        "unit_x_member": unit_x_member,
        "unit_y_admin": fx["unit_y_admin"],
        "judge": judge.user,
        "expert": expert.user,
        "staff": fx["staff"],
        "guide": fx["guide"],
    }
    ids = {
        "app_a": app_a.pk,
        "app_a_number": app_a.number,
        "app_b_number": app_b.number,
        "judge_name": judge.name,
        "expert_judge": expert.pk,
        "att_a": att_a.pk,
        "app_b": app_b.pk,
        "att_b": att_b.pk,
        "unit_x": unit_x.pk,
        "unit_y": unit_y.pk,
        "sheet": sheet.pk,
        "rec": rec.pk,
        "judge": judge.pk,
        "invitation_token": invitation.token,
        "upload_a": upload_a.pk,
        "uidb64_a": urlsafe_base64_encode(force_bytes(applicant_a.pk)),
    }
    for area in AREAS:
        if hasattr(area, "extend_world"):
            area.extend_world(fx, users, ids)
    return users, ids


def fingerprint() -> dict[str, Any]:
    """What a refused request must not change."""
    from xinban.applications.models import Application, Attachment
    from xinban.core.models import AuditEntry
    from xinban.organisations.models import Organisation, UnitMembership
    from xinban.recommendation.models import (
        Invitation,
        PanelMember,
        Recommendation,
        UnitNote,
        UnitQuota,
        UnitRecommendationReport,
    )
    from xinban.scoring.models import ConflictDeclaration, Judge, ScoreSheet

    return {
        "audit": AuditEntry.objects.count(),
        "applications": sorted(Application.objects.values_list("pk", "state", "version")),
        "attachments": sorted(Attachment.objects.values_list("pk", flat=True)),
        "organisations": Organisation.objects.count(),
        "unit_members": sorted(UnitMembership.objects.values_list("unit_id", "user_id", "role")),
        "invitations": sorted(Invitation.objects.values_list("pk", "accepted_at")),
        "panel": PanelMember.objects.count(),
        "judges": Judge.objects.count(),
        "sheets": sorted(ScoreSheet.objects.values_list("pk", "status")),
        "conflicts": ConflictDeclaration.objects.count(),
        "recommendations": sorted(Recommendation.objects.values_list("pk", "position")),
        "reports": sorted(UnitRecommendationReport.objects.values_list("pk", "status", "version")),
        "notes": UnitNote.objects.count(),
        "quotas": UnitQuota.objects.count(),
    } | {
        f"{area.__name__}.{name}": value
        for area in AREAS
        if hasattr(area, "fingerprint")
        for name, value in area.fingerprint().items()
    }


# ------------------------------------------------------------------------------ checks


def fill(
    kwarg_names: list[str] | tuple[str, ...], overrides: Mapping[str, Any], ids: Mapping[str, Any]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in kwarg_names:
        if name in overrides:
            value = overrides[name]
        elif name in KWARGS:
            value = KWARGS[name]
        else:
            raise LookupError(f"no value for URL kwarg {name!r}: add it to KWARGS")
        values[name] = ids[value.name] if isinstance(value, Ref) else value
    return values


def expand(path: str, values: Mapping[str, Any]) -> str:
    """An OpenAPI path with its {parameters} filled in."""
    return re.sub(r"\{(\w+)\}", lambda match: str(values[match.group(1)]), path)


def describe(response: Any) -> str:
    location = response.get("Location", "")
    return f"{response.status_code}→{location}" if location else str(response.status_code)


def matches(response: Any, expected: Expect, ids: Mapping[str, Any]) -> bool:
    if isinstance(expected, Redirect):
        target = expected.to.format(**ids)
        location = response.get("Location", "")
        if response.status_code != 302:
            return False
        return location == target if expected.exact else location.startswith(target)
    return response.status_code == expected


def body_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        return ""  # a download: its name and content are not what we look for
    return response.content.decode("utf-8", errors="replace")


@dataclass
class Tally:
    pairs: int = 0
    not_exercised: int = 0
    known_bugs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def record(
        self,
        key: str,
        method: str,
        persona: str,
        url: str,
        response: Any,
        expected: Expect,
        ids: Mapping[str, Any],
        hides_a: frozenset[str],
    ) -> None:
        self.pairs += 1
        ok = matches(response, expected, ids)
        where = f"{method} {url} [{key}] as {persona}"
        leaks = ""
        if ok and response.status_code == 200:
            body = body_of(response)
            for secret, hidden_from in SECRETS.items():
                hidden = hidden_from | hides_a if secret == "app_a_number" else hidden_from
                if persona in hidden and str(ids[secret]) in body:
                    ok = False
                    leaks += f", whose body shows {secret} {ids[secret]!r}"
        if hasattr(response, "close"):
            # Closing fires request_finished, whose close_old_connections would close the
            # test's connection inside its transaction (PostgreSQL); the test client
            # detaches it the same way while it serves a request.
            signals.request_finished.disconnect(close_old_connections)
            try:
                response.close()
            finally:
                signals.request_finished.connect(close_old_connections)
        message = f"{where}: expected {expected}, got {describe(response)}{leaks}"
        if (key, method, persona) in KNOWN_BUGS:
            if ok:
                self.problems.append(f"{where}: fixed, remove it from KNOWN_BUGS")
            else:
                self.known_bugs.append(message)
        elif not ok:
            self.problems.append(message)


SECOND_FACTOR_PERSONAS = ("staff", "guide")


def client_for(persona: str, users: Mapping[str, Any], *, second_factor: bool = True) -> Client:
    """A client logged in as the persona. Staff and guide must pass a second factor: their
    session is marked verified with a confirmed TOTP device (as after entering a code)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    if persona == ANON:
        return client
    user = users[persona]
    client.force_login(user)
    if second_factor and persona in SECOND_FACTOR_PERSONAS:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="matrix", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def request_page(client: Client, method: str, url: str) -> Any:
    return client.get(url) if method == "GET" else client.post(url, {})


def request_api(
    client: Client, method: str, url: str, body: str | Mapping[str, Any], ids: Mapping[str, Any]
) -> Any:
    call = getattr(client, method.lower())
    if method in ("GET", "DELETE") or body == "none":
        return call(url)
    if body == "multipart":
        return call(url, {})
    payload = {} if body == "json" else body
    assert isinstance(payload, Mapping)
    data = {k: ids[v.name] if isinstance(v, Ref) else v for k, v in payload.items()}
    return call(url, data=json.dumps(data), content_type="application/json")


def page_urls(
    routes: list[Route], ids: Mapping[str, Any], tally: Tally
) -> Iterator[tuple[str, Page, str]]:
    by_name = {route.name: route for route in routes}
    for key, entry in MATRIX.items():
        if not isinstance(entry, Page):
            continue
        route = by_name.get(route_of(key))
        if route is None:
            continue  # reported by coverage_problems
        try:
            url = reverse(route.name, kwargs=fill(route.kwargs, entry.kwargs, ids))
        except LookupError as exc:
            tally.problems.append(f"{key}: {exc}")
            continue
        yield key, entry, url


def operation_urls(
    operations: Mapping[str, list[str]], ids: Mapping[str, Any], tally: Tally
) -> Iterator[tuple[str, Op, str, str]]:
    for key, entry in MATRIX.items():
        if not isinstance(entry, Op):
            continue
        operation = route_of(key)
        if operation not in operations:
            continue  # reported by coverage_problems
        method, path = operation.split(" ", 1)
        try:
            values = fill(operations[operation], entry.kwargs, ids)
        except LookupError as exc:
            tally.problems.append(f"{key}: {exc}")
            continue
        yield key, entry, method, expand(path, values)


def check_pages(
    routes: list[Route],
    clients: Mapping[str, Client],
    users: Mapping[str, Any],
    ids: Mapping[str, Any],
    tally: Tally,
) -> None:
    for key, entry, url in page_urls(routes, ids, tally):
        for method, expectations in (("GET", entry.get), ("POST", entry.post)):
            if expectations is None:
                continue
            for persona in PERSONAS:
                expected = expectations[persona]
                if expected is ALLOWED_NOT_EXERCISED:
                    tally.not_exercised += 1
                    continue
                client = client_for(persona, users) if entry.fresh_client else clients[persona]
                response = request_page(client, method, url)
                tally.record(key, method, persona, url, response, expected, ids, entry.hides_a)


def check_operations(
    operations: Mapping[str, list[str]],
    clients: Mapping[str, Client],
    ids: Mapping[str, Any],
    tally: Tally,
) -> None:
    for key, entry, method, url in operation_urls(operations, ids, tally):
        for persona in PERSONAS:
            expected = entry.expect[persona]
            if expected is ALLOWED_NOT_EXERCISED:
                tally.not_exercised += 1
                continue
            response = request_api(clients[persona], method, url, entry.body, ids)
            tally.record(key, method, persona, url, response, expected, ids, entry.hides_a)


# Paths a logged-in staff or guide user reaches before entering the second factor.
BEFORE_SECOND_FACTOR = ("/static/", "/i18n/", "/accounts/logout/", "/accounts/2fa/")


def check_second_factor_gate(
    routes: list[Route],
    operations: Mapping[str, list[str]],
    users: Mapping[str, Any],
    ids: Mapping[str, Any],
    tally: Tally,
) -> None:
    """Staff and guide logged in with their password only: every page sends them to the
    code page, every API operation answers 403, whatever the method."""
    for persona in SECOND_FACTOR_PERSONAS:
        client = client_for(persona, users, second_factor=False)
        label = f"{persona} (password only)"
        for key, page, url in page_urls(routes, ids, tally):
            if url.startswith(BEFORE_SECOND_FACTOR):
                continue
            expected: Expect = Redirect(f"/accounts/2fa/verify/?next={url}", exact=True)
            if url.startswith("/api/"):
                expected = 403
            for method in ("GET", "POST") if page.post is not None else ("GET",):
                response = request_page(client, method, url)
                tally.record(key, method, label, url, response, expected, ids, frozenset())
        for key, op, method, url in operation_urls(operations, ids, tally):
            response = request_api(client, method, url, op.body, ids)
            tally.record(key, method, label, url, response, 403, ids, frozenset())
        for url in ADMIN_URLS:
            expected = Redirect(f"/accounts/2fa/verify/?next={url}", exact=True)
            response = client.get(url)
            tally.record("admin", "GET", label, url, response, expected, ids, frozenset())


# The Django admin has its own permission model (``is_staff``, which none of the personas
# holds, association staff included): each is sent to the admin's login.
ADMIN_URLS = ("/admin/", "/admin/applications/application/", "/admin/accounts/user/1/change/")


def check_admin(clients: Mapping[str, Client], ids: Mapping[str, Any], tally: Tally) -> None:
    for url in ADMIN_URLS:
        expected = Redirect(f"/admin/login/?next={url}", exact=True)
        for persona in PERSONAS:
            response = clients[persona].get(url)
            tally.record("admin", "GET", persona, url, response, expected, ids, frozenset())


# ------------------------------------------------------------------------------- tests


def test_every_route_and_operation_has_a_matrix_entry(db: Any) -> None:
    """Fails fast, naming what to add, when a URL or an API operation is new."""
    problems = coverage_problems(all_url_patterns(), api_operations(Client()))
    assert not problems, "\n".join(problems)


def test_permission_matrix(
    settings: Any,
    campaign: Any,
    unit_x: Any,
    unit_y: Any,
    org_b: Any,
    applicant_a: Any,
    applicant_b: Any,
    unit_x_admin: Any,
    unit_y_admin: Any,
    staff: Any,
    guide: Any,
    draft_a: Any,
) -> None:
    settings.REQUIRE_TWO_FACTOR = True  # as in production (tests/conftest.py turns it off)
    fixtures = {name: value for name, value in locals().items() if name != "fixtures"}
    users, ids = build_world(fixtures)
    assert set(users) | {ANON} == set(PERSONAS)
    clients = {persona: client_for(persona, users) for persona in PERSONAS}
    routes = all_url_patterns()
    operations = api_operations(clients[ANON])

    tally = Tally(problems=coverage_problems(routes, operations))
    before = fingerprint()
    check_pages(routes, clients, users, ids, tally)
    check_operations(operations, clients, ids, tally)
    check_admin(clients, ids, tally)
    matrix_pairs = tally.pairs
    check_second_factor_gate(routes, operations, users, ids, tally)
    after = fingerprint()
    for name in before:
        if before[name] != after[name]:
            tally.problems.append(
                f"a refused request changed {name}: {before[name]!r} → {after[name]!r}"
            )

    print(
        f"\npermission matrix: {tally.pairs} route×persona pairs "
        f"({matrix_pairs} over {len(MATRIX)} entries and {len(ADMIN_URLS)} admin URLs × "
        f"{len(PERSONAS)} personas, "
        f"{tally.pairs - matrix_pairs} for staff and guide before their second factor; "
        f"{tally.not_exercised} allowed but not exercised; {len(tally.known_bugs)} known bugs)"
    )
    for line in tally.known_bugs:
        print(f"  KNOWN BUG {line}")
    assert tally.pairs > 0
    assert not tally.problems, f"{len(tally.problems)} problems:\n" + "\n".join(tally.problems)


def test_admin_users_need_a_second_factor(settings: Any, db: Any) -> None:
    """Whoever may use the Django admin (``is_staff``) must pass the second factor first,
    not only association staff, guiding-unit users and superusers."""
    settings.REQUIRE_TWO_FACTOR = True
    client = Client()
    client.force_login(make_user("admin@example.com", "平台管理员", is_staff=True))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")


def test_admin_login_is_throttled_like_the_site_login(db: Any) -> None:
    """/admin/login/ sends people to the site's login (throttled, logged, e-mail verified),
    keeping where they wanted to go; failures there count like any other."""
    from xinban.accounts.models import LoginFailure

    email = "admin@example.com"
    make_user(email, "平台管理员", is_staff=True, is_association_staff=True)
    client = Client()
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"
    for _ in range(8):
        client.post("/accounts/login/?next=/admin/", {"username": email, "password": "wrong"})
    assert LoginFailure.objects.filter(email=email).count() >= 5
    response = client.post(
        "/accounts/login/?next=/admin/", {"username": email, "password": "pw-for-tests-123"}
    )
    assert response.status_code == 200  # refused, the form again
