"""Shared vocabulary of the permission matrix: personas, expectations, entries.

The matrix itself is ``test_permission_matrix.MATRIX`` plus the ``ENTRIES`` of every
``tests/security/matrix_<area>.py`` module (one per area, so that areas are added without
touching each other's lines). An area module may also define:

- ``extend_world(fx, users, ids) -> None``: create the area's objects (after the common
  world is built) and add their ids to ``ids`` for its ``KWARGS``;
- ``KWARGS``: URL kwarg name → ``Ref``/literal, merged into the common ``KWARGS``;
- ``SECRETS``: name → personas that must never see ``ids[name]`` in a 200 answer;
- ``fingerprint() -> dict``: what a refused request must not change in its tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# --------------------------------------------------------------------------- personas

ANON = "anonymous"
PERSONAS: tuple[str, ...] = (
    ANON,
    "applicant_a",
    "applicant_b",
    "unit_x_admin",
    "unit_x_member",  # unit X staff without the admin role: may look, may not act
    "unit_y_admin",
    "judge",  # on unit X's panel, assigned to A's application
    "expert",  # a verified user with a Judge profile, no panel, no assignment
    "staff",  # is_association_staff
    "guide",  # member of a guiding unit (指导单位)
)


# ------------------------------------------------------------------------ expectations


@dataclass(frozen=True)
class Redirect:
    """A 302 whose Location starts with ``to`` (formatted with the world's ids), or equals
    it when ``exact``."""

    to: str
    exact: bool = False

    def __str__(self) -> str:
        return f"302→{self.to}"


class _NotExercised:
    def __repr__(self) -> str:
        return "ALLOWED_NOT_EXERCISED"


ALLOWED_NOT_EXERCISED = _NotExercised()
ANE = ALLOWED_NOT_EXERCISED
LOGIN = Redirect("/accounts/login/?next=")
HOME = Redirect("/", exact=True)
# Where a log-in lands (settings.LOGIN_REDIRECT_URL).
WORKBENCH = Redirect("/workbench/", exact=True)
NO_ORGANISATION = Redirect("/organisation/new/", exact=True)
TO_2FA_VERIFY = Redirect("/accounts/2fa/verify/", exact=True)
TO_SITE_LOGIN = Redirect("/accounts/login/")

Expect = int | Redirect | _NotExercised
Row = Mapping[str, Expect]


def row(default: Expect, *, anonymous: Expect = LOGIN, **by_persona: Expect) -> dict[str, Expect]:
    """Every persona gets ``default`` unless named; anonymous is sent to the login page."""
    unknown = set(by_persona) - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"
    expected: dict[str, Expect] = dict.fromkeys(PERSONAS, default)
    expected[ANON] = anonymous
    expected.update(by_persona)
    return expected


def api_row(default: Expect, **by_persona: Expect) -> dict[str, Expect]:
    """As ``row``, for the API: anonymous gets 401."""
    return row(default, anonymous=401, **by_persona)


# Who may see applicant A's submitted application: A, the unit it was submitted to (admin
# and plain member), the judge assigned to it, association staff. Everyone else: 404.
A_VIEWERS = ("applicant_a", "unit_x_admin", "unit_x_member", "judge", "staff")
# Of those, who may see it but not change it: 403.
A_READ_ONLY = ("unit_x_admin", "unit_x_member", "judge", "staff")


def sees_a(status: Expect = 200, *, api: bool = False) -> dict[str, Expect]:
    make = api_row if api else row
    return make(404, **dict.fromkeys(A_VIEWERS, status))


def changes_a(owner: Expect = ANE, *, api: bool = False) -> dict[str, Expect]:
    """An applicant-only write on A's application: read-only viewers 403, outsiders 404."""
    make = api_row if api else row
    return make(404, applicant_a=owner, **dict.fromkeys(A_READ_ONLY, 403))


PUBLIC = row(200, anonymous=200)
LOGGED_IN = row(200)
STAFF_ONLY = row(403, staff=200)
POST_ONLY = row(405)  # GET of a POST-only action: anonymous to login, everyone else 405
ORGANISATION_PAGE = row(NO_ORGANISATION, applicant_a=200, applicant_b=200)
UNIT_X_VIEW = row(404, unit_x_admin=200, unit_x_member=200, staff=200)
UNIT_X_ADMIN_ACTION = row(404, unit_x_admin=ANE, unit_x_member=403, staff=403)
UNIT_X_STAFF_ACTION = row(404, staff=ANE, unit_x_admin=403, unit_x_member=403)
# A unit action addressed through unit Y at one of unit X's objects: unit Y's admin
# passes the unit check and must then not find unit X's object (404, not ANE/302).
VIA_UNIT_Y_ACTION = row(404, staff=403)
# A unit X action on something that is not unit X's to act on (B's draft, a judge not on
# its panel): unit X's admin too must get 404.
NOT_UNIT_X_OBJECT = row(404, unit_x_member=403, staff=403)
EVERYONE_404 = row(404)

UNIT_X_VIEW_API = api_row(404, unit_x_admin=200, unit_x_member=200, staff=200)
UNIT_X_ADMIN_API = api_row(404, unit_x_admin=ANE, unit_x_member=403, staff=403)
UNIT_X_STAFF_API = api_row(404, staff=ANE, unit_x_admin=403, unit_x_member=403)
VIA_UNIT_Y_API = api_row(404, staff=403)
NOT_UNIT_X_OBJECT_API = api_row(404, unit_x_member=403, staff=403)


# What must never appear in a 200 answer to whom, on any page or operation (an entry can
# add personas for A's number with ``hides_a``): A's application number to those who may
# not see it; B's draft number to everyone but B and staff (units never see drafts); the
# unit judge's name to applicants (never judges' names or scores) and outsiders.
SECRETS: dict[str, frozenset[str]] = {
    "app_a_number": frozenset({ANON, "applicant_b", "unit_y_admin", "expert", "guide"}),
    "app_b_number": frozenset(PERSONAS) - {"applicant_b", "staff"},
    "judge_name": frozenset(
        {ANON, "applicant_a", "applicant_b", "unit_y_admin", "expert", "guide"}
    ),
}


# --------------------------------------------------------------------------- entries


@dataclass(frozen=True)
class Ref:
    """A URL kwarg value taken from the world by name."""

    name: str


@dataclass(frozen=True)
class Page:
    get: Row
    post: Row | None = None
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    # Personas whose 200 answer must not mention A's application (its number).
    hides_a: frozenset[str] = frozenset()
    # The request ends the session (logout): use a throw-away client.
    fresh_client: bool = False


@dataclass(frozen=True)
class Op:
    expect: Row
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    # Writes send "json" (the body "{}"), "multipart" (an empty form), "none", or the
    # given JSON object (values may be Refs).
    body: str | Mapping[str, Any] = "json"
    hides_a: frozenset[str] = frozenset()


NOT_A = frozenset(PERSONAS) - {"applicant_a"}
