"""Fonts for generated PDFs (application forms, certificates).

reportlab can embed TrueType outlines only (``.ttf``, ``.ttc``), not the CFF outlines of
``.otf`` fonts (Debian's ``fonts-noto-cjk`` ships those), so the CJK font is looked up
among TrueType files. The preferred one is WenQuanYi Zen Hei from the Debian package
``fonts-wqy-zenhei``; any other TrueType font with CJK glyphs under /usr/share/fonts
is accepted as a fallback. ``XINBAN_CJK_FONT`` (environment) names a file explicitly.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

CJK_FONT_PACKAGE = "fonts-wqy-zenhei"
CJK_FONT_ENV = "XINBAN_CJK_FONT"
FONT_ROOTS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))

PREFERRED_CJK_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),  # fonts-wqy-zenhei
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),  # fonts-wqy-microhei
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),  # fonts-arphic-uming
    Path("/usr/share/fonts/truetype/arphic/ukai.ttc"),  # fonts-arphic-ukai
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)
PREFERRED_SYMBOL_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),  # fonts-dejavu-core
    Path("/usr/share/fonts/truetype/freefont/FreeSerif.ttf"),  # fonts-freefont-ttf
)

# A font counts as CJK when it has these glyphs (common hanzi and CJK punctuation).
CJK_PROBE = "中文质量班组单位盖章，。（）“”"
# The ballot boxes of the paper forms; the usual CJK fonts lack them.
SYMBOL_PROBE = "☐☑"

CJK_FONT_NAME = "XinbanCJK"
SYMBOL_FONT_NAME = "XinbanSymbol"


def _truetype_files(roots: Iterable[Path]) -> Iterator[Path]:
    for root in roots:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.suffix.lower() in {".ttf", ".ttc"} and path.is_file():
                    yield path


def font_has_glyphs(path: Path, text: str) -> bool:
    """Whether reportlab can embed ``path`` (first face of a collection) and it maps every
    character of ``text``. CFF-outline fonts and unreadable files answer False."""
    try:
        face = TTFontFile(str(path), subfontIndex=0)
    except Exception:  # TTFError for CFF outlines, anything for a damaged file
        return False
    return all(ord(ch) in face.charToGlyph for ch in text)


def find_font(probe: str, preferred: Iterable[Path], roots: Iterable[Path]) -> Path | None:
    """The first preferred file, else the first TrueType file under ``roots``, that has
    every glyph of ``probe``."""
    seen: set[Path] = set()
    for path in [*preferred, *_truetype_files(roots)]:
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        if font_has_glyphs(path, probe):
            return path
    return None


@functools.cache
def cjk_font_path() -> Path:
    """Path of an embeddable TrueType font with Chinese glyphs (use subfontIndex=0).

    Raises RuntimeError when there is none, naming the Debian package to install.
    """
    override = os.environ.get(CJK_FONT_ENV)
    if override:
        path = Path(override)
        if not font_has_glyphs(path, CJK_PROBE):
            raise RuntimeError(
                f"{CJK_FONT_ENV}={override} is not a TrueType (.ttf/.ttc) font with "
                "Chinese glyphs that reportlab can embed."
            )
        return path
    found = find_font(CJK_PROBE, PREFERRED_CJK_FONTS, FONT_ROOTS)
    if found is None:
        raise RuntimeError(
            "No TrueType font with Chinese glyphs found under /usr/share/fonts; PDFs "
            f"need one. Install the Debian package {CJK_FONT_PACKAGE} "
            f"(apt-get install {CJK_FONT_PACKAGE}) or set {CJK_FONT_ENV} to a .ttf/.ttc "
            "file. (.otf fonts such as fonts-noto-cjk cannot be embedded by reportlab.)"
        )
    return found


@functools.cache
def symbol_font_path() -> Path | None:
    """A TrueType font with the ballot boxes ☐ ☑, or None (callers then substitute)."""
    return find_font(SYMBOL_PROBE, PREFERRED_SYMBOL_FONTS, FONT_ROOTS)


def _register(name: str, path: Path) -> str:
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
    return name


def register_cjk_font() -> str:
    """Register the CJK font with reportlab (once) and return its font name."""
    return _register(CJK_FONT_NAME, cjk_font_path())


def register_symbol_font() -> str | None:
    """Register the ballot-box font with reportlab (once); None when there is none."""
    path = symbol_font_path()
    return None if path is None else _register(SYMBOL_FONT_NAME, path)
