from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

HEADER = (
    "年度",
    "推荐单位",
    "单位名称",
    "单位简称",
    "班组名称",
    "班组类型",
    "班组人数",
    "重点领域",
    "单位性质",
    "重点产业",
    "评价结果",
    "成果摘要",
)


def xlsx(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "历年成果"
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "历年成果.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def good_rows(year: int) -> list[list[Any]]:
    return [
        [
            year,
            "浦东新区",
            "上海历史精工有限公司",
            "历史精工",
            "数控一班",
            "",
            12,
            "制造",
            "国有",
            "高端装备、人工智能",
            "建设经验",
            "班组推行标准化作业，一次合格率提升到99.6%。",
        ],
        [
            year,
            "浦东新区",
            "上海历史精工有限公司",
            "",
            "检测二组",
            "",
            "9",
            "制造",
            "",
            "",
            "典型经验",
            "",
        ],
        [
            year - 1,
            "黄浦区",
            "上海外滩老字号服务有限公司",
            "外滩老字号",
            "前厅服务班",
            "服务型",
            8.0,
            "市场服务",
            "民营",
            "文化旅游",
            "推荐全国典型经验",
            "以顾客满意为中心的服务改进。",
        ],
    ]
