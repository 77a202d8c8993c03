from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from xinban.core.validators import (
    team_name_problem,
    team_name_superior_part,
    validate_mainland_mobile,
    validate_percentage,
    validate_postcode,
)

ENDINGS = ["班", "组", "工段", "室"]
cjk = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=12
)


@given(prefix=cjk, ending=st.sampled_from(ENDINGS))
def test_names_ending_in_an_accepted_unit_pass(prefix: str, ending: str) -> None:
    name = prefix + ending
    assume(team_name_superior_part(name) is None)  # rule 3: no superior department
    if name.endswith("班组"):
        assert team_name_problem(name, ENDINGS) is not None
    else:
        assert team_name_problem(name, ENDINGS) is None


@given(prefix=st.text(min_size=0, max_size=12))
def test_names_ending_in_banzu_always_fail(prefix: str) -> None:
    assert team_name_problem(prefix + "班组", ENDINGS) is not None


@given(name=cjk)
def test_names_without_an_accepted_ending_fail(name: str) -> None:
    if not any(name.endswith(e) for e in ENDINGS):
        assert team_name_problem(name, ENDINGS) is not None


@pytest.mark.parametrize("name", ["班", "组", "工段", "", "  质检一班", "质检一班 "])
def test_bare_ending_blank_or_padded_fails(name: str) -> None:
    assert team_name_problem(name, ENDINGS) is not None


def test_the_endings_are_data() -> None:
    assert team_name_problem("运维中心", ENDINGS) is not None
    assert team_name_problem("运维中心", [*ENDINGS, "中心"]) is None


@given(
    value=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
)
def test_percentages_in_range_with_two_decimals_pass(value: Decimal) -> None:
    validate_percentage(value)


@given(
    value=st.decimals(allow_nan=False, allow_infinity=False, places=2).filter(
        lambda v: v < 0 or v > 100
    )
)
def test_percentages_out_of_range_fail(value: Decimal) -> None:
    with pytest.raises(ValidationError):
        validate_percentage(value)


@given(
    value=st.decimals(min_value=0, max_value=100, places=3, allow_nan=False, allow_infinity=False)
)
def test_percentages_with_three_decimals_fail_unless_exact(value: Decimal) -> None:
    if value.as_tuple().exponent < -2 and value != value.quantize(Decimal("0.01")):
        with pytest.raises(ValidationError):
            validate_percentage(value)


@given(digits=st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_mainland_mobiles_pass(digits: str) -> None:
    validate_mainland_mobile(digits)


@pytest.mark.parametrize(
    "bad", ["1391234567", "139123456789", "12912345678", "abc", "+8613912345678"]
)
def test_bad_mobiles_fail(bad: str) -> None:
    with pytest.raises(ValidationError):
        validate_mainland_mobile(bad)


@given(code=st.from_regex(r"\d{6}", fullmatch=True))
def test_postcodes_pass(code: str) -> None:
    validate_postcode(code)


@pytest.mark.parametrize("bad", ["20000", "2000000", "20a000", ""])
def test_bad_postcodes_fail(bad: str) -> None:
    with pytest.raises(ValidationError):
        validate_postcode(bad)
