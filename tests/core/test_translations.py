"""The English translation is complete and actually used.

Source strings are Chinese; ``xinban/locale/en/LC_MESSAGES/django.po`` must give every one of
them an English msgstr. A string added in code without running ``makemessages -l en`` and
translating it fails here, so does an empty or fuzzy entry.

The .mo file is not in git (``*.mo``); ``make test`` compiles it first. Run on its own, this
module compiles it when it is missing or older than the .po (needs GNU gettext's msgfmt).
"""

from __future__ import annotations

import ast
import contextlib
import fcntl
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import templatize

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "xinban" / "locale"
PO_PATH = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# What makemessages scans (it runs with --ignore=.venv --ignore=node_modules --ignore=var
# --ignore=tests from the project root).
SOURCE_DIRS = [BASE_DIR / "xinban", BASE_DIR / "config"]

CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%%|%[sdif]")
HINT = (
    "run `.venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=node_modules "
    "--ignore=var --ignore=tests` and translate the new entries in " + str(PO_PATH)
)


# --- a small .po reader -----------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def __str__(self) -> str:
        ctx = f"[{self.msgctxt}] " if self.msgctxt else ""
        return f"line {self.line}: {ctx}{self.msgid!r}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
_QUOTED = re.compile(r'^"((?:[^"\\]|\\.)*)"$')
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$")


def _unquote(text: str, where: int) -> str:
    match = _QUOTED.match(text.strip())
    assert match, f"{PO_PATH.name} line {where}: malformed string {text!r}"
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[0]), match[1])


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header included (msgid ""), obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    last: str | None = None  # field a continuation line appends to
    pending_flags: set[str] = set()

    def finish() -> None:
        nonlocal current, last
        if current is not None:
            entries.append(current)
        current, last = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            pending_flags = set()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if current is not None and last is not None:
                finish()
            pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            if current is not None and last is not None:
                finish()
            continue
        if line.startswith('"'):
            assert current is not None and last is not None, f"line {number}: stray string"
            value = _unquote(line, number)
            if last.startswith("msgstr["):
                current.msgstr_plural[int(last[7:-1])] += value
            else:
                setattr(current, last, getattr(current, last) + value)
            continue
        match = _KEYWORD.match(line)
        assert match, f"{path.name} line {number}: cannot parse {raw!r}"
        keyword, index, text = match[1], match[2], match[3]
        value = _unquote(text, number)
        # A new msgctxt, or a msgid not right after its msgctxt, starts the next entry.
        starts_entry = keyword == "msgctxt" or (keyword == "msgid" and last != "msgctxt")
        if starts_entry and current is not None and last is not None:
            finish()
        if current is None:
            current = Entry(line=number, flags=pending_flags)
            pending_flags = set()
        if index is not None:
            current.msgstr_plural[int(index)] = value
            last = f"msgstr[{index}]"
        else:
            setattr(current, keyword, value)
            last = keyword
    finish()
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    assert PO_PATH.exists(), f"{PO_PATH} is missing; " + HINT
    return parse_po(PO_PATH)


# --- (a) every entry translated ---------------------------------------------------------------


def test_header_is_final_and_english(po_entries: list[Entry]) -> None:
    header = po_entries[0]
    assert header.msgid == "" and header.msgctxt is None
    assert "fuzzy" not in header.flags, "the .po header is still marked fuzzy"
    assert "Language: en\n" in header.msgstr
    assert "charset=UTF-8" in header.msgstr
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr


def test_every_entry_has_a_final_english_translation(po_entries: list[Entry]) -> None:
    problems: list[str] = []
    for entry in po_entries[1:]:
        if "fuzzy" in entry.flags:
            problems.append(f"{entry} is fuzzy")
        if entry.msgid_plural is not None:
            forms = [entry.msgstr_plural.get(i, "") for i in range(2)]
            if sorted(entry.msgstr_plural) != [0, 1] or not all(forms):
                problems.append(f"{entry} needs msgstr[0] and msgstr[1]")
        elif not entry.msgstr:
            problems.append(f"{entry} has no translation")
    assert not problems, "\n".join(problems) + "\n" + HINT


