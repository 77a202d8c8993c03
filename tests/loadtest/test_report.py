"""loadtest/report.py: the runs side by side, one target line per page and run, and the
database / Python / template breakdown from loadtest/wsgi.py's profile lines."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from loadtest.report import breakdown, entry_name, report_runs

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = ["Type", "Name", "Request Count", "Failure Count", "Requests/s", "50%", "95%", "99%"]


def write_run(directory: Path, rows: list[tuple[str, str, int, int, int]]) -> None:
    """rows: (method, name, requests, failures, p95 ms); the Aggregated row is added."""
    directory.mkdir(parents=True)
    with (directory / "xinban_stats.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for method, name, requests, failures, p95 in rows:
            writer.writerow([method, name, requests, failures, 1.0, p95 // 2, p95, p95])
        total = sum(r[2] for r in rows)
        failed = sum(r[3] for r in rows)
        writer.writerow(["", "Aggregated", total, failed, 9.5, 10, 100, 100])


def test_entry_names_keep_ascii_words_and_drop_the_chinese_labels() -> None:
    assert entry_name("GET", "/applications/all/ (全部申报)") == "get_applications_all"
    assert entry_name("PUT", "/api/judge/sheets/[id] (submit)") == "put_api_judge_sheets_id_submit"
    assert entry_name("GET", "/api/applications?year") == "get_api_applications_year"


def test_two_runs_side_by_side_with_a_target_line_each(tmp_path: Path) -> None:
    write_run(
        tmp_path / "u100",
        [
            ("GET", "/_minimal/", 50, 0, 100),
            ("GET", "/applications/all/ (全部申报)", 40, 0, 250),
            ("GET", "/accounts/login/", 100, 0, 2000),
        ],
    )
    write_run(
        tmp_path / "u300",
        [
            ("GET", "/_minimal/", 90, 0, 400),
            ("GET", "/applications/all/ (全部申报)", 70, 2, 1600),
        ],
    )
    text, result = report_runs([f"100:{tmp_path / 'u100'}", f"300:{tmp_path / 'u300'}"], top=10)
    lines = text.splitlines()
    assert "loadtest_failures failures=0 target=0" in lines
    assert "loadtest_failures_300 failures=2 target=0" in lines
    assert "loadtest_get_applications_all_p95_vs_minimal ratio=2.50 target<=3" in lines
    assert "loadtest_get_applications_all_p95_vs_minimal_300 ratio=4.00 target<=3" in lines
    assert not any(line.startswith("loadtest_get_accounts_login") for line in lines)
    side = [line for line in lines if line.endswith("GET /applications/all/ (全部申报)")][-1]
    assert side.split() == ["40", "0", "250", "2.5x", "|", "70", "2", "1600", "4.0x"] + [
        "GET",
        "/applications/all/",
        "(全部申报)",
    ]
    assert [run["users"] for run in result["runs"]] == [100, 300]


def test_breakdown_splits_each_page_into_database_python_and_template(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    profile.mkdir()
    lines = ["GET\t/_minimal/\t200\t10\t2\t3\t2\t5\n"] * 10
    lines += [f"PUT\t/api/applications/[id]\t200\t{100 + i}\t60\t0\t30\t5\n" for i in range(10)]
    lines += ["GET\t/applications/[id]/\t200\t50\t20\t20\t10\t5\n"] * 10
    lines += ["GET\t/rare/\t200\t900\t0\t0\t1\t5\n"] * 3  # fewer than 10 requests: left out
    lines += ["GET\t/_minimal/\t200\t9000\t0\t0\t1\t1\n"] * 5  # warm-up: before `since`
    (profile / "profile-1.tsv").write_text("".join(lines[:15]), encoding="utf-8")
    (profile / "profile-2.tsv").write_text("".join(lines[15:]), encoding="utf-8")

    result = breakdown(profile, since=2.0)

    assert result["minimal"]["python_ms"] == 5.0
    assert result["minimal"]["requests"] == 10
    slowest = result["slowest"]
    assert [row["path"] for row in slowest] == ["/api/applications/[id]", "/applications/[id]/"]
    put = slowest[0]
    assert (put["mean_ms"], put["db_ms"], put["python_ms"], put["template_ms"]) == (
        104.5,
        60.0,
        44.5,
        0.0,
    )
    assert put["queries"] == 30.0
    assert slowest[1]["template_ms"] == 20.0


def test_the_command_fails_when_a_run_had_failed_requests(tmp_path: Path) -> None:
    write_run(tmp_path / "u100", [("GET", "/_minimal/", 50, 0, 100)])
    write_run(tmp_path / "u300", [("GET", "/_minimal/", 50, 1, 100)])
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "loadtest" / "report.py"),
            f"100:{tmp_path / 'u100'}",
            f"300:{tmp_path / 'u300'}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "loadtest_failures_300 failures=1 target=0" in done.stdout
