"""Schema field titles taken from the models' verbose names, so each official label of the
forms (附件2, 附件3) is written in one place: the model field."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import translation
from pydantic import Field

# The official forms are Chinese; the OpenAPI document carries their labels verbatim.
SCHEMA_LANGUAGE = "zh-hans"


def zh(text: Any) -> str:
    """A (lazy) translatable string rendered in Chinese."""
    with translation.override(SCHEMA_LANGUAGE):
        return str(text)


def model_label(model: type[models.Model], name: str) -> str:
    """The model field's verbose name in Chinese, e.g. "班组工作完成率%"."""
    field = model._meta.get_field(name)
    return zh(getattr(field, "verbose_name", name))


def model_help(model: type[models.Model], name: str) -> str | None:
    help_text = getattr(model._meta.get_field(name), "help_text", "")
    return zh(help_text) if help_text else None


def model_field(
    model: type[models.Model],
    name: str,
    default: Any = ...,
    *,
    description: str | None = None,
    **kwargs: Any,
) -> Any:
    """A pydantic Field titled with the model field's official label; the description is
    the given one, else the model field's help text."""
    return Field(
        default,
        title=model_label(model, name),
        description=description if description is not None else model_help(model, name),
        **kwargs,
    )


def titled(title: Any, default: Any = ..., *, description: str | None = None, **kwargs: Any) -> Any:
    """A pydantic Field for a value that is not a model field (still titled in Chinese)."""
    return Field(default, title=zh(title), description=description, **kwargs)


def form_label(form_class: Any, name: str) -> str:
    """The label of a page form's field in Chinese (for request fields that are not model
    fields, e.g. 每份申报的评委人数)."""
    return zh(form_class.base_fields[name].label or name)


def form_field(
    form_class: Any, name: str, default: Any = ..., *, description: str | None = None, **kwargs: Any
) -> Any:
    """A pydantic Field titled with the page form field's label; the description is the
    given one, else the form field's help text."""
    help_text = form_class.base_fields[name].help_text
    return Field(
        default,
        title=form_label(form_class, name),
        description=description if description is not None else (zh(help_text) or None),
        **kwargs,
    )


# Titles of values that are neither model nor form fields (computed, or gathered from
# several rows), written once here and used by every schema that shows them.
RANK = "排名"
SCORE = "得分"
RAW_MEAN = "原始平均分"
JUDGE_COUNT = "评委数"
FLAGGED = "分歧较大"
NORMALISED = "按评委标准化"
QUOTA = "每家申报单位推荐名额"
LOCKED = "推荐表已锁定"
TOTAL_TEAM_SIZE = "班组人数总计"
PROBLEMS = "缺项"
SHEETS_TOTAL = "已分配评审数"
SHEETS_DONE = "已提交评审数"
ASSIGNED = "已分配"
SUBMITTED = "已提交"
RECOMMENDED = "已推荐"
IS_ADMIN = "我是管理员"
HAS_ACCOUNT = "已有账号"
CONFLICT = "不可分配原因"
EDITABLE = "可修改"
STATUS_LABEL = "状态名称"
STAGE = "评审阶段"
STAGE_LABEL = "评审阶段名称"
ROLE_LABEL = "角色名称"
TEAM_TYPE_NAME = "班组类型名称"
VOIDED_AT = "认定推荐无效时间"
APPLICATION = "申报"
APPLICATION_ID = "申报 id"
JUDGE_ID = "评委 id"
RECOMMENDATION = "推荐"
RECOMMENDATIONS = "推荐名单"
RECOMMENDATION_IDS = "推荐排序"
ASSIGNMENTS = "评委与进度"
PANEL = "可分配的评委"
REVISIONS = "提交记录"
REVISION_NUMBER = "版本号"
ON_SITE = "现场评审"
CRITERIA = "评分细则"
POINTS = "各评分项得分"
SUBMIT = "提交"
WITHDRAWN = "评审任务已撤回"
ASSIGNED_COUNT = "本次分配数"
FILE_NAME = "文件名"
DOWNLOAD_URL = "下载地址"
XLSX_URL = "推荐表（Excel）下载地址"
DOCX_URL = "推荐表（Word）下载地址"
SUBMITTED_AT = "提交时间"
UPDATED_AT = "更新时间"
CREATED_AT = "创建时间"
UNIT = "推荐单位"
