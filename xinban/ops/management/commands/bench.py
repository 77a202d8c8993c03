"""``manage.py bench`` (``make bench``): how the main pages scale with the data.

The command never touches the configured database. It re-executes itself in a
subprocess whose ``DATABASE_URL`` and ``XINBAN_VAR_DIR`` point to a new temporary
directory, migrates that empty SQLite database, seeds 1,000 and then 10,000
applications (bulk inserts, through the demo generator) and measures, with Django's test
client and logged-in personas, the median latency of each page over ``--requests``
requests after ``--warmup`` warm-ups, next to the minimal view ``/_minimal/`` (same
middleware, no work) as the baseline, measured for each persona (the middleware's work
depends on who is logged in). Staff sessions carry a verified second factor, as in
production.

Each figure is printed on its own line as ``NAME ratio=R target<=T``, e.g.::

    staff_list_vs_minimal ratio=2.10 target<=3
    staff_list_10k_vs_1k ratio=1.05 target<=1.3

Every figure is measured on both databases in one run (``--databases``, default
``sqlite,postgresql``): the child runs once on SQLite and once on PostgreSQL 15 in the
throwaway cluster of ``scripts/with-postgres.sh`` (skipped, with a note, when the server
binaries are missing); the PostgreSQL lines carry the suffix ``_pg`` (:func:`named`) and
its CPU time includes the server backend's (:func:`cpu_clock`). A page computed from
scratch, every cache emptied, is measured with :func:`cold_page` and named
``…_uncached_vs_minimal``.

A page that does not exist yet (no URL, 404, 500, …) is reported as
``NAME skipped (reason)``. ``--strict`` exits with status 1 when a figure misses its
target.

To measure another page, add a :class:`Page` to :data:`PAGES` (and, if it needs one, a
persona or an object to :class:`BenchContext`, in xinban/ops/benchmarking/data.py); to
compute another figure, add a function to :data:`FIGURES`.

Measurements that need data of their own are *studies*, run after the pages above in the
same database; each area declares its own in its ``bench.py`` ``STUDIES``
(xinban.core.areas), run in ``INSTALLED_APPS`` order:

* the 附件5 export and a unit's ranking (xinban.recommendation.bench, ``--form5-rows``,
  ``--ranking-sizes``), the experts' ranking per domain (xinban.evaluation.bench), …::

      form5_xlsx_vs_openpyxl ratio=R target<=2
      ranking_uncached_vs_minimal ratio=R target<=5

:data:`STUDIES` here stays empty (kept for code that reads it).
"""

from __future__ import annotations

import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from xinban.applications.models import Application
from xinban.core.areas import area_modules
from xinban.ops.benchmarking.data import SEED as SEED  # re-exported for the areas' bench.py
from xinban.ops.benchmarking.data import (
    BenchContext,
    BenchData,
    settle,
)
from xinban.ops.benchmarking.data import logged_in as logged_in
from xinban.organisations.models import Organisation

CHILD_ENV = "XINBAN_BENCH_DIR"  # set (to the temporary directory) in the subprocess only
DEFAULT_SIZES = "1000,10000"
DEFAULT_RANKING_SIZES = "500,5000"


# --- what is measured -------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    persona: str  # a key of BenchContext.clients
    url: Callable[[BenchContext], str]


PAGES: list[Page] = [
    Page("staff_list", "staff", lambda ctx: reverse("applications:staff_list")),
    Page("dashboard", "applicant", lambda ctx: reverse("applications:dashboard")),
    Page(
        "detail", "applicant", lambda ctx: reverse("applications:detail", args=[ctx.application_pk])
    ),
]
BASELINE = "minimal"  # the minimal view, measured once per persona (its middleware cost
# depends on who is logged in: sessions, roles, second factor)


def baseline_name(persona: str) -> str:
    return f"{BASELINE}_{persona}"


def baseline_pages(pages: Sequence[Page] | None = None) -> list[Page]:
    personas = sorted({page.persona for page in (PAGES if pages is None else pages)})
    return [Page(baseline_name(p), p, lambda ctx: reverse("core:minimal")) for p in personas]


@dataclass(frozen=True)
class Timing:
    median_ms: float
    queries: int


@dataclass(frozen=True)
class Skipped:
    reason: str


Result = Timing | Skipped
Results = dict[int, dict[str, Result]]  # size → page name → result


