"""The demo builder's second stage: the team applications (附件3) with their materials."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from xinban.applications.models import (
    Application,
    ApplicationRevision,
    Attachment,
)
from xinban.applications.services import (
    application_content_snapshot,
    registration_snapshot,
)
from xinban.campaigns.models import (
    Campaign,
    PhaseKind,
)
from xinban.ops.demo_data.organisations import (
    OrganisationStage,
)
from xinban.ops.demo_data.places import (
    D_MARKET,
    D_NONPROFIT,
    OPEN_DAYS_BEFORE,
    STAMPED_DIR,
    S,
)
from xinban.ops.demo_data.plans import (
    AppPlan,
    _pct,
    aware,
    bulk_create_dated,
    stamped_sample_pdf,
    year_window,
)
from xinban.ops.demo_data.teams import (
    FEATURES,
    GROUP_HONOURS,
    MATERIAL_SENTENCES,
    MOTTOS,
    PERSON_HONOURS,
    PRIZES,
    RETURN_REASONS,
    TEAM_NAMES,
    TOPICS,
    VISIONS,
    WORK,
)
from xinban.organisations.models import (
    Registration,
)


class ApplicationStage(OrganisationStage):
    """Applications: plans, materials, stamped scans."""

    # --- applications -------------------------------------------------------------------

    def team_name(self, type_name: str, domain: str, used: set[str]) -> str:
        names = TEAM_NAMES.get(type_name, TEAM_NAMES["其他"])
        candidates = [*names.get(domain, ()), *names.get("*", ())] or [
            n for group in names.values() for n in group
        ]
        free = [n for n in candidates if n not in used] or [
            n for n in TEAM_NAMES["其他"]["*"] if n not in used
        ]
        name = self.rng.choice(free)
        used.add(name)
        return name

    def _times(self, campaign: Campaign, state: str) -> tuple[datetime, datetime | None]:
        rng = self.rng
        if campaign.year >= self.today.year:
            start = aware(self.today - timedelta(days=OPEN_DAYS_BEFORE - 1))
            span = max((self.now - start).total_seconds() - 3600, 3600)
            created = start + timedelta(seconds=rng.uniform(0, span * 0.6))
            if state == S.DRAFT:
                return created, None
            left = max((self.now - created).total_seconds() - 600, 60)
            return created, created + timedelta(seconds=rng.uniform(left * 0.1, left * 0.7))
        created = aware(
            date(campaign.year, 2, 15) + timedelta(days=rng.randint(0, 80)),
            dtime(rng.randint(8, 19), rng.randint(0, 59)),
        )
        submitted = created + timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8))
        return created, min(submitted, year_window(campaign.year, PhaseKind.APPLICATION)[1])

    def plan_applications(
        self,
        campaign: Campaign,
        registrations: Sequence[Registration],
        *,
        target: int,
        weights: dict[str, int],
        existing: dict[int, list[AppPlan]] | None = None,
    ) -> list[AppPlan]:
        """About ``target`` applications spread over the registrations: 1–3 per
        organisation (the campaign's limit), each of a different team type."""
        existing = existing or {}
        limit = campaign.max_applications_per_org
        slots = {r.pk: limit - len(existing.get(r.organisation_id, [])) for r in registrations}
        counts: Counter[int] = Counter()
        order = [r for r in registrations if slots[r.pk] > 0]
        self.rng.shuffle(order)
        remaining = target
        for registration in order:  # everybody who applies gets one …
            if remaining <= 0:
                break
            counts[registration.pk] = 1
            remaining -= 1
        growable = [r.pk for r in order if counts[r.pk] and counts[r.pk] < slots[r.pk]]
        while remaining > 0 and growable:  # … then some get a second or a third
            index = self.rng.randrange(len(growable))
            pk = growable[index]
            counts[pk] += 1
            remaining -= 1
            if counts[pk] >= slots[pk]:
                growable[index] = growable[-1]
                growable.pop()
        plans: list[AppPlan] = []
        for registration in order:
            if not counts[registration.pk]:
                continue
            org_plan = self.plans[registration.organisation_id]
            taken = {p.team_type.pk for p in existing.get(registration.organisation_id, [])}
            used = {p.team_name for p in existing.get(registration.organisation_id, [])}
            types = [t for t in self.team_types if t.pk not in taken]
            for team_type in self.rng.sample(types, min(counts[registration.pk], len(types))):
                state = self._weighted(weights)
                created, submitted = self._times(campaign, state)
                plans.append(
                    AppPlan(
                        registration=registration,
                        unit=self.units[org_plan.unit],
                        team_type=team_type,
                        team_name=self.team_name(team_type.name, org_plan.domain, used),
                        state=state,
                        created_at=created,
                        submitted_at=submitted,
                    )
                )
        return plans

    def _materials(self, app: Application, plan: AppPlan, domain: str) -> dict[str, str]:
        rng = self.rng
        year = plan.registration.campaign.year
        before = rng.uniform(2.5, 8.0)
        values: dict[str, Any] = {
            "team": app.team_name,
            "size": app.team_size,
            "party": rng.randint(1, max(1, app.team_size // 3)),
            "senior": rng.randint(1, max(1, app.team_size // 2)),
            "age": rng.randint(28, 44),
            "years": rng.randint(8, 25),
            "work": rng.choice(WORK[domain]),
            "motto": rng.choice(MOTTOS),
            "vision": rng.choice(VISIONS),
            "rules": rng.randint(8, 24),
            "tools": rng.choice(("98", "99", "99.5")),
            "prev": year - 1,
            "prev2": year - 2,
            "sop": rng.randint(6, 40),
            "hours": app.training_hours_per_year or rng.randint(40, 300),
            "trainees": app.trainees_per_year or app.team_size,
            "upgraded": rng.randint(1, max(1, app.team_size // 3)),
            "certified": rng.randint(1, 4),
            "level": rng.choice(("区级", "行业", "集团", "市级")),
            "prize": rng.choice(PRIZES),
            "projects": rng.randint(2, 9),
            "topic": rng.choice(TOPICS[domain]),
            "before": f"{before:.1f}",
            "after": f"{before * rng.uniform(0.2, 0.6):.1f}",
            "ideas": rng.randint(2, 12),
            "adopted": rng.randint(60, 95),
            "benefit": rng.randint(5, 180),
            "risks": rng.randint(6, 30),
            "patents": rng.randint(1, 6),
            "completion": app.completion_rate or "99.00",
            "first_pass": app.first_pass_rate or "99.00",
            "satisfaction": f"{rng.uniform(92, 99.5):.1f}",
            "feature": rng.choice(FEATURES),
            "scope": rng.choice(("本单位", "集团", "行业", "上海市", "本区")),
            "safe_years": rng.randint(3, 12),
            "complaints": app.complaints_per_year or 0,
            "honour": rng.choice(GROUP_HONOURS),
            "person_honour": rng.choice(PERSON_HONOURS),
            "leader": self._person()[0],
            "member": self._person()[0],
        }
        texts = []
        for sentences in MATERIAL_SENTENCES:
            picked = rng.sample(sentences, rng.randint(3, len(sentences)))
            texts.append("".join(s.format(**values) for s in picked))
        fields = (
            "material_composition",
            "material_basic_management",
            "material_skills",
            "material_improvement",
            "material_results",
            "material_honours",
        )
        return dict(zip(fields, texts, strict=True))

    def _stamped_file(self, number: str) -> str:
        if self._pdf is None:
            self._pdf = stamped_sample_pdf()
        return default_storage.save(f"{STAMPED_DIR}/{number}.pdf", ContentFile(self._pdf))

    def create_applications(self, plans: Sequence[AppPlan]) -> list[Application]:
        """Materialise the plans (numbers in the order of creation), with the frozen
        organisation snapshot, the stamped scan and a revision for every submitted one."""
        rng = self.rng
        plans = sorted(plans, key=lambda p: (p.registration.campaign.year, p.created_at))
        snapshots: dict[int, dict[str, Any]] = {}
        applications: list[Application] = []
        for plan in plans:
            registration = plan.registration
            domain = registration.domain.name
            state = plan.state
            draft = state == S.DRAFT
            size = rng.randint(8, 40) if domain == D_NONPROFIT else rng.randint(6, 30)
            nonconformity = _pct(rng, 0, 1.5)
            app = Application(
                campaign=registration.campaign,
                organisation=registration.organisation,
                recommending_unit=plan.unit,
                number=self.numbering(registration.campaign.year),
                state=state,
                version=1 if draft else (3 if state in (S.RETURNED, S.WITHDRAWN) else 2),
                team_name=plan.team_name,
                team_type=plan.team_type,
                team_size=size,
                completion_rate=_pct(rng, 96, 100),
                qualification_rate=_pct(rng, 95, 100),
                nonconformity_rate=nonconformity,
                first_pass_rate=_pct(rng, 95, 100 - float(nonconformity)),
                accidents_per_year=0,
                complaints_per_year=rng.randint(0, 6 if domain in (D_MARKET, D_NONPROFIT) else 3),
                trainees_per_year=size * rng.randint(1, 3),
                training_hours_per_year=rng.randint(24, 360),
                improvement_participation_rate=_pct(rng, 85, 100),
                coverage_rate=_pct(rng, 30, 100),
                quality_cost=Decimal(f"{rng.uniform(2, 150):.2f}"),
                created_by=plan.actor,
                submitted_at=plan.submitted_at,
            )
            complete = not draft or rng.random() < 0.4
            if draft and rng.random() < 0.5:  # a draft being filled in: some gaps
                for name in rng.sample(
                    [
                        "completion_rate",
                        "first_pass_rate",
                        "complaints_per_year",
                        "training_hours_per_year",
                        "coverage_rate",
                        "quality_cost",
                    ],
                    rng.randint(1, 4),
                ):
                    setattr(app, name, None)
            for name, text in self._materials(app, plan, domain).items():
                if complete or rng.random() < 0.6:
                    setattr(app, name, text)
            ticked = complete and (not draft or rng.random() < 0.6)
            app.commitment_voluntary = app.commitment_standard = ticked
            app.commitment_truthful = app.commitment_secrecy = ticked
            app.eligibility_basic_unit = app.eligibility_no_accidents = ticked
            if not draft:
                if registration.pk not in snapshots:
                    snapshots[registration.pk] = registration_snapshot(registration)
                app.organisation_snapshot = snapshots[registration.pk]
            if state == S.RETURNED:
                app.return_reason = rng.choice(RETURN_REASONS)
            if self.with_files and (not draft or rng.random() < 0.3):
                app.stamped_form.name = self._stamped_file(app.number)
                short = registration.organisation.short_name
                app.stamped_form_name = f"{short}{app.team_name}申报表（盖章）.pdf"
            app.created_at = plan.created_at
            app.updated_at = max(plan.created_at, plan.submitted_at or plan.created_at)
            applications.append(app)
        bulk_create_dated(Application, applications, keep=self.backdate)
        revisions = []
        for app, plan in zip(applications, plans, strict=True):
            assert app.pk is not None
            if plan.submitted_at is None:
                continue
            # No attachments yet: tell the snapshot so (as a prefetch would), instead of
            # asking the database once per application.
            no_attachments = Attachment.objects.none()
            no_attachments._result_cache = []
            no_attachments._prefetch_done = True  # type: ignore[attr-defined]
            app._prefetched_objects_cache = {"attachments": no_attachments}  # type: ignore[attr-defined]
            revisions.append(
                ApplicationRevision(
                    application=app,
                    number=1,
                    content=application_content_snapshot(app),
                    submitted_at=plan.submitted_at,
                    submitted_by=plan.actor,
                )
            )
        ApplicationRevision.objects.bulk_create(revisions, batch_size=500)
        return applications
