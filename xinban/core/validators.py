"""Field validators shared by the forms. Messages are Chinese first; English via translation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
POSTCODE_RE = re.compile(r"^\d{6}$")
# A landline with its area code (010, 021, 0512 …), an optional hyphen, 7–8 digits and an
# optional extension: 021-58881234, 0512-65432100-806 (rule 11, docs/rules.md).
LANDLINE_RE = re.compile(r"^0\d{2,3}-?[1-9]\d{6,7}(-\d{1,6})?$")


def validate_mainland_mobile(value: str) -> None:
    if not MOBILE_RE.fullmatch(value or ""):
        raise ValidationError(_("请填写11位中国大陆手机号码，如 13912345678。"), code="mobile")


def validate_phone(value: str) -> None:
    """A mainland mobile (13912345678) or a landline with its area code (021-58881234);
    nothing else (rule 11, docs/rules.md)."""
    text = value or ""
    if not (MOBILE_RE.fullmatch(text) or LANDLINE_RE.fullmatch(text)):
        raise ValidationError(
            _("请填写11位手机号码，或带区号的固定电话（如 021-58881234）。"), code="phone"
        )


DATE_TEXT_RE = re.compile(
    r"^\s*(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?\s*$"
)


def date_of_text(value: str) -> date:
    """The date written as text ("2025年6月18日", "2025-06-18", "2025/6/18"); anything that
    is not one date is refused (rule 11, docs/rules.md)."""
    match = DATE_TEXT_RE.fullmatch(value or "")
    if match is not None:
        year, month, day = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise ValidationError(_("请填写一个日期，如 2025年6月18日。"), code="date_text")


def date_cn(when: date | None) -> str:
    """A date as the forms print it: "2025年6月18日" ("" for none)."""
    return "" if when is None else f"{when.year}年{when.month}月{when.day}日"


def date_text(value: str) -> str:
    """A date written as text, in the forms' own way ("2025年6月18日"); see
    :func:`date_of_text`."""
    return date_cn(date_of_text(value))


def validate_postcode(value: str) -> None:
    if not POSTCODE_RE.fullmatch(value or ""):
        raise ValidationError(_("邮编应为6位数字。"), code="postcode")


def validate_percentage(value: Decimal | None) -> None:
    """Percentages are 0–100 with at most two decimals."""
    if value is None:
        return
    if value < 0 or value > 100:
        raise ValidationError(_("百分比应在0到100之间。"), code="percentage_range")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValidationError(_("百分比最多保留两位小数。"), code="percentage_decimals")


# A superior department written into a team's name (附件3 注3 "写全称，不要挂上级部门"):
# the company or group itself, a division, or a "…部" followed by more of the name
# ("质量部质检一班"); 内部/外部/全部/局部/部件/部位/部分/部品 are ordinary words. See docs/rules.md.
SUPERIOR_RE = re.compile(r"公司|集团|事业部|分厂|总厂|(?<![内外全局干])部(?![件位分品])(?=.)")


def is_invisible_or_space(char: str) -> bool:
    """Whitespace of any kind: ASCII, full-width, non-breaking, line separators, and the
    zero-width / format characters (U+200B, U+FEFF, …) that look like nothing."""
    return char.isspace() or unicodedata.category(char) in {"Zs", "Zl", "Zp", "Cf"}


def team_name_superior_part(name: str, organisation_names: Iterable[str] = ()) -> str | None:
    """The part of a team's name that names the organisation or a superior department."""
    for own in sorted({n.strip() for n in organisation_names if n and n.strip()}, key=len):
        if own in name:
            return own
    match = SUPERIOR_RE.search(name)
    return match.group(0) if match else None


def team_name_problem(
    name: str, endings: Iterable[str], organisation_names: Iterable[str] = ()
) -> str | None:
    """Why a team's name breaks the naming rule of 附件3 note 3, or None when it is fine.

    The full name without the superior department (nor the organisation's own name); no
    whitespace of any kind; never "**班组"; it must end as a unit name such as "**班",
    "**组", "**工段", "**室" (the accepted endings are data). See docs/rules.md (rule 3).
    """
    stripped = (name or "").strip()
    if not stripped or all(is_invisible_or_space(c) for c in stripped):
        return _("请填写质量信得过班组名称。")
    if stripped != name:
        return _("班组名称前后不能有空格。")
    if any(is_invisible_or_space(c) for c in name):
        return _("班组名称中不能有空格或不可见字符（包括全角空格、不间断空格、零宽字符）。")
    if stripped.endswith("班组"):
        return _("班组名称不能以“班组”结尾，请区分“班”和“组”，如“**班”或“**组”。")
    accepted = sorted({e for e in endings if e}, key=len, reverse=True)
    matched = next((e for e in accepted if stripped.endswith(e)), None)
    if matched is None:
        return _("班组名称需以“%(endings)s”等结尾。") % {"endings": "”、“".join(accepted)}
    if len(stripped) <= len(matched):
        return _("班组名称需写全称，不能只有“%(ending)s”。") % {"ending": matched}
    superior = team_name_superior_part(stripped, organisation_names)
    if superior is not None:
        return _(
            "班组名称写全称，不要挂上级部门或单位名称（“%(part)s”），如“质检一班”而非“××公司质量部质检一班”。"
        ) % {"part": superior}
    return None