@dataclass(frozen=True)
class Figure:
    name: str
    ratio: float | None  # None: skipped
    target: float
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.ratio is None or self.ratio <= self.target

    def line(self) -> str:
        if self.ratio is None:
            return f"{self.name} skipped ({self.reason})"
        return f"{self.name} ratio={self.ratio:.2f} target<={self.target:g}"


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 and size >= 1000 else str(size)


def _ratio(name: str, top: Result | None, bottom: Result | None, target: float) -> Figure:
    for result in (top, bottom):
        if result is None:
            return Figure(name, None, target, "not measured")
        if isinstance(result, Skipped):
            return Figure(name, None, target, result.reason)
    assert isinstance(top, Timing) and isinstance(bottom, Timing)
    return Figure(name, top.median_ms / max(bottom.median_ms, 1e-6), target)


def figures_vs_baseline(results: Results) -> Iterator[Figure]:
    """Each page against the minimal view, at the largest size: what the page's own work
    costs on top of the middleware."""
    largest = results[max(results)]
    for page in PAGES:
        yield _ratio(
            f"{page.name}_vs_{BASELINE}",
            largest.get(page.name),
            largest.get(baseline_name(page.persona)),
            3,
        )


def figures_scaling(results: Results) -> Iterator[Figure]:
    """Each page at the largest size against the smallest: pages must not grow with the
    number of rows (pagination, no N+1 queries)."""
    small, large = min(results), max(results)
    if small == large:
        return
    for page in PAGES:
        yield _ratio(
            f"{page.name}_{size_label(large)}_vs_{size_label(small)}",
            results[large].get(page.name),
            results[small].get(page.name),
            1.3,
        )


FIGURES: list[Callable[[Results], Iterator[Figure]]] = [figures_vs_baseline, figures_scaling]


# --- measuring --------------------------------------------------------------------------


ROUNDS = 3  # the timed requests of all pages are interleaved in this many rounds

# The database this run measures ("sqlite" or "postgresql"), set by the child process;
# every result line measured on PostgreSQL is named with the suffix "_pg".
DATABASE = "sqlite"
SUFFIXES = {"sqlite": "", "postgresql": "_pg"}


def named(line: str) -> str:
    """A result line with the database's suffix on its name (the first word, before any
    ``@size`` or ``=value``): ``ranking_vs_minimal ratio=…`` → ``ranking_vs_minimal_pg
    ratio=…``, ``similarity_recall=1.000 …`` → ``similarity_recall_pg=1.000 …``."""
    suffix = SUFFIXES.get(DATABASE, "")
    if not suffix:
        return line
    indent = line[: len(line) - len(line.lstrip())]
    word, _, rest = line.lstrip().partition(" ")
    cut = min((i for i in (word.find("@"), word.find("=")) if i >= 0), default=len(word))
    base, tail = word[:cut], word[cut:]
    return f"{indent}{base}{suffix}{tail}" + (f" {rest}" if rest else "")


_backend: dict[int, Path | None] = {}


def _backend_stat() -> Path | None:
    """/proc/<pid>/schedstat of this connection's PostgreSQL backend (same machine)."""
    connection.ensure_connection()
    raw = connection.connection
    key = id(raw)
    if key not in _backend:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        stat = Path(f"/proc/{pid}/schedstat")
        _backend.clear()
        _backend[key] = stat if stat.exists() else None
    return _backend[key]


def cpu_clock() -> float:
    """CPU seconds spent on the request: this thread's (the test client, the views and,
    with SQLite, the database) plus, on PostgreSQL, the server backend's serving this
    connection — CPU time barely moves when other jobs load a shared machine, where wall
    time would. Without /proc (the backend elsewhere), wall time."""
    if DATABASE != "postgresql":
        return time.thread_time()
    stat = _backend_stat()
    if stat is None:
        return time.perf_counter()
    return time.thread_time() + int(stat.read_text().split()[0]) / 1e9


