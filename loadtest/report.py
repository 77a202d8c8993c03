"""Summarise load runs from their locust CSV statistics, access logs and time profiles.

    python loadtest/report.py USERS:DIR [USERS:DIR ...] [--top N] [--json OUT]
    python loadtest/report.py PREFIX [--access-log LOG] [--top N] [--json OUT]   (one run)

Each DIR is one run of loadtest/run.sh at USERS simulated users: DIR/xinban_stats.csv (and
DIR/xinban_failures.csv) from locust, DIR/access.log from gunicorn, DIR/profile/*.tsv from
loadtest/wsgi.py. For every run it prints the requests and failed requests (target 0), the
minimal view's p95, the busiest pages' p95 as a ratio to it, the time inside the gunicorn
worker, and where the time goes (database, Python, template) for the three pages slowest
inside the worker. Then every page and API call side by side for all runs, and one target
line per entry and run (the first run unsuffixed, the others suffixed ``_<users>``):

    loadtest_failures failures=0 target=0
    loadtest_get_applications_all_p95_vs_minimal ratio=1.2 target<=3
    loadtest_get_applications_all_p95_vs_minimal_300 ratio=1.1 target<=3

Exits 1 when any request failed. See docs/loadtest.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

MINIMAL = "/_minimal/"
AGGREGATED = "Aggregated"


def _num(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def load(prefix: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        stats = list(csv.DictReader(handle))
    failures_file = Path(f"{prefix}_failures.csv")
    failures: list[dict[str, str]] = []
    if failures_file.exists():
        with failures_file.open(newline="", encoding="utf-8") as handle:
            failures = list(csv.DictReader(handle))
    return stats, failures


def summarise(prefix: str, top: int) -> dict[str, Any]:
    stats, failures = load(prefix)
    rows = {(r["Type"], r["Name"]): r for r in stats}
    total = next(r for r in stats if r["Name"] == AGGREGATED)
    minimal = next((r for r in stats if r["Name"] == MINIMAL), None)
    if minimal is None:
        raise SystemExit(f"{prefix}_stats.csv has no {MINIMAL} row: the baseline is missing")
    base_p95 = _num(minimal["95%"])
    base_p50 = _num(minimal["50%"])
    pages = [
        r
        for key, r in rows.items()
        if r["Name"] not in (AGGREGATED, MINIMAL) and not r["Name"].startswith("/accounts/login/")
    ]
    pages.sort(key=lambda r: -_num(r["Request Count"]))
    busiest = [
        {
            "method": r["Type"],
            "name": r["Name"],
            "requests": int(_num(r["Request Count"])),
            "failures": int(_num(r["Failure Count"])),
            "p50_ms": _num(r["50%"]),
            "p95_ms": _num(r["95%"]),
            "p99_ms": _num(r["99%"]),
            "p95_ratio": round(_num(r["95%"]) / base_p95, 1) if base_p95 else None,
        }
        for r in pages[:top]
    ]
    return {
        "requests": int(_num(total["Request Count"])),
        "failures": int(_num(total["Failure Count"])),
        "requests_per_second": round(_num(total["Requests/s"]), 1),
        "minimal": {
            "requests": int(_num(minimal["Request Count"])),
            "p50_ms": base_p50,
            "p95_ms": base_p95,
        },
        "login": [
            {
                "method": r["Type"],
                "name": r["Name"],
                "requests": int(_num(r["Request Count"])),
                "p95_ms": _num(r["95%"]),
            }
            for r in stats
            if r["Name"].startswith("/accounts/login/")
        ],
        "busiest": busiest,
        "failure_details": [
            {
                "method": f["Method"],
                "name": f["Name"],
                "error": f["Error"],
                "occurrences": int(_num(f["Occurrences"])),
            }
            for f in failures
        ],
    }


ACCESS_LINE = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[0-9.]+" (?P<status>\d{3}) \S+ (?P<ms>\d+)ms'
)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def worker_times(access_log: str, top: int) -> dict[str, Any]:
    """Time spent inside the gunicorn worker per page (from the access log written with
    deploy/gunicorn.conf.py's format): the page's own cost, without the time the request
    waited for a free worker, which dominates locust's figures once the server is busy."""
    times: dict[tuple[str, str], list[float]] = defaultdict(list)
    with open(access_log, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            match = ACCESS_LINE.search(line)
            if not match:
                continue
            path = re.sub(r"/\d+(?=/|$|\.)", "/[id]", match["path"].split("?", 1)[0])
            times[(match["method"], path)].append(float(match["ms"]))
    minimal = times.get(("GET", MINIMAL), [])
    base = _percentile(minimal, 0.95) if minimal else 0.0
    rows = sorted(
        (
            (key, values)
            for key, values in times.items()
            if key[1] != MINIMAL and not key[1].startswith("/accounts/login/")
        ),
        key=lambda item: -len(item[1]),
    )[:top]
    return {
        "minimal": {
            "requests": len(minimal),
            "p50_ms": _percentile(minimal, 0.5) if minimal else 0.0,
            "p95_ms": base,
        },
        "busiest": [
            {
                "method": method,
                "path": path,
                "requests": len(values),
                "p50_ms": _percentile(values, 0.5),
                "p95_ms": _percentile(values, 0.95),
                "p95_ratio": round(_percentile(values, 0.95) / base, 1) if base else None,
            }
            for (method, path), values in rows
        ],
    }


def render_worker_times(times: dict[str, Any]) -> str:
    m = times["minimal"]
    lines = [
        "",
        "time inside the gunicorn worker (access log; excludes waiting for a free worker):",
        f"minimal view {MINIMAL}: {m['requests']} requests, p50 {m['p50_ms']:.0f} ms, "
        f"p95 {m['p95_ms']:.0f} ms",
        f"{'requests':>8} {'p50 ms':>7} {'p95 ms':>7} {'p95/minimal':>11}  page",
    ]
    for row in times["busiest"]:
        ratio = "-" if row["p95_ratio"] is None else f"{row['p95_ratio']:.1f}x"
        lines.append(
            f"{row['requests']:>8} {row['p50_ms']:>7.0f} {row['p95_ms']:>7.0f} {ratio:>11}  "
            f"{row['method']} {row['path']}"
        )
    return "\n".join(lines)


def render(summary: dict[str, Any]) -> str:
    lines = [
        f"requests: {summary['requests']}  ({summary['requests_per_second']} req/s)",
        f"failed requests: {summary['failures']}  (target 0)",
    ]
    for failure in summary["failure_details"]:
        lines.append(
            f"  {failure['occurrences']} x {failure['method']} {failure['name']}: "
            f"{failure['error'][:200]}"
        )
    m = summary["minimal"]
    lines.append(
        f"minimal view {MINIMAL}: {m['requests']} requests, p50 {m['p50_ms']:.0f} ms, "
        f"p95 {m['p95_ms']:.0f} ms (the baseline)"
    )
    lines.append("")
    lines.append(f"{'requests':>8} {'p50 ms':>7} {'p95 ms':>7} {'p95/minimal':>11}  page")
    for row in summary["busiest"]:
        ratio = "-" if row["p95_ratio"] is None else f"{row['p95_ratio']:.1f}x"
        lines.append(
            f"{row['requests']:>8} {row['p50_ms']:>7.0f} {row['p95_ms']:>7.0f} {ratio:>11}  "
            f"{row['method']} {row['name']}"
        )
    for row in summary["login"]:
        if not row["requests"]:
            continue
        lines.append(
            f"log-in (argon2 by design) {row['method']} {row['name']}: "
            f"{row['requests']} requests, p95 {row['p95_ms']:.0f} ms"
        )
    return "\n".join(lines)


TARGET_RATIO = 3.0
BREAKDOWN_TOP = 3


def entry_name(method: str, name: str) -> str:
    """``GET /applications/all/ (全部申报)`` → ``get_applications_all``; ASCII words in the
    brackets stay (``PUT /api/judge/sheets/[id] (submit)`` → ``put_api_judge_sheets_id_submit``)."""
    path, _sep, note = name.partition(" (")
    words = re.findall(r"[a-z0-9]+", f"{method} {path} {note}".lower())
    return "_".join(words)


def all_entries(prefix: str) -> list[dict[str, Any]]:
    """Every page and API call of a run (the minimal view and the log-in excluded)."""
    stats, _failures = load(prefix)
    minimal = next((r for r in stats if r["Name"] == MINIMAL), None)
    base = _num(minimal["95%"]) if minimal else 0.0
    return [
        {
            "key": entry_name(r["Type"], r["Name"]),
            "method": r["Type"],
            "name": r["Name"],
            "requests": int(_num(r["Request Count"])),
            "failures": int(_num(r["Failure Count"])),
            "p95_ms": _num(r["95%"]),
            "p95_ratio": round(_num(r["95%"]) / base, 2) if base else None,
        }
        for r in stats
        if r["Name"] not in (AGGREGATED, MINIMAL) and not r["Name"].startswith("/accounts/login/")
    ]


def measured_since(prefix: str, users: int) -> float | None:
    """When locust reset its statistics (every user started: ``--reset-stats``), from its
    history CSV: the first row with all ``users``; None without it."""
    history = Path(f"{prefix}_stats_history.csv")
    if not history.exists():
        return None
    with history.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == AGGREGATED and int(_num(row["User Count"])) >= users:
                return _num(row["Timestamp"])
    return None


def breakdown(
    profile_dir: Path, top: int = BREAKDOWN_TOP, since: float | None = None
) -> dict[str, Any]:
    """Where the time goes inside the worker (loadtest/wsgi.py's per-request lines, those
    started at ``since`` or later: the warm-up and the ramp-up left out, as in locust's
    figures): the minimal view and the ``top`` pages with the highest p95 inside the
    worker, each with its mean database, Python and template time per request."""
    rows: dict[tuple[str, str], list[tuple[float, float, float, int]]] = defaultdict(list)
    for path in sorted(profile_dir.glob("profile-*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 7:  # written before the start time was recorded
                parts.append("")
            if len(parts) != 8 or (since is not None and parts[7] and float(parts[7]) < since):
                continue
            method, page, _status, total, db, template, queries, _started = parts
            rows[(method, page)].append((float(total), float(db), float(template), int(queries)))

    def describe(
        key: tuple[str, str], values: list[tuple[float, float, float, int]]
    ) -> dict[str, Any]:
        n = len(values)
        total = sum(v[0] for v in values) / n
        db = sum(v[1] for v in values) / n
        template = sum(v[2] for v in values) / n
        return {
            "method": key[0],
            "path": key[1],
            "requests": n,
            "p95_ms": round(_percentile([v[0] for v in values], 0.95), 1),
            "mean_ms": round(total, 1),
            "db_ms": round(db, 1),
            "python_ms": round(max(0.0, total - db - template), 1),
            "template_ms": round(template, 1),
            "queries": round(sum(v[3] for v in values) / n, 1),
        }

    minimal = rows.get(("GET", MINIMAL))
    candidates = [
        (key, values)
        for key, values in rows.items()
        if key[1] != MINIMAL and not key[1].startswith("/accounts/login/") and len(values) >= 10
    ]
    candidates.sort(key=lambda item: -_percentile([v[0] for v in item[1]], 0.95))
    return {
        "minimal": describe(("GET", MINIMAL), minimal) if minimal else None,
        "slowest": [describe(key, values) for key, values in candidates[:top]],
    }


def render_breakdown(result: dict[str, Any]) -> str:
    lines = [
        "",
        "where the time goes inside the worker (loadtest/wsgi.py; mean ms per request;"
        " the pages with the highest p95 inside the worker):",
        f"{'requests':>8} {'p95 ms':>7} {'mean':>6} {'database':>8} {'Python':>7} "
        f"{'template':>8} {'queries':>7}  page",
    ]
    shown = ([result["minimal"]] if result["minimal"] else []) + result["slowest"]
    for row in shown:
        lines.append(
            f"{row['requests']:>8} {row['p95_ms']:>7.0f} {row['mean_ms']:>6.1f} "
            f"{row['db_ms']:>8.1f} {row['python_ms']:>7.1f} {row['template_ms']:>8.1f} "
            f"{row['queries']:>7.1f}  {row['method']} {row['path']}"
        )
    return "\n".join(lines)


def render_side_by_side(runs: list[dict[str, Any]]) -> str:
    """Every page and API call, one column group per run, then the target lines."""
    users = [run["users"] for run in runs]
    by_key: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    labels: dict[str, str] = {}
    for run in runs:
        for entry in run["entries"]:
            by_key[entry["key"]][run["users"]] = entry
            labels[entry["key"]] = f"{entry['method']} {entry['name']}"
    order = sorted(by_key, key=lambda k: -max(e["requests"] for e in by_key[k].values()))
    head = " | ".join(f"{f'req@{u}':>10} {'fail':>4} {'p95':>5} {'ratio':>5}" for u in users)
    lines = [
        "",
        "every page and API call: p95 (ms, locust) ÷ the minimal view's p95 under the same load",
        f"{head}  page",
    ]
    for key in order:
        cells = []
        for u in users:
            e = by_key[key].get(u)
            if e is None:
                cells.append(f"{'-':>10} {'-':>4} {'-':>5} {'-':>5}")
            else:
                ratio = "-" if e["p95_ratio"] is None else f"{e['p95_ratio']:.1f}x"
                cells.append(
                    f"{e['requests']:>10} {e['failures']:>4} {e['p95_ms']:>5.0f} {ratio:>5}"
                )
        lines.append(" | ".join(cells) + f"  {labels[key]}")
    for run in runs:
        m = run["summary"]["minimal"]
        lines.append(
            f"minimal view at {run['users']} users: {m['requests']} requests, "
            f"p95 {m['p95_ms']:.0f} ms; failed requests {run['summary']['failures']}"
        )
    lines.append("")
    for index, run in enumerate(runs):
        suffix = "" if index == 0 else f"_{run['users']}"
        lines.append(f"loadtest_failures{suffix} failures={run['summary']['failures']} target=0")
    for key in order:
        for index, run in enumerate(runs):
            e = by_key[key].get(run["users"])
            if e is None or e["p95_ratio"] is None:
                continue
            suffix = "" if index == 0 else f"_{run['users']}"
            lines.append(
                f"loadtest_{key}_p95_vs_minimal{suffix} ratio={e['p95_ratio']:.2f} "
                f"target<={TARGET_RATIO:g}"
            )
    return "\n".join(lines)


def report_runs(specs: list[str], top: int) -> tuple[str, dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    out: list[str] = []
    for spec in specs:
        users_text, _sep, directory = spec.partition(":")
        run_dir = Path(directory)
        prefix = str(run_dir / "xinban")
        summary = summarise(prefix, top)
        run: dict[str, Any] = {
            "users": int(users_text),
            "summary": summary,
            "entries": all_entries(prefix),
        }
        out.append(f"\n===== {run['users']} users ({run_dir}) =====")
        out.append(render(summary))
        access = run_dir / "access.log"
        if access.exists():
            summary["worker_times"] = worker_times(str(access), top)
            out.append(render_worker_times(summary["worker_times"]))
        profile = run_dir / "profile"
        if profile.is_dir():
            run["breakdown"] = breakdown(profile, since=measured_since(prefix, run["users"]))
            out.append(render_breakdown(run["breakdown"]))
        runs.append(run)
    out.append(render_side_by_side(runs))
    return "\n".join(out), {"runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", nargs="+", help="USERS:DIR per run, or one locust CSV PREFIX")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--json", dest="json_out")
    parser.add_argument("--access-log", help="gunicorn access log of a PREFIX run (optional)")
    args = parser.parse_args()
    if all(re.fullmatch(r"\d+:.+", spec) for spec in args.runs):
        text, result = report_runs(args.runs, args.top)
        print(text)
        failures = sum(run["summary"]["failures"] for run in result["runs"])
    else:
        result = summarise(args.runs[0], args.top)
        print(render(result))
        if args.access_log:
            result["worker_times"] = worker_times(args.access_log, args.top)
            print(render_worker_times(result["worker_times"]))
        failures = result["failures"]
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, ensure_ascii=False, indent=2))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
