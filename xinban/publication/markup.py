"""A notice's body: Markdown (CommonMark with tables and strikethrough) to HTML. Raw HTML
in the text is shown as text, never passed through, and links only to http(s), mailto
and relative addresses (markdown-it's link check refuses javascript: and data:)."""

from __future__ import annotations

from functools import cache

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


def render_markdown(text: str) -> SafeString:
    html = _parser().render(text or "")
    # Tables get the site's table style.
    html = html.replace("<table>", '<table class="table table-sm table-bordered w-auto">')
    return mark_safe(html)  # noqa: S308 - html disabled: every text escaped by markdown-it