def _prepare(client: Client, url: str, *, warmup: int) -> Result:
    """Warm the page up and count its queries; a page that fails is skipped."""
    try:
        for _ in range(max(1, warmup)):
            response = client.get(url)
            if response.status_code != 200:
                return Skipped(f"HTTP {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return Timing(median_ms=0.0, queries=len(captured))  # counted now: the next
        # request clears the connection's query log
    except Exception as exc:  # a page still being written must not stop the benchmark
        return Skipped(f"{type(exc).__name__}: {str(exc)[:80]}")


def measure_pages(
    ctx: BenchContext,
    *,
    requests: int,
    warmup: int,
    # CPU time, not wall time (see cpu_clock).
    clock: Callable[[], float] | None = None,
    pages: Sequence[Page] | None = None,
) -> dict[str, Result]:
    """The median latency of each page (default: :data:`PAGES`) and of the minimal view
    for each of their personas over ``requests`` requests. The pages' requests are
    interleaved (in ``ROUNDS`` rounds) so that a passing load on the machine weighs on
    all pages alike rather than on one."""
    pages = PAGES if pages is None else pages
    clock = clock or cpu_clock
    results: dict[str, Result] = {}
    targets: dict[str, tuple[Client, str]] = {}
    for page in [*baseline_pages(pages), *pages]:
        try:
            url = page.url(ctx)
        except NoReverseMatch as exc:
            results[page.name] = Skipped(f"no URL: {str(exc)[:60]}")
            continue
        client = ctx.clients.get(page.persona)
        if client is None:
            results[page.name] = Skipped(f"no persona {page.persona}")
            continue
        results[page.name] = _prepare(client, url, warmup=warmup)
        if isinstance(results[page.name], Timing):
            targets[page.name] = (client, url)
    samples: dict[str, list[float]] = {name: [] for name in targets}
    per_round = [requests // ROUNDS + (1 if r < requests % ROUNDS else 0) for r in range(ROUNDS)]
    gc.collect()
    for count in per_round:
        for name, (client, url) in targets.items():
            for _ in range(count):
                started = clock()
                client.get(url)
                samples[name].append(clock() - started)
    for name, values in samples.items():
        counted = results[name]
        assert isinstance(counted, Timing)
        if values:
            results[name] = Timing(statistics.median(values) * 1000, counted.queries)
    return results


#: A ranking computed from scratch (every cache empty) against the minimal view.
UNCACHED_RANKING_TARGET = 5


def cold_page(
    ctx: BenchContext,
    page: Page,
    *,
    requests: int,
    warmup: int,
    empty: Callable[[], None],
) -> dict[str, Result]:
    """``page`` computed from scratch — ``empty()`` (the caches emptied) before each of its
    requests, outside the timing — interleaved with the minimal view of the same persona
    as :func:`measure_pages` does. Named ``<page>_uncached``."""
    cold = Page(f"{page.name}_uncached", page.persona, page.url)
    client = ctx.clients.get(page.persona)
    if client is None:
        return {cold.name: Skipped(f"no persona {page.persona}")}
    base = baseline_pages([page])[0]
    results: dict[str, Result] = {}
    urls = {}
    for each in (base, cold):
        url = each.url(ctx)
        results[each.name] = _prepare(client, url, warmup=warmup)
        if isinstance(results[each.name], Timing):
            empty()  # count the queries of a request computed from scratch
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            results[each.name] = Timing(median_ms=0.0, queries=len(captured))
            urls[each.name] = url
    samples: dict[str, list[float]] = {name: [] for name in urls}
    gc.collect()
    for _ in range(max(1, requests)):
        for name, url in urls.items():
            empty()
            started = cpu_clock()
            client.get(url)
            samples[name].append(cpu_clock() - started)
    for name, values in samples.items():
        counted = results[name]
        assert isinstance(counted, Timing)
        results[name] = Timing(statistics.median(values) * 1000, counted.queries)
    return results


# --- data -------------------------------------------------------------------------------


# --- studies: measurements on data of their own ------------------------------------------


@dataclass(frozen=True)
class StudyOptions:
    warmup: int
    ranking_sizes: tuple[int, ...]
    ranking_requests: int
    form5_rows: int
    form5_repeats: int


@dataclass
class StudyResult:
    figures: list[Figure] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # printed after the query counts
    missed: list[str] = field(default_factory=list)  # over target, besides the figures


Say = Callable[[str], None]
Study = Callable[[BenchData, BenchContext, StudyOptions, Say], StudyResult]


def _timing_line(name: str, size: int, result: Result) -> str:
    if isinstance(result, Timing):
        return (
            f"  {name}@{size_label(size)} median={result.median_ms:.2f}ms queries={result.queries}"
        )
    return f"  {name}@{size_label(size)} skipped ({result.reason})"


# The studies live with their areas (every area's ``bench.py`` ``STUDIES``, xinban.core.areas):
# 附件5 and the unit's ranking in xinban.recommendation.bench, the experts' per domain in
# xinban.evaluation.bench. None is listed here any more.
STUDIES: list[Study] = []


# --- the command ------------------------------------------------------------------------


class Command(BaseCommand):
    help = "性能基准：在临时数据库中生成 1,000 和 10,000 份申报，测量主要页面的响应时间。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=30, help="每页计时的请求数")
        parser.add_argument("--warmup", type=int, default=3, help="每页预热请求数")
        parser.add_argument(
            "--sizes", default=DEFAULT_SIZES, help=f"申报数，逗号分隔（默认 {DEFAULT_SIZES}）"
        )
        parser.add_argument(
            "--ranking-sizes",
            default=DEFAULT_RANKING_SIZES,
            help=f"评分排序页：一个推荐单位的申报数，逗号分隔（默认 {DEFAULT_RANKING_SIZES}）",
        )
        parser.add_argument(
            "--ranking-requests", type=int, default=10, help="评分排序页计时的请求数"
        )
        parser.add_argument("--form5-rows", type=int, default=500, help="附件5 的推荐行数")
        parser.add_argument("--form5-repeats", type=int, default=15, help="附件5 导出的计时次数")
        parser.add_argument(
            "--databases",
            default="sqlite,postgresql",
            help="在哪些数据库上测量，逗号分隔（默认 sqlite,postgresql；"
            "PostgreSQL 经 scripts/with-postgres.sh 的临时集群）",
        )
        parser.add_argument("--strict", action="store_true", help="有指标超出目标时以状态 1 退出")
        parser.add_argument("--keep", action="store_true", help="保留临时目录（便于排查）")

    def handle(self, *args: Any, **options: Any) -> None:
        if os.environ.get(CHILD_ENV):
            self._run(options)
        else:
            self._spawn(options)

    # The parent: for each database, a throwaway directory and database, then this command
    # again inside — SQLite in the directory, PostgreSQL 15 in the throwaway cluster of
    # scripts/with-postgres.sh (the one the tests use).
    def _spawn(self, options: dict[str, Any]) -> None:
        databases = [d.strip() for d in str(options["databases"]).split(",") if d.strip()]
        unknown = sorted(set(databases) - set(SUFFIXES))
        if unknown or not databases:
            raise CommandError(f"bench: --databases: unknown {', '.join(unknown) or '(empty)'}")
        failed = []
        for database in databases:
            returncode = self._spawn_one(options, database)
            if returncode:
                failed.append(f"{database}: status {returncode}")
        if failed:
            raise CommandError(f"bench exited with {'; '.join(failed)}", returncode=1)

    def _spawn_one(self, options: dict[str, Any], database: str) -> int:
        directory = Path(tempfile.mkdtemp(prefix="xinban-bench-"))
        prefix: list[str] = []
        env = {
            **os.environ,
            CHILD_ENV: str(directory),
            "XINBAN_BENCH_DATABASE": database,
            "DATABASE_URL": f"sqlite:///{directory / 'bench.sqlite3'}",
            "XINBAN_VAR_DIR": str(directory),
            "MEDIA_ROOT": str(directory / "media"),
            "DEBUG": "0",
            "XINBAN_FAST_HASHER": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
        argv = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench",
            f"--requests={options['requests']}",
            f"--warmup={options['warmup']}",
            f"--sizes={options['sizes']}",
            f"--ranking-sizes={options['ranking_sizes']}",
            f"--ranking-requests={options['ranking_requests']}",
            f"--form5-rows={options['form5_rows']}",
            f"--form5-repeats={options['form5_repeats']}",
            *(["--strict"] if options["strict"] else []),
        ]
        if database == "postgresql":
            script = Path(settings.BASE_DIR) / "scripts" / "with-postgres.sh"
            pg_bin = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
            if not (pg_bin / "initdb").exists():
                self.stdout.write(
                    f"bench: *_pg skipped (no PostgreSQL server in {pg_bin}; "
                    "see scripts/with-postgres.sh)"
                )
                return 0
            directory.chmod(0o711)  # the server may run as another user (see the script)
            prefix = [str(script)]
            del env["DATABASE_URL"]  # the script sets it to its cluster
            env["XINBAN_PG_TMPDIR"] = str(directory)
            self.stdout.write("bench: PostgreSQL 15, throwaway cluster (scripts/with-postgres.sh)")
        else:
            self.stdout.write(f"bench: SQLite, throwaway database in {directory}")
        self.stdout.flush()
        try:
            completed = subprocess.run([*prefix, *argv], env=env, check=False)  # noqa: S603
        finally:
            if options["keep"]:
                self.stdout.write(f"bench: kept {directory}")
            else:
                shutil.rmtree(directory, ignore_errors=True)
        return completed.returncode

    # The child: refuses anything but the throwaway database it was given.
    def _run(self, options: dict[str, Any]) -> None:
        global DATABASE
        directory = Path(os.environ[CHILD_ENV]).resolve()
        database = connection.settings_dict
        if os.environ.get("XINBAN_BENCH_DATABASE") == "postgresql":
            # Only the cluster scripts/with-postgres.sh made inside our directory.
            cluster = os.environ.get("XINBAN_PG_TMPDIR", "")
            if (
                database["ENGINE"] != "django.db.backends.postgresql"
                or database["HOST"] != "127.0.0.1"
                or Path(cluster).resolve() != directory
            ):
                raise CommandError(
                    f"bench: refusing to run on {database['ENGINE']} {database['HOST']}"
                )
            DATABASE = "postgresql"
        else:
            name = Path(str(database["NAME"])).resolve()
            if database["ENGINE"] != "django.db.backends.sqlite3" or directory not in name.parents:
                raise CommandError(f"bench: refusing to run on {database['ENGINE']} {name}")
        sizes = sorted({int(s) for s in str(options["sizes"]).split(",") if s.strip()})
        if not sizes:
            raise CommandError("bench: --sizes is empty")
        ranking_sizes = tuple(
            sorted({int(s) for s in str(options["ranking_sizes"]).split(",") if s.strip()})
        )
        if not ranking_sizes:
            raise CommandError("bench: --ranking-sizes is empty")
        study_options = StudyOptions(
            warmup=options["warmup"],
            ranking_sizes=ranking_sizes,
            ranking_requests=options["ranking_requests"],
            form5_rows=options["form5_rows"],
            form5_repeats=options["form5_repeats"],
        )
        started = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        if Application.objects.exists() or Organisation.objects.exists():
            raise CommandError("bench: the throwaway database is not empty")
        data = BenchData()
        ctx = data.base()
        results: Results = {}
        for size in sizes:
            seeding = time.monotonic()
            data.grow_to(size)
            settle()
            self.stdout.write(
                f"seeded {Application.objects.count()} applications, "
                f"{Organisation.objects.count()} organisations "
                f"in {time.monotonic() - seeding:.1f}s"
            )
            results[size] = measure_pages(
                ctx, requests=options["requests"], warmup=options["warmup"]
            )
            for page_name, result in results[size].items():
                self.stdout.write(_timing_line(page_name, size, result))
            self.stdout.flush()
        everything = [*STUDIES, *(s for m in area_modules("bench") for s in m.STUDIES)]
        # XINBAN_BENCH_ONLY=name,name runs only those studies (while working on one).
        only = {n.strip() for n in os.environ.get("XINBAN_BENCH_ONLY", "").split(",") if n.strip()}
        if only:
            everything = [s for s in everything if s.__name__ in only]
        studies = [self._study(study, data, ctx, study_options) for study in everything]
        missed = []
        figures = [f for function in FIGURES for f in function(results)]
        for figure in [*figures, *(f for study in studies for f in study.figures)]:
            self.stdout.write(named(figure.line()))
            if not figure.ok:
                missed.append(named(figure.name))
        for page in [*baseline_pages(), *PAGES]:
            counts = [results[s].get(page.name) for s in sizes]
            if all(isinstance(c, Timing) for c in counts):
                per_size = " ".join(
                    f"{size_label(s)}={c.queries}"  # type: ignore[union-attr]
                    for s, c in zip(sizes, counts, strict=True)
                )
                self.stdout.write(named(f"{page.name}_queries {per_size}"))
        for study in studies:
            for line in study.lines:
                self.stdout.write(named(line))
            missed += [named(m) for m in study.missed]
        self.stdout.write(f"bench: done in {time.monotonic() - started:.1f}s")
        if missed and options["strict"]:
            raise CommandError(f"bench: over target: {', '.join(missed)}", returncode=1)

    def _study(
        self, study: Study, data: BenchData, ctx: BenchContext, options: StudyOptions
    ) -> StudyResult:
        def say(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        try:
            return study(data, ctx, options, say)
        except Exception as exc:  # a study of a feature being written must not stop the rest
            reason = f"{type(exc).__name__}: {str(exc)[:80]}"
            say(f"{study.__name__} skipped ({reason})")
            return StudyResult(lines=[f"{study.__name__} skipped ({reason})"])
