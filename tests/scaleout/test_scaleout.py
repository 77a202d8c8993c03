"""Scale-out on PostgreSQL (issue 7): two application servers (gunicorn, production
settings) and two task workers on one database. 1,000 applicants each create an
application (its 编号 allocated under a row lock), upload the stamped form and submit,
spread over both servers at once: 1,000 applications with 1,000 distinct numbers, every
confirmation e-mail sent exactly once (a file backend records what actually went out).
Runs under ``make test-pg``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.faults.conftest import (
    ROOT,
    AppServer,
    PostgresDatabases,
    base_env,
    run_python,
    wait_for,
)
from tests.faults.conftest import fault_databases as fault_databases  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs PostgreSQL (make test-pg)",
    ),
]

APPLICANTS = int(os.environ.get("XINBAN_SCALEOUT_APPLICANTS", "1000"))
THREADS = 16
CSRF = "x" * 32  # a CSRF secret of our own: cookie and header carry the same value


def application_body(unit: int, team_type: int, n: int) -> dict[str, Any]:
    """附件3 as tests/api/conftest.py sends it (ids from the shared database)."""
    return {
        "recommending_unit": unit,
        "team_name": f"质检{n % 90 + 1}班",
        "team_type": team_type,
        "team_size": 12,
        "completion_rate": 100,
        "qualification_rate": "99.50",
        "nonconformity_rate": 0.5,
        "first_pass_rate": 99.5,
        "accidents_per_year": 0,
        "complaints_per_year": 0,
        "trainees_per_year": 12,
        "training_hours_per_year": 480,
        "improvement_participation_rate": 100,
        "coverage_rate": 85,
        "quality_cost": "12.50",
        "commitment_voluntary": True,
        "commitment_standard": True,
        "commitment_truthful": True,
        "commitment_secrecy": True,
        "eligibility_basic_unit": True,
        "eligibility_no_accidents": True,
        "material_composition": "班组共12人，班长1名。",
        "material_basic_management": "建立了班组管理制度。",
        "material_skills": "开展技能培训。",
        "material_improvement": "开展QC小组活动。",
        "material_results": "连续三年零缺陷。",
        "material_honours": "获得区级先进班组称号。",
    }


def request(port: int, session: str, method: str, path: str, body: bytes, ctype: str) -> Any:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        method,
        path,
        body,
        {
            "Content-Type": ctype,
            "Cookie": f"sessionid={session}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "Referer": f"http://127.0.0.1:{port}/",
            "Host": f"127.0.0.1:{port}",
        },
    )
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def multipart(name: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----xinbanScaleout"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_two_servers_two_workers_one_database(
    fault_databases: PostgresDatabases,  # noqa: F811
    tmp_path: Path,
) -> None:
    from tests.conftest import pdf_bytes

    var = tmp_path / "var"
    (var / "tmp").mkdir(parents=True)
    (var / "media").mkdir()
    mails = tmp_path / "mails"
    mails.mkdir()
    url = fault_databases.create(tmp_path)
    env = base_env(url, var)
    env.update(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mails),
    )
    servers: list[AppServer] = []
    workers: list[subprocess.Popen[bytes]] = []
    try:
        started = time.monotonic()
        world = json.loads(
            run_python(env, "-m", "tests.scaleout.scenario", "setup", str(APPLICANTS), timeout=300)
            .strip()
            .splitlines()[-1]
        )
        servers = [AppServer(env, tmp_path / f"gunicorn-{n}.log") for n in (1, 2)]
        for n in (1, 2):
            workers.append(
                subprocess.Popen(  # noqa: S603 - our own command
                    [sys.executable, "manage.py", "run_worker", "--poll", "0.5"],
                    cwd=ROOT,
                    env=env,
                    stdout=(tmp_path / f"worker-{n}.log").open("wb"),
                    stderr=subprocess.STDOUT,
                )
            )
        stamped, stamped_type = multipart("file", "盖章.pdf", pdf_bytes("盖章"))

        def journey(n: int) -> str:
            port = servers[n % 2].port
            session = world["sessions"][n]
            body = json.dumps(application_body(world["unit"], world["team_type"], n)).encode()
            status, data = request(
                port, session, "POST", "/api/applications", body, "application/json"
            )
            if status != 201:
                return f"create {status} {data[:200]!r}"
            pk = json.loads(data)["id"]
            port = servers[(n + 1) % 2].port  # the next steps on the other server
            status, data = request(
                port,
                session,
                "POST",
                f"/api/applications/{pk}/stamped-form",
                stamped,
                stamped_type,
            )
            if status != 200:
                return f"stamped {status} {data[:200]!r}"
            status, data = request(
                port, session, "POST", f"/api/applications/{pk}/submit", b"", "application/json"
            )
            return "" if status == 200 else f"submit {status} {data[:200]!r}"

        with ThreadPoolExecutor(THREADS) as pool:
            failures = [f for f in pool.map(journey, range(APPLICANTS)) if f]
        assert failures == [], failures[:5]

        def outbox_drained() -> dict[str, Any] | None:
            state = json.loads(
                run_python(env, "-m", "tests.scaleout.scenario", "inspect").strip().splitlines()[-1]
            )
            return state if set(state["outbox"]) == {"sent"} else None

        state = wait_for(outbox_drained, "the outbox to be sent", timeout=120)
        assert state["applications"] == APPLICANTS
        assert state["states"] == {"submitted": APPLICANTS}
        assert len(set(state["numbers"])) == APPLICANTS  # unique 编号
        sent = "".join(p.read_text(errors="replace") for p in mails.iterdir())
        recipients = sorted(
            line.split(": ", 1)[1] for line in sent.splitlines() if line.startswith("To: ")
        )
        assert recipients == state["outbox_recipients"]  # every outbox e-mail exactly once
        assert state["outbox_templates"]["application_submitted"] == APPLICANTS
        assert len(set(recipients)) >= APPLICANTS
        print(
            f"\nscale-out: {APPLICANTS} applicants × 3 requests over 2 servers, "
            f"2 workers, {len(recipients)} e-mails {state['outbox_templates']}, "
            f"{time.monotonic() - started:.0f}s"
        )
    finally:
        for server in servers:
            server.stop()
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=20)
        fault_databases.drop(url)
