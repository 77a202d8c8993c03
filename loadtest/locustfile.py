"""Load test of the 质量信得过班组 platform (locust, headless). Run it with loadtest/run.sh
(docs/loadtest.md); by hand:

    locust -f loadtest/locustfile.py --headless -u 100 -r 10 -t 60s --host http://127.0.0.1:8000

Three kinds of simulated people, all logging in through the real log-in form:

* ApplicantUser — opens 我的申报 and an application, the edit page, saves the draft
  through the JSON API (read, change a material text, PUT with the version), checks what is
  missing, and now and then runs a whole submission: a new draft (POST), the stamped form
  (multipart upload), submit, then withdraw it again so the organisation's slot is free
  for the next round.
* JudgeUser — opens 我的评审 and a score sheet page, saves a sheet draft through the API.
* StaffUser — browses 全部申报 with filters and pages, the audit log with filters, the
  recommending units, application details.

Every user also requests the minimal view ``/_minimal/`` (the same middleware, no work),
the baseline the pages' p95 latency is compared with under the same load.

Logins come from the JSON written by loadtest/prepare.py (XINBAN_LOADTEST_ACCOUNTS);
without it only the README's demo logins are used (password demo2026). The first few users
log in through the form; the others start from the session prepare.py signed in for them.

Expected refusals are not failures: a 409 ``concurrent_edit`` when two simulated users
share an application (the optimistic lock doing its job) is recorded under its own name;
a new draft refused because a colleague of the same organisation took the team type
(``duplicate…``) or the year's last slot (``limit_reached``) a moment before counts as
answered.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import re
import threading
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task
from locust.exception import StopUser

ACCOUNTS_FILE = os.environ.get("XINBAN_LOADTEST_ACCOUNTS", "")
DEMO = {
    "password": "demo2026",
    "applicants": ["applicant-a@demo.saq", "applicant-b@demo.saq"],
    "judges": ["judge@demo.saq"],
    "staff": ["staff@demo.saq"],
}
ACCOUNTS: dict[str, Any] = (
    json.loads(Path(ACCOUNTS_FILE).read_text(encoding="utf-8")) if ACCOUNTS_FILE else DEMO
)
PASSWORD = ACCOUNTS.get("password", DEMO["password"])

_lock = threading.Lock()
_cycles = {
    kind: itertools.cycle(ACCOUNTS.get(kind) or DEMO[kind])
    for kind in ("applicants", "judges", "staff")
}


def next_login(kind: str) -> str:
    with _lock:
        return next(_cycles[kind])


# The first FORM_LOGINS users log in through the log-in form (argon2, slow on purpose; its
# latency is reported apart); the others start from the signed-in session prepare.py made
# for their login (XINBAN_LOADTEST_FORM_LOGINS=0 with no prepared sessions: all use the form).
# Otherwise, at 300 users the argon2 log-ins alone keep the 2-core test machine busy for
# the whole run.
SESSIONS: dict[str, str] = ACCOUNTS.get("sessions") or {}
FORM_LOGINS = int(os.environ.get("XINBAN_LOADTEST_FORM_LOGINS", "8"))
_started = itertools.count()


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
APPLICATION_LINK = re.compile(r'href="/applications/(\d+)/"')
CONTENT_FIELDS = [
    "recommending_unit",
    "team_name",
    "team_type",
    "team_size",
    "completion_rate",
    "qualification_rate",
    "nonconformity_rate",
    "first_pass_rate",
    "accidents_per_year",
    "complaints_per_year",
    "trainees_per_year",
    "training_hours_per_year",
    "improvement_participation_rate",
    "coverage_rate",
    "quality_cost",
    "commitment_voluntary",
    "commitment_standard",
    "commitment_truthful",
    "commitment_secrecy",
    "eligibility_basic_unit",
    "eligibility_no_accidents",
    "material_composition",
    "material_basic_management",
    "material_skills",
    "material_improvement",
    "material_results",
    "material_honours",
]
AUDIT_ACTIONS = [
    "",
    "application.update",
    "application.submit",
    "application.create",
    "scoring.sheet_save",
]
STATES = ["", "submitted", "draft", "returned", "recommended", "withdrawn"]


def stamped_pdf() -> bytes:
    """A small valid one-page PDF (the stamped form's scan)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "stamped (load test)")
    page.showPage()
    page.save()
    return buffer.getvalue()


STAMPED_PDF = stamped_pdf()


class XinbanUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    kind = ""

    def on_start(self) -> None:
        self.email = next_login(self.kind)
        self.login()

    # --- helpers ----------------------------------------------------------------------

    def login(self) -> None:
        with _lock:
            number = next(_started)
        session = SESSIONS.get(self.email)
        if session is None or number < FORM_LOGINS:
            self.login_form()
            return
        self.client.cookies.set(ACCOUNTS.get("session_cookie", "sessionid"), session)
        self.client.get("/_minimal/", name="/_minimal/")  # sets the CSRF cookie, as a page does

    def login_form(self) -> None:
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        match = CSRF_INPUT.search(page.text)
        if not match:
            raise StopUser
        with self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": match.group(1),
                "username": self.email,
                "password": PASSWORD,
            },
            allow_redirects=False,
            name="/accounts/login/",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.email} refused ({response.status_code})")
                raise StopUser
            response.success()

    @property
    def api_headers(self) -> dict[str, str]:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken") or ""}

    def page(self, path: str, name: str, **params: Any) -> Any:
        with self.client.get(path, params=params or None, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
            elif "Traceback" in r.text:
                r.failure("traceback in page")
            return r

    @task(2)
    def minimal(self) -> None:
        self.client.get("/_minimal/", name="/_minimal/")


class ApplicantUser(XinbanUser):
    """An applicant: 我的申报, an application, saving drafts, submitting."""

    weight = 6
    kind = "applicants"

    def on_start(self) -> None:
        super().on_start()
        self.year = int(ACCOUNTS.get("campaign") or 0)
        mine = self.client.get("/api/applications", name="/api/applications").json()
        self.year = self.year or max(a["campaign_year"] for a in mine)
        current = [a for a in mine if a["campaign_year"] == self.year]
        editable = [a for a in current if a["state"] in ("draft", "returned")]
        self.application = random.choice(editable or current or mine)["id"]
        self.all_ids = [a["id"] for a in mine]
        taxonomies = self.client.get("/api/taxonomies", name="/api/taxonomies").json()
        self.team_types = [t["id"] for t in taxonomies["team_types"]]
        self.units = [u["id"] for u in taxonomies["recommending_units"]]

    @task(3)
    def dashboard(self) -> None:
        self.page("/applications/", "/applications/ (我的申报)")

    @task(3)
    def open_application(self) -> None:
        pk = self.application if random.random() < 0.7 else random.choice(self.all_ids)
        self.page(f"/applications/{pk}/", "/applications/[id]/")

    @task(1)
    def edit_page(self) -> None:
        self.page(f"/applications/{self.application}/edit/", "/applications/[id]/edit/")

    @task(3)
    def save_draft(self) -> None:
        current = self.client.get(
            f"/api/applications/{self.application}", name="/api/applications/[id]"
        ).json()
        if not current.get("editable"):
            return
        body = {name: current[name] for name in CONTENT_FIELDS}
        body["material_improvement"] = (
            f"开展QC小组活动，本周完成改进课题第{random.randint(1, 99)}项。"
        )
        body["version"] = current["version"]
        with self.client.put(
            f"/api/applications/{self.application}",
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={**self.api_headers, "Content-Type": "application/json"},
            name="/api/applications/[id]",
            catch_response=True,
        ) as response:
            if response.status_code == 409 and "concurrent_edit" in response.text:
                response.success()  # someone else saved first: the lock refused, as it should
                response.request_meta["name"] = "/api/applications/[id] (409 concurrent edit)"
            elif response.status_code != 200:
                response.failure(f"{response.status_code} {response.text[:200]}")

    @task(1)
    def check_problems(self) -> None:
        self.client.get(
            f"/api/applications/{self.application}/submission-problems",
            name="/api/applications/[id]/submission-problems",
        )

    @task(1)
    def submit_a_new_application(self) -> None:
        """New draft → stamped form → submit → withdraw (frees the slot again)."""
        mine = self.client.get(
            "/api/applications", params={"year": self.year}, name="/api/applications?year"
        ).json()
        active = [a for a in mine if a["state"] != "withdrawn"]
        used = {a["team_type"] for a in active}
        free = [t for t in self.team_types if t not in used]
        if len(active) >= 3 or not free or not self.units:
            return
        unit = next(
            (a["recommending_unit"] for a in active if a["recommending_unit"] in self.units),
            self.units[0],
        )
        body = complete_application(unit, random.choice(free))
        headers = {**self.api_headers, "Content-Type": "application/json"}
        with self.client.post(
            "/api/applications",
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers=headers,
            name="/api/applications",
            catch_response=True,
        ) as response:
            if response.status_code == 409 or (
                response.status_code == 400
                and ("duplicate" in response.text or "limit_reached" in response.text)
            ):
                # A colleague of the same organisation took the team type or the year's
                # last slot between the list above and this create: the service's refusal.
                response.success()
                return
            if response.status_code != 201:
                response.failure(f"{response.status_code} {response.text[:300]}")
                return
            pk = response.json()["id"]
        self.client.post(
            f"/api/applications/{pk}/stamped-form",
            files={"file": ("盖章申报表.pdf", STAMPED_PDF, "application/pdf")},
            headers=self.api_headers,
            name="/api/applications/[id]/stamped-form",
        )
        with self.client.post(
            f"/api/applications/{pk}/submit",
            headers=self.api_headers,
            name="/api/applications/[id]/submit",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or response.json().get("state") != "submitted":
                response.failure(f"{response.status_code} {response.text[:300]}")
        self.page(f"/applications/{pk}/", "/applications/[id]/")
        self.client.post(
            f"/api/applications/{pk}/withdraw",
            data=json.dumps({"reason": "压测：撤回以便下一轮"}, ensure_ascii=False).encode(),
            headers=headers,
            name="/api/applications/[id]/withdraw",
        )


def complete_application(unit: int, team_type: int) -> dict[str, Any]:
    return {
        "recommending_unit": unit,
        "team_name": f"压测{random.randint(100000, 999999)}组",
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
        "material_composition": "班组共12人，班长1名，职责明确。",
        "material_basic_management": "建立了班组管理制度。",
        "material_skills": "开展技能培训。",
        "material_improvement": "开展QC小组活动。",
        "material_results": "连续三年零缺陷。",
        "material_honours": "2025年获评先进班组。",
    }


class JudgeUser(XinbanUser):
    """A judge: 我的评审, a score sheet, saving a draft of it, now and then submitting one."""

    weight = 2
    kind = "judges"

    def on_start(self) -> None:
        super().on_start()
        sheets = self.client.get("/api/judge/sheets", name="/api/judge/sheets").json()
        self.sheets = [s["id"] for s in sheets if s["status"] != "submitted"] or [
            s["id"] for s in sheets
        ]

    @task(3)
    def my_reviews(self) -> None:
        self.page("/judge/", "/judge/ (我的评审)")

    @task(2)
    def sheet_page(self) -> None:
        if self.sheets:
            self.page(f"/judge/sheets/{random.choice(self.sheets)}/", "/judge/sheets/[id]/")

    @task(3)
    def save_sheet_draft(self) -> None:
        self._score(submit=False)

    @task(1)
    def submit_sheet(self) -> None:
        self._score(submit=True)

    def _score(self, *, submit: bool) -> None:
        if not self.sheets:
            return
        pk = random.choice(self.sheets)
        sheet = self.client.get(f"/api/judge/sheets/{pk}", name="/api/judge/sheets/[id]").json()
        if not sheet.get("editable"):
            self.sheets.remove(pk)
            return
        points = {
            str(c["id"]): round(random.uniform(0, float(c["max_points"])), 1)
            for c in sheet["criteria"]
            if submit or random.random() < 0.8
        }
        body = {
            "points": points,
            "conformity": "基本符合《质量信得过班组建设准则》。",
            "features": "班组管理有特色。",
            "shortcomings": "现场记录可更完整。" if submit else "",
            "submit": submit,
        }
        with self.client.put(
            f"/api/judge/sheets/{pk}",
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={**self.api_headers, "Content-Type": "application/json"},
            name="/api/judge/sheets/[id] (submit)" if submit else "/api/judge/sheets/[id]",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                if submit:
                    self.sheets.remove(pk)
            elif response.status_code == 409 and pk in self.sheets:
                # Another simulated judge with the same login submitted it a moment ago.
                self.sheets.remove(pk)
                response.success()
            else:
                response.failure(f"{response.status_code} {response.text[:200]}")


class StaffUser(XinbanUser):
    """Association staff: every application with filters, the audit log, the units."""

    weight = 2
    kind = "staff"

    def on_start(self) -> None:
        super().on_start()
        self.seen: list[int] = []
        self.unit_ids: list[int] = []
        page = self.page("/applications/all/", "/applications/all/ (全部申报)")
        self.seen = [int(x) for x in APPLICATION_LINK.findall(page.text)]
        self.unit_ids = [int(x) for x in re.findall(r'<option value="(\d+)"', page.text)]

    @task(4)
    def all_applications(self) -> None:
        params: dict[str, Any] = {}
        if random.random() < 0.5:
            params["state"] = random.choice(STATES)
        if self.unit_ids and random.random() < 0.4:
            params["unit"] = random.choice(self.unit_ids)
        if random.random() < 0.2:
            params["q"] = random.choice(["班", "组", "上海", "质量", "2026"])
        if random.random() < 0.3:
            params["page"] = random.randint(1, 5)
        response = self.page("/applications/all/", "/applications/all/ (全部申报)", **params)
        found = [int(x) for x in APPLICATION_LINK.findall(response.text)]
        if found:
            self.seen = found

    @task(3)
    def audit_log(self) -> None:
        params: dict[str, Any] = {}
        action = random.choice(AUDIT_ACTIONS)
        if action:
            params["action"] = action
        if random.random() < 0.3:
            params["page"] = random.randint(1, 3)
        self.page("/audit/", "/audit/ (审计日志)", **params)

    @task(1)
    def units(self) -> None:
        self.page("/unit/all/", "/unit/all/ (推荐单位)")

    @task(2)
    def application_detail(self) -> None:
        if self.seen:
            self.page(f"/applications/{random.choice(self.seen)}/", "/applications/[id]/ (staff)")


@events.quitting.add_listener
def _exit_code(environment: Any, **_kwargs: Any) -> None:
    # Any failed request makes the run fail (run.sh prints the details).
    if environment.stats.total.num_failures > 0:
        environment.process_exit_code = 1
