"""Keyset paging of the staff list (GET /staff/applications?after=…, docs/api.md "Paging
the staff list"): the cursor walks every row once in the offset order, a row inserted
before the cursor does not shift the next page, a bad cursor is a field error on ``after``."""

from __future__ import annotations

import base64
import itertools
from decimal import Decimal
from typing import Any

import pytest

from tests.api.conftest import Api
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign, TeamType
from xinban.organisations.models import Organisation, RecommendingUnit

pytestmark = pytest.mark.django_db


def _add_applications(
    campaign: Campaign, unit: RecommendingUnit, numbers: list[int], *, prefix: str = "p"
) -> None:
    """Applications numbered ``{year}{n:04d}``, one per (organisation, team type)."""
    types = list(TeamType.objects.order_by("position"))
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=f"上海分页{prefix}{i}号有限公司", short_name=f"分页{prefix}{i}")
            for i in range(len(numbers) // len(types) + 1)
        ]
    )
    slots = itertools.product(organisations, types)
    Application.objects.bulk_create(
        [
            Application(
                campaign=campaign,
                organisation=organisation,
                recommending_unit=unit,
                number=f"{campaign.year}{n:04d}",
                state=ApplicationState.SUBMITTED,
                team_name=f"分页{n}班",
                team_type=team_type,
                team_size=10,
                completion_rate=Decimal("98.50"),
                accidents_per_year=0,
                organisation_snapshot={"name": organisation.name},
            )
            for n, (organisation, team_type) in zip(numbers, slots, strict=False)
        ]
    )


def _walk(api: Api, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = api.get("/staff/applications", **params).json()
    items.extend(page["items"])
    while page["next_after"] is not None:
        page = api.get("/staff/applications", after=page["next_after"], **params).json()
        assert page["offset"] == 0
        items.extend(page["items"])
    return items


def test_walking_with_after_yields_every_row_once_in_the_offset_order(
    api_staff: Api, campaign: Campaign, unit_x: RecommendingUnit
) -> None:
    _add_applications(campaign, unit_x, list(range(100, 123)))
    by_offset = [
        item
        for offset in range(0, 23, 5)
        for item in api_staff.get("/staff/applications", limit=5, offset=offset).json()["items"]
    ]
    by_cursor = _walk(api_staff, limit=5)
    assert len(by_offset) == 23
    assert [i["id"] for i in by_cursor] == [i["id"] for i in by_offset]
    assert len({i["id"] for i in by_cursor}) == 23
    numbers = [i["number"] for i in by_cursor]
    assert numbers == sorted(numbers)

    # The count is the whole filtered list's on every page; the last page has no cursor.
    first = api_staff.get("/staff/applications", limit=5).json()
    second = api_staff.get("/staff/applications", limit=5, after=first["next_after"]).json()
    assert first["count"] == second["count"] == 23
    last = api_staff.get("/staff/applications", limit=3, offset=20).json()
    assert len(last["items"]) == 3 and last["next_after"] is None
    # A page that ends exactly at the last row has no cursor either (no empty page after).
    assert api_staff.get("/staff/applications", limit=23).json()["next_after"] is None
    assert api_staff.get("/staff/applications", limit=22).json()["next_after"] is not None

    # Filters apply to the pages after the cursor too.
    assert [i["number"] for i in _walk(api_staff, limit=2, q="分页11")] == [
        f"{campaign.year}{n:04d}" for n in range(110, 120)
    ]


def test_a_row_inserted_before_the_cursor_does_not_shift_the_next_page(
    api_staff: Api, campaign: Campaign, unit_x: RecommendingUnit
) -> None:
    _add_applications(campaign, unit_x, list(range(100, 112)))
    first = api_staff.get("/staff/applications", limit=4).json()
    second_before = api_staff.get("/staff/applications", limit=4, offset=4).json()["items"]

    _add_applications(campaign, unit_x, [1], prefix="q")  # sorts before every row

    shifted = api_staff.get("/staff/applications", limit=4, offset=4).json()["items"]
    assert [i["id"] for i in shifted] != [i["id"] for i in second_before]  # offset shifts
    second = api_staff.get("/staff/applications", limit=4, after=first["next_after"]).json()
    assert [i["id"] for i in second["items"]] == [i["id"] for i in second_before]
    assert second["count"] == 13

    # The row the cursor names may be gone: the page still starts after its place.
    Application.objects.filter(number=first["items"][-1]["number"]).delete()
    again = api_staff.get("/staff/applications", limit=4, after=first["next_after"]).json()
    assert [i["id"] for i in again["items"]] == [i["id"] for i in second_before]


def _cursor(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "after",
    [
        "not base64!",
        "%%%",
        "a",  # not a whole base64 quantum
        _cursor(b"\xff\xfe\xfd"),  # not UTF-8
        _cursor(b"2026000"),  # no version prefix
        _cursor(b"n1:"),  # empty key
        _cursor(b"n1:" + b"9" * 17),  # longer than any 编号
        _cursor(b"n1: 20260001"),  # padded with spaces
        _cursor(b"n1:2026\x01"),  # a control character inside
        "x" * 101,  # over the parameter's length
    ],
)
def test_a_bad_cursor_is_a_field_error_on_after(
    api_staff: Api, submitted_a: dict[str, Any], after: str
) -> None:
    refused = api_staff.get("/staff/applications", after=after)
    assert refused.status_code == 422
    body = refused.json()
    assert list(body["errors"]) == ["after"] and body["errors"]["after"][0]


def test_the_cursor_error_is_chinese_first_with_an_english_translation(
    api_staff: Api, submitted_a: dict[str, Any]
) -> None:
    zh = api_staff.get("/staff/applications", after=_cursor(b"garbage")).json()
    assert zh["errors"]["after"] == ["游标无效，请使用上一页返回的 next_after。"]
    english = api_staff.client.get(
        "/api/staff/applications", {"after": _cursor(b"garbage")}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert english["errors"]["after"] == [
        "Invalid cursor: use the next_after returned with the previous page."
    ]


def test_after_with_an_offset_is_refused(
    api_staff: Api, submitted_a: dict[str, Any], submitted_b: dict[str, Any]
) -> None:
    first = api_staff.get("/staff/applications", limit=1).json()
    assert first["next_after"]
    refused = api_staff.get("/staff/applications", limit=1, offset=1, after=first["next_after"])
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["offset"]
    fine = api_staff.get("/staff/applications", limit=1, offset=0, after=first["next_after"])
    assert fine.status_code == 200 and fine.json()["items"][0]["id"] != first["items"][0]["id"]


def test_only_staff_may_page_even_with_a_cursor(
    api_staff: Api, api_a: Api, api_unit_x: Api, anonymous: Api, submitted_a: Any
) -> None:
    cursor = _cursor(b"n1:" + submitted_a["number"].encode())
    for other in (api_a, api_unit_x):
        refused = other.get("/staff/applications", after=cursor)
        assert refused.status_code == 403 and refused.json()["code"] == "not_staff"
        # Not even a bad cursor tells an outsider more than "not staff".
        assert other.get("/staff/applications", after="%%%").status_code == 403
    assert anonymous.get("/staff/applications", after=cursor).status_code == 401
    assert api_staff.get("/staff/applications", after=cursor).status_code == 200
