"""The structure holds: the layers of docs/architecture.md as import-linter contracts
(.importlinter), and code comments that point into the repository's own docs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_the_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"Contracts: (\d+) kept, 0 broken", result.stdout)


def test_comments_point_into_the_repository() -> None:
    """No reference to a document a newcomer does not have."""
    outside = re.compile(r"DESIGN §|\.\./shared|shared/DESIGN")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("xinban", "config", "tests")
        for path in (ROOT / folder).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if outside.search(line) and path.name != "test_architecture.py"
    ]
    assert offenders == []


def test_architecture_sections_cited_in_code_exist() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    headings = {h.strip() for h in re.findall(r"^#+ (.+)$", doc, flags=re.M)}
    bold = set(re.findall(r"\*\*([^*\n]+)\*\*", doc))
    cited = {
        " ".join(match.split())
        for folder in ("xinban", "config")
        for path in (ROOT / folder).rglob("*.py")
        for match in re.findall(
            r'docs/architecture\.md,\s*"([^"]+)"', path.read_text(encoding="utf-8")
        )
    }
    assert cited, "the code cites the architecture"
    missing = cited - headings - bold
    assert not missing, missing


def _function_level_imports() -> list[str]:
    """``from xinban… import`` inside a function (not under ``if TYPE_CHECKING:``)."""
    found = []
    for path in sorted((ROOT / "xinban").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            match = re.match(r"^( +)(?:from|import) xinban\b", line)
            if not match:
                continue
            indent, above = len(match.group(1)), number - 1
            while above >= 0 and (
                not lines[above].strip()
                or lines[above].lstrip().startswith("#")
                or len(lines[above]) - len(lines[above].lstrip()) >= indent
            ):
                above -= 1
            if not lines[above].strip().startswith("if TYPE_CHECKING"):
                found.append(f"{path.relative_to(ROOT)}:{number + 1}")
    return found


def test_no_new_function_level_imports() -> None:
    """An import inside a function only where it breaks a cycle (docs/architecture.md,
    "Function-level imports" lists them); the number may go down, never up."""
    found = _function_level_imports()
    assert len(found) <= 12, "\n".join(found)