def test_translations_keep_placeholders_and_edges(po_entries: list[Entry]) -> None:
    problems: list[str] = []
    for entry in po_entries[1:]:
        if entry.msgid_plural is not None:
            pairs = [
                (entry.msgid, entry.msgstr_plural.get(0, "")),
                (entry.msgid_plural, entry.msgstr_plural.get(1, "")),
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, target in pairs:
            if not target:
                continue  # reported by the test above
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
                problems.append(f"{entry}: placeholders differ in {target!r}")
            # Newlines at either end must match; so must a space the msgid starts or ends
            # with (a translation may add one: "、" is ", " in English).
            for edge, both_ways in (("\n", True), (" ", False)):
                for where, has in (("leading", str.startswith), ("trailing", str.endswith)):
                    if has(source, edge) != has(target, edge) and (both_ways or has(source, edge)):
                        problems.append(f"{entry}: {where} {edge!r} differs")
            if CJK.search(source) and target == source:
                problems.append(f"{entry}: msgstr is a copy of the Chinese msgid")
    assert not problems, "\n".join(problems)


# --- (c) every msgid in the code is in the .po ------------------------------------------------

_PY_KEYWORDS: dict[str, tuple[str, ...]] = {
    # name: roles of the leading string arguments, as makemessages passes them to xgettext
    "_": ("id",),
    "gettext": ("id",),
    "gettext_lazy": ("id",),
    "gettext_noop": ("id",),
    "ngettext": ("id", "plural"),
    "ngettext_lazy": ("id", "plural"),
    "pgettext": ("ctx", "id"),
    "pgettext_lazy": ("ctx", "id"),
    "npgettext": ("ctx", "id", "plural"),
    "npgettext_lazy": ("ctx", "id", "plural"),
}
_TEMPLATE_CALL = re.compile(r"(?<![\w.])(npgettext|ngettext|pgettext|gettext|_)\(")
_LITERAL = re.compile(r"""\s*u?('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")\s*""")


def _key(roles: tuple[str, ...], strings: list[str]) -> tuple[str | None, str] | None:
    if len(strings) < len(roles):
        return None
    values = dict(zip(roles, strings, strict=False))
    return (values.get("ctx"), values["id"])


def _python_msgids(path: Path) -> Iterator[tuple[str | None, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        roles = _PY_KEYWORDS.get(name or "")
        if roles is None:
            continue
        strings = []
        for arg in node.args[: len(roles)]:
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                break
            strings.append(arg.value)
        key = _key(roles, strings)
        if key is not None:
            yield key


def _template_msgids(path: Path) -> Iterator[tuple[str | None, str]]:
    # Django's own preprocessing for makemessages: tags become gettext(...) calls.
    out = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for match in _TEMPLATE_CALL.finditer(out):
        roles = _PY_KEYWORDS[match[1]]
        strings: list[str] = []
        pos = match.end()
        while len(strings) < len(roles):
            literal = _LITERAL.match(out, pos)
            if literal is None:
                break
            strings.append(ast.literal_eval(literal[1]))
            pos = literal.end()
            if out.startswith(",", pos):
                pos += 1
            else:
                break
        key = _key(roles, strings)
        if key is not None:
            yield key


def code_msgids() -> dict[tuple[str | None, str], Path]:
    found: dict[tuple[str | None, str], Path] = {}
    for root in SOURCE_DIRS:
        for path in sorted(root.rglob("*")):
            parts = path.relative_to(BASE_DIR).parts
            if not path.is_file() or any(p.startswith(".") or p == "__pycache__" for p in parts):
                continue
            if path.suffix == ".py":
                keys = _python_msgids(path)
            elif path.suffix in (".html", ".txt"):
                keys = _template_msgids(path)
            else:
                continue
            for key in keys:
                if key[1]:
                    found.setdefault(key, path.relative_to(BASE_DIR))
    return found


def test_every_msgid_in_the_code_is_in_the_po(po_entries: list[Entry]) -> None:
    known = {entry.key for entry in po_entries}
    in_code = code_msgids()
    assert len(in_code) > 100, "the msgid scan found suspiciously few strings"
    missing = [f"{path}: {key[1]!r}" for key, path in in_code.items() if key not in known]
    assert not missing, "\n".join(["not in the .po:", *missing, HINT])


# --- (b) English is what an English browser gets ----------------------------------------------


@contextlib.contextmanager
def _lock() -> Iterator[None]:
    # pytest -n 2: only one worker runs msgfmt at a time.
    lock_path = Path(tempfile.gettempdir()) / f"xinban-compilemessages-{os.getuid()}.lock"
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _mo_is_stale() -> bool:
    return not MO_PATH.exists() or MO_PATH.stat().st_mtime < PO_PATH.stat().st_mtime


@pytest.fixture(scope="module")
def compiled_catalog() -> None:
    if _mo_is_stale():
        with _lock():
            if _mo_is_stale():
                with contextlib.chdir(BASE_DIR):
                    call_command(
                        "compilemessages",
                        locale=["en"],
                        ignore=[".venv", "node_modules", "var"],
                        verbosity=0,
                    )
    assert not _mo_is_stale(), f"{MO_PATH} could not be compiled (is msgfmt installed?)"
    # Drop catalogues this process may have loaded before the .mo existed or changed
    # (what Django does itself when LOCALE_PATHS changes).
    from django.utils.translation import trans_real

    trans_real._translations = {}  # type: ignore[attr-defined]
    trans_real._default = None  # type: ignore[attr-defined]


@pytest.mark.usefixtures("compiled_catalog")
def test_key_strings_translate_to_english() -> None:
    from xinban.applications.models import Application

    with translation.override("en"):
        assert translation.gettext("登录") == "Sign in"
        assert translation.gettext("质量信得过班组") == "Quality Trustworthy Team"
        assert translation.gettext("推荐无效") == "Recommendation void"
        assert translation.gettext("报名表（附件2）") == "Registration form (Annex 2)"
        assert translation.pgettext("list separator", "、") == ", "
        assert str(Application._meta.verbose_name) == "Application form (Annex 3)"
        assert (
            translation.gettext("申报已保存为草稿，编号 %(number)s。") % {"number": "2025-0001"}
            == "The application has been saved as a draft, No. 2025-0001."
        )
        one = translation.ngettext("共 %(n)s 份", "共 %(n)s 份", 1) % {"n": 1}
        many = translation.ngettext("共 %(n)s 份", "共 %(n)s 份", 3) % {"n": 3}
        assert (one, many) == ("1 application in total", "3 applications in total")
    with translation.override("zh-hans"):
        assert translation.gettext("登录") == "登录"


@pytest.mark.usefixtures("compiled_catalog")
def test_templates_render_english_including_percent_signs() -> None:
    template = Template(
        '{% load i18n %}{% translate "班组工作完成率%" %}|'
        "{% blocktranslate %}{{ year }}年活动安排{% endblocktranslate %}"
    )
    with translation.override("en"):
        rendered = template.render(Context({"year": 2025}))
    assert rendered == "Team work completion rate (%)|2025 campaign schedule"


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "no <title> in the page"
    return match[1].strip()


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalog")
@pytest.mark.parametrize(
    "how",
    [
        {"HTTP_ACCEPT_LANGUAGE": "en"},
        {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"},
        {"cookie": "en"},
    ],
    ids=["accept-language", "accept-language-region", "cookie"],
)
def test_login_page_in_english(client: Client, how: dict[str, Any]) -> None:
    headers = dict(how)
    if "cookie" in headers:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = headers.pop("cookie")
    response = client.get(reverse("accounts:login"), **headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert _title(html) == "Sign in"
    assert '<html lang="en">' in html
    assert "Forgot your password?" in html
    assert "忘记密码" not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalog")
def test_login_page_stays_chinese_by_default(client: Client) -> None:
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    html = response.content.decode()
    assert _title(html) == "登录"
    assert '<html lang="zh-hans">' in html
    assert "忘记密码？" in html


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalog")
def test_home_page_in_english(client: Client) -> None:
    response = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Shanghai Quality Trustworthy Team Campaign Platform" in html
    assert "Skip to main content" in html
