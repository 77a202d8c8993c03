"""What an import row is: the workbook's columns, the results as written, a parsed row, a
row's error, the outcome of a check, and who may import (staff)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import TeamType
from xinban.core.errors import NotAllowed, ServiceError
from xinban.core.roles import roles_of
from xinban.organisations.models import RecommendingUnit

MAX_ROWS = 5000
PREVIEW_ROWS = 1000
MAX_SUMMARY = 2000
SHEET_TITLE = "历年成果"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    example: str
    note: str


COLUMNS = (
    Column(
        "year",
        "年度",
        True,
        "2023",
        "活动年度，如 2023；只能导入往年（结果已发布或平台上尚无的年度）",
    ),
    Column("unit", "推荐单位", True, "浦东新区", "与平台中推荐单位的名称完全一致"),
    Column("organisation", "单位名称", True, "上海浦江智能装备股份有限公司", "全称，与公章一致"),
    Column("short_name", "单位简称", False, "浦江智能", "新单位的简称；不填则取单位名称"),
    Column("team", "班组名称", True, "数控加工一班", "证书上的班组名称"),
    Column("team_type", "班组类型", False, "生产操作型", "不填则自动选用该单位该年度未用过的类型"),
    Column("team_size", "班组人数", True, "12", "正整数"),
    Column(
        "domain",
        "重点领域",
        False,
        "制造",
        "制造、市场服务、非营利性服务、建设工程、“专精特新”中小企业",
    ),
    Column("nature", "单位性质", False, "国有", "国有、民营、外资、合资、事业单位、其他"),
    Column("industries", "重点产业", False, "高端装备、人工智能", "可填多个，用顿号分隔"),
    Column("result", "评价结果", True, "建设经验", "建设经验、典型经验、推荐全国典型经验或未入选"),
    Column("summary", "成果摘要", False, "", f"可选，最多 {MAX_SUMMARY} 字；填写后在案例库公开"),
)
HEADERS = {c.header: c for c in COLUMNS}

# 评价结果 as written → (application state, national).
RESULTS: dict[str, tuple[str, bool]] = {
    "建设经验": (ApplicationState.SELECTED, False),
    "典型经验": (ApplicationState.TYPICAL, False),
    "推荐全国典型经验": (ApplicationState.TYPICAL, True),
    "推荐全国质量信得过班组典型经验": (ApplicationState.TYPICAL, True),
    "全国典型经验": (ApplicationState.TYPICAL, True),
    # Took part and was not selected: counts in 历年累计, not in the results or the cases.
    "未入选": (ApplicationState.NOT_SELECTED, False),
}
RESULT_LABELS: dict[tuple[str, bool], str] = {
    (ApplicationState.SELECTED, False): "建设经验",
    (ApplicationState.TYPICAL, False): "典型经验",
    (ApplicationState.TYPICAL, True): "推荐全国典型经验",
    (ApplicationState.NOT_SELECTED, False): "未入选",
}
_SPLIT = re.compile(r"[、,，;；/\n]+")


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


ACTION_LABELS = {
    "create": gettext_lazy("新增"),
    "update": gettext_lazy("更新"),
    "unchanged": gettext_lazy("无变化"),
    "error": gettext_lazy("有错误"),
}


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedRow:
    row: int
    year: int
    unit: RecommendingUnit
    organisation: str
    short_name: str
    team: str
    team_type: TeamType | None
    team_size: int
    domain: str
    nature: str
    industries: list[str]
    state: str
    national: bool
    summary: str
    existing: Application | None = None
    action: str = Action.CREATE


@dataclass
class CheckResult:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def preview(self) -> list[dict[str, Any]]:
        wrong = {e.row for e in self.errors}
        items = [
            {
                "row": r.row,
                "year": r.year,
                "unit": r.unit.name,
                "organisation": r.organisation,
                "team": r.team,
                "result": RESULT_LABELS[(r.state, r.national)],
                "action": Action.ERROR if r.row in wrong else r.action,
            }
            for r in self.rows
        ]
        return items[:PREVIEW_ROWS]


class ImportHasErrors(ServiceError):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(
            _("导入文件中有 %(n)s 处错误，未导入任何数据。请按错误报告修改后重新上传。")
            % {"n": len(errors)},
            code="import_errors",
        )
        self.errors = errors
        # "row:column" → message (what the API shows under "errors").
        self.problems = {f"{e.row}:{e.column}": e.message for e in errors}


def require_staff(actor: User) -> None:
    if not roles_of(actor).is_staff:
        raise NotAllowed(_("只有质协工作人员可以导入历年数据。"), code="not_staff")
