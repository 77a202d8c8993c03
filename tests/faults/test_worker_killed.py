"""Task workers as real processes on one database (the fault tests' own database: a
SQLite file, or a fresh PostgreSQL database under ``make test-pg``): two workers never
run a task twice; a worker killed with SIGKILL in the middle of a batch loses its lease and
another worker resumes the batch where it stopped."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.conftest import ROOT, FaultSite, run_python, wait_for

pytestmark = pytest.mark.faults


def worker(site: FaultSite, log: Path, *extra: str, lease: int = 2) -> subprocess.Popen[bytes]:
    env = site.env
    env.update(
        XINBAN_TASK_MODULES="tests.tasks.handlers",
        XINBAN_TASK_LEASE_SECONDS=str(lease),
        XINBAN_TASK_RETRY_SECONDS="0",
    )
    return subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "manage.py", "run_worker", "--poll", "0.2", *extra],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def shell(site: FaultSite, code: str) -> str:
    env = site.env
    env["XINBAN_TASK_MODULES"] = "tests.tasks.handlers"
    return run_python(env, "manage.py", "shell", "-c", code).strip()


def enqueue(site: FaultSite, name: str, count: int, **kwargs: object) -> list[int]:
    out = shell(
        site,
        "import json, tests.tasks.handlers\n"
        "from xinban.tasks.api import enqueue\n"
        f"ids = [enqueue({name!r}, **json.loads({json.dumps(kwargs)!r})).pk"
        f" for _ in range({count})]\n"
        "print(json.dumps(ids))",
    )
    return list(json.loads(out.splitlines()[-1]))


def task_rows(site: FaultSite) -> list[dict[str, object]]:
    out = shell(
        site,
        "import json\nfrom xinban.tasks.models import Task\n"
        "print(json.dumps(list(Task.objects.order_by('pk').values("
        "'pk', 'state', 'progress_done', 'attempts', 'worker'))))",
    )
    return list(json.loads(out.splitlines()[-1]))


def test_two_workers_never_run_a_task_twice(site: FaultSite, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    ids = enqueue(site, "tests.tasks.handlers.record", 40, directory=str(out), label="r")
    workers = [worker(site, tmp_path / f"w{n}.log", "--until-empty") for n in (1, 2)]
    for process in workers:
        assert process.wait(timeout=120) == 0
    runs = [line.split() for line in (out / "runs.log").read_text().splitlines()]
    assert sorted(int(r[0]) for r in runs) == sorted(ids)  # each exactly once
    assert all(row["state"] == "done" for row in task_rows(site))


def test_a_killed_worker_s_batch_is_resumed_by_another(site: FaultSite, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (task_id,) = enqueue(
        site, "tests.tasks.handlers.batch", 1, directory=str(out), items=12, pause=0.25
    )
    first = worker(site, tmp_path / "w1.log")
    wait_for(lambda: len(list(out.glob("item-*"))) >= 4, "four items done", timeout=60)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    stopped_at = len(list(out.glob("item-*")))
    assert stopped_at < 12
    second = worker(site, tmp_path / "w2.log")
    try:
        wait_for(lambda: task_rows(site)[0]["state"] == "done", "the batch to finish", timeout=90)
    finally:
        second.terminate()
        second.wait(timeout=10)
    (row,) = task_rows(site)
    assert row["pk"] == task_id and row["progress_done"] == 12 and row["attempts"] == 2
    assert sorted(p.name for p in out.glob("item-*")) == [f"item-{i:04d}" for i in range(12)]
    executions = (out / "executions.log").read_text().split()
    # Resumed, not restarted: at most the item in flight when killed ran twice.
    assert len(executions) <= 13 and sorted(set(executions), key=int) == [str(i) for i in range(12)]


def test_two_workers_send_each_outbox_email_exactly_once(site: FaultSite, tmp_path: Path) -> None:
    """200 queued e-mails, two worker processes sending the outbox at the same time (a
    file-based mail backend records what actually went out)."""
    mails = tmp_path / "mails"
    mails.mkdir()
    shell(
        site,
        "from xinban.notifications.models import OutboxEmail\n"
        "OutboxEmail.objects.bulk_create([OutboxEmail(recipient=f'u{n}@example.com', "
        "template='t', subject=f'主题 {n}', body='正文') for n in range(200)])",
    )
    env_extra = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mails),
    }
    workers = []
    for n in (1, 2):
        env = site.env
        env.update(env_extra, XINBAN_TASK_MODULES="tests.tasks.handlers")
        workers.append(
            subprocess.Popen(  # noqa: S603 - our own command
                [sys.executable, "manage.py", "run_worker", "--until-empty", "--poll", "0.1"],
                cwd=ROOT,
                env=env,
                stdout=(tmp_path / f"m{n}.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
        )
    for process in workers:
        assert process.wait(timeout=120) == 0
    sent = "".join(p.read_text(errors="replace") for p in mails.iterdir())
    recipients = [line.split(": ", 1)[1] for line in sent.splitlines() if line.startswith("To: ")]
    assert sorted(recipients) == sorted(f"u{n}@example.com" for n in range(200))
    states = shell(
        site,
        "from xinban.notifications.models import OutboxEmail\n"
        "print(sorted(set(OutboxEmail.objects.values_list('state', flat=True))))",
    )
    assert states.splitlines()[-1] == "['sent']"


def test_a_killed_certificate_batch_is_resumed_without_reissuing(
    site: FaultSite, tmp_path: Path
) -> None:
    """The real certificate batch (publication.certificates) of 20 published teams: its
    worker is killed after a few certificates; another worker finishes the batch. Every
    team ends with one certificate and one PDF, the certificates issued before the kill
    keep their codes, and the zip holds all 20."""
    count = 20
    data = json.loads(
        run_python(site.env, "-m", "tests.faults.scenario", "published", str(count))
        .strip()
        .splitlines()[-1]
    )
    (task_id,) = enqueue(site, "publication.certificates", 1, campaign_id=data["campaign"])

    def certificates() -> dict[int, str]:
        out = shell(
            site,
            "import json\nfrom xinban.publication.models import Certificate\n"
            "print(json.dumps(dict(Certificate.objects.exclude(pdf='')"
            ".values_list('application_id', 'code'))))",
        )
        return {int(k): v for k, v in json.loads(out.splitlines()[-1]).items()}

    def slow_worker(log: Path) -> subprocess.Popen[bytes]:
        env = site.env
        env.update(
            XINBAN_TASK_MODULES="tests.tasks.handlers,tests.tasks.slow_certificates",
            XINBAN_TEST_CERTIFICATE_PAUSE="0.3",
            XINBAN_TASK_LEASE_SECONDS="2",
            XINBAN_TASK_RETRY_SECONDS="0",
        )
        return subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "manage.py", "run_worker", "--poll", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    first = slow_worker(tmp_path / "w1.log")
    wait_for(lambda: len(certificates()) >= 4, "four certificates", timeout=90)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    before = certificates()
    assert 4 <= len(before) < count
    second = slow_worker(tmp_path / "w2.log")
    try:
        wait_for(lambda: task_rows(site)[0]["state"] == "done", "the batch to finish", timeout=120)
    finally:
        second.terminate()
        second.wait(timeout=10)
    (row,) = task_rows(site)
    assert row["pk"] == task_id and row["attempts"] == 2
    assert row["progress_done"] == count + 1  # the certificates, then the zip
    after = certificates()
    assert len(after) == count and len(set(after.values())) == count
    assert {k: after[k] for k in before} == before  # resumed, not issued again
    out = shell(
        site,
        "import json, zipfile\nfrom xinban.publication.models import Certificate\n"
        "from xinban.tasks.models import Task\n"
        f"task = Task.objects.get(pk={task_id})\n"
        "with task.result_file.open('rb') as f:\n"
        "    names = zipfile.ZipFile(f).namelist()\n"
        "heads = []\n"
        "for c in Certificate.objects.all():\n"
        "    with c.pdf.open('rb') as f:\n"
        "        heads.append(f.read(5).decode())\n"
        "print(json.dumps({'names': names, 'heads': heads}))",
    )
    stored = json.loads(out.splitlines()[-1])
    assert stored["heads"] == ["%PDF-"] * count
    assert len(stored["names"]) == count
    assert {name.split("-", 2)[0] + "-" + name.split("-", 2)[1] for name in stored["names"]} == (
        set(after.values())
    )
    assert {name.rsplit("-", 1)[-1].removesuffix(".pdf") for name in stored["names"]} == {
        f"证书{n:03d}班" for n in range(count)
    }
