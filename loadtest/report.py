"""Summarise a locust run from its CSV statistics.

    python loadtest/report.py PREFIX [--top N] [--json OUT]

Reads PREFIX_stats.csv (and PREFIX_failures.csv), prints the number of requests and failed
requests (target 0), the failures by name, and for the busiest pages (most requests; the
minimal view and the log-in excluded) the p95 latency next to the minimal view's p95 under
the same load, as a ratio. Exits 1 when any request failed.
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
        lines.append(
            f"log-in (argon2 by design) {row['method']} {row['name']}: "
            f"{row['requests']} requests, p95 {row['p95_ms']:.0f} ms"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("prefix")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--json", dest="json_out")
    parser.add_argument("--access-log", help="gunicorn access log of the run (optional)")
    args = parser.parse_args()
    summary = summarise(args.prefix, args.top)
    print(render(summary))
    if args.access_log:
        summary["worker_times"] = worker_times(args.access_log, args.top)
        print(render_worker_times(summary["worker_times"]))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    sys.exit(1 if summary["failures"] else 0)


if __name__ == "__main__":
    main()
