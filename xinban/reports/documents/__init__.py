"""The official forms as files: 附件6 成果统计表 (Excel and Word, laid out like the
notice's table), 附件7 推进工作总结 (Word), and the staff roll-up of 附件6 (Excel).

File names follow the notice: 附件6 注2 "推荐单位+信班活动统计表", 附件7 注 "推荐单位名称+
班组总结". Every spreadsheet value is written through xinban.core.spreadsheets.write_safe
(text that looks like a formula stays text). Texts in the files are the official form's
own words, so they are not translated.

One module per medium (`content`: the words; `excel`; `word`); every public name is
re-exported here.
"""

from xinban.reports.documents.content import (
    AUTHOR,
    DOCX_MIME,
    DRAFT_MARK,
    EVENT_HEADERS,
    FORM6_ITEMS,
    FORM6_LABEL,
    FORM6_NOTES,
    FORM6_REVIEW_FORMS,
    FORM6_SUFFIX,
    FORM7_LABEL,
    FORM7_REQUIREMENT,
    FORM7_SECTIONS,
    FORM7_SUFFIX,
    XLSX_MIME,
    form6_content,
    form6_download_name,
    form6_period,
    form6_stamp,
    form6_title,
    form7_download_name,
    form7_title,
    summary_is_draft,
)
from xinban.reports.documents.excel import FORM6_WIDTHS, rollup_xlsx, statistics_xlsx
from xinban.reports.documents.word import (
    DOCX_MARGIN_MM,
    DOCX_USABLE_MM,
    _cell_text,
    _new_document,
    _para,
    draft_header,
    page_numbers,
    statistics_docx,
    summary_docx,
)

__all__ = [
    "AUTHOR",
    "DOCX_MARGIN_MM",
    "DOCX_MIME",
    "DOCX_USABLE_MM",
    "DRAFT_MARK",
    "EVENT_HEADERS",
    "FORM6_ITEMS",
    "FORM6_LABEL",
    "FORM6_NOTES",
    "FORM6_REVIEW_FORMS",
    "FORM6_SUFFIX",
    "FORM6_WIDTHS",
    "FORM7_LABEL",
    "FORM7_REQUIREMENT",
    "FORM7_SECTIONS",
    "FORM7_SUFFIX",
    "XLSX_MIME",
    "_cell_text",
    "_new_document",
    "_para",
    "draft_header",
    "form6_content",
    "form6_download_name",
    "form6_period",
    "form6_stamp",
    "form6_title",
    "form7_download_name",
    "form7_title",
    "page_numbers",
    "rollup_xlsx",
    "statistics_docx",
    "statistics_xlsx",
    "summary_docx",
    "summary_is_draft",
]
