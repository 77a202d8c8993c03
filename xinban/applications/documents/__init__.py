"""The official 附件3 申报表 (application form) and 附件2 报名表, pre-filled, as Word and PDF
(docs/architecture.md, "Applications").

The applicant prints it, stamps it and uploads the scan. Both formats render one layout
(:func:`form_layout`): the header lines, the table rows in the order of the notice's form
and the notes 注1–4. Checkbox lists print every option, ☑ for the chosen ones, ☐ for the
others. Commitment 1 names the campaign's own year (the 2024 notice's form prints "2023"
there by mistake).

The modules: ``content`` (options, form data, printed labels), ``layout`` (the one
layout), ``word`` and ``pdf`` (the two renderings). This package re-exports every public
name and the Word helpers other documents share, so
``from xinban.applications.documents import x`` keeps working."""

from xinban.applications.documents.content import (
    BLANK,
    CHECKED,
    COMMITMENTS,
    DOMAIN_OPTIONS,
    GAP,
    INDUSTRY_EXPLANATIONS,
    INDUSTRY_OPTIONS,
    NATURE_OPTIONS,
    NOTES,
    OTHER,
    PARTICIPATION_OPTIONS,
    PRINTED_LABELS,
    UNCHECKED,
    ApplicationFormData,
    RegistrationFormData,
    clean,
    indicator_display,
    printed_content,
)
from xinban.applications.documents.layout import (
    STAMP_QR_MM,
    STAMP_TOP_MM,
    Align,
    Cell,
    FormLayout,
    Para,
    ParaStyle,
    form_layout,
    registration_form_layout,
)
from xinban.applications.documents.pdf import (
    FALLBACK_BOXES,
    PDF_ALIGN,
    PDF_MARGIN,
    PDF_MARGIN_Y,
    PDF_SIZES,
    application_form_pdf,
)
from xinban.applications.documents.word import (
    DOCX_ALIGN,
    DOCX_FONTS,
    DOCX_LATIN_FONT,
    DOCX_ROW_HEIGHT,
    DOCX_SIZES,
    PAGE_MARGIN_MM,
    PAGE_MARGIN_Y_MM,
    application_form_docx,
    layout_docx,
    registration_form_docx,
)
from xinban.applications.documents.word import _docx_borders as _docx_borders
from xinban.applications.documents.word import _docx_defaults as _docx_defaults
from xinban.applications.documents.word import _set_fonts as _set_fonts

__all__ = [
    "Align",
    "ApplicationFormData",
    "BLANK",
    "CHECKED",
    "COMMITMENTS",
    "Cell",
    "DOCX_ALIGN",
    "DOCX_FONTS",
    "DOCX_LATIN_FONT",
    "DOCX_ROW_HEIGHT",
    "DOCX_SIZES",
    "DOMAIN_OPTIONS",
    "FALLBACK_BOXES",
    "FormLayout",
    "GAP",
    "INDUSTRY_EXPLANATIONS",
    "INDUSTRY_OPTIONS",
    "NATURE_OPTIONS",
    "NOTES",
    "OTHER",
    "PAGE_MARGIN_MM",
    "PAGE_MARGIN_Y_MM",
    "PARTICIPATION_OPTIONS",
    "PDF_ALIGN",
    "PDF_MARGIN",
    "PDF_MARGIN_Y",
    "PDF_SIZES",
    "PRINTED_LABELS",
    "Para",
    "ParaStyle",
    "RegistrationFormData",
    "STAMP_QR_MM",
    "STAMP_TOP_MM",
    "UNCHECKED",
    "application_form_docx",
    "application_form_pdf",
    "clean",
    "form_layout",
    "indicator_display",
    "layout_docx",
    "printed_content",
    "registration_form_docx",
    "registration_form_layout",
]
