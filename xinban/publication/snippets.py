"""What the public lists show of an experience's text: an excerpt around the words searched
for, those words marked (``<mark>``), never an empty line. Only what the organisation agreed
to publish is ever at hand (the case entry holds nothing else)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from xinban.publication.selectors import clean_query

SNIPPET_CHARS = 120
# Characters kept before the first match, so that it reads in context.
LEAD_CHARS = 30


def query_terms(q: str) -> list[str]:
    """The words of a search, longest first (a longer one is marked before its parts)."""
    terms = {t for t in clean_query(q).split(" ") if t}
    return sorted(terms, key=lambda t: (-len(t), t))


def _pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)


def highlight(text: str, terms: Sequence[str]) -> str:
    """``text`` HTML-escaped, each occurrence of a term in ``<mark>``."""
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text, quote=True)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()], quote=True))
        out.append(f"<mark>{escape(match.group(0), quote=True)}</mark>")
        last = match.end()
    out.append(escape(text[last:], quote=True))
    return "".join(out)


def excerpt(text: str, terms: Sequence[str], width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``text`` (one line): around the first term found,
    else its beginning; "…" where it is cut."""
    flat = " ".join(text.split())
    pattern = _pattern(terms)
    match = pattern.search(flat) if pattern else None
    start = max(0, match.start() - LEAD_CHARS) if match else 0
    if match and len(flat) - start < width:
        start = max(0, len(flat) - width)  # a match near the end: show the whole tail
    end = min(len(flat), start + width)
    piece = flat[start:end]
    return ("…" if start > 0 else "") + piece + ("…" if end < len(flat) else "")


def snippet(q: str, texts: Sequence[str]) -> str | None:
    """The excerpt of an experience's published texts (summary first, then the six areas
    in order) to show in a list: the first text holding a searched word, else the first
    text; None when the organisation published no text (names and level only)."""
    terms = query_terms(q)
    present = [t for t in texts if t and t.strip()]
    if not present:
        return None
    pattern = _pattern(terms)
    chosen = next((t for t in present if pattern and pattern.search(t)), present[0])
    return excerpt(chosen, terms)
