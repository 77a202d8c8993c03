"""The demo builder's last stage: the units' review, score sheets, recommendations and
reports; ``DemoBuilder`` is the whole builder."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from xinban.applications.models import (
    Application,
)
from xinban.campaigns.models import (
    Campaign,
    PhaseKind,
)
from xinban.ops.demo_data.panels import (
    PanelStage,
)
from xinban.ops.demo_data.places import (
    D_MANUFACTURING,
    S,
)
from xinban.ops.demo_data.plans import (
    CONFORMITY_TEXTS,
    DECIDED_STATES,
    FEATURE_TEXTS,
    FEATURED_SHEETS,
    JUDGES_PER_APPLICATION,
    ON_SITE_NOTES,
    OPINIONS,
    PENDING_STATES,
    QUALITY,
    RECOMMENDED_STATES,
    REVIEWED_STATES,
    SHORTCOMING_TEXTS,
    STRENGTHS,
    UNIT_REPORT_DIR,
    AppPlan,
    Panel,
    bulk_create_dated,
    stamped_sample_pdf,
    year_window,
)
from xinban.ops.demo_data.teams import (
    FEATURES,
    MOTTOS,
    TOPICS,
)
from xinban.recommendation.models import (
    Recommendation,
    ReportStatus,
    UnitNote,
    UnitRecommendationReport,
)
from xinban.scoring import aggregation
from xinban.scoring.models import CriterionScore, Judge, ScoreSheet, SheetStatus, Stage
from xinban.scoring.services import engine_criteria, rubric_for


class ReviewStage(PanelStage):
    """Review: settled states, score sheets, recommendations, reports."""

    def settle_unit_states(
        self, campaign: Campaign, plans: Sequence[AppPlan], *, still_open: Iterable[str] = ()
    ) -> set[int]:
        """Make the planned states agree with the units' 附件5 reports, per unit: a unit
        that has submitted its report has nothing waiting any more (as ``report_submit``
        leaves it: a submitted application recommended or not, a returned one not
        recommended); a unit still reviewing (all in ``still_open``, and those with more
        applications waiting than decided) has decided none. Recommended applications
        respect the per-organisation quota. Returns the ids of the units that submitted."""
        rng = self.rng
        keep = {self.units[name].pk for name in still_open if name in self.units}
        quota = campaign.default_recommend_quota  # the demo raises no unit's quota
        by_unit: dict[int, list[AppPlan]] = defaultdict(list)
        for plan in plans:
            by_unit[plan.unit.pk].append(plan)
        done: set[int] = set()
        for unit_pk, unit_plans in sorted(by_unit.items()):
            decided = sum(p.state in DECIDED_STATES for p in unit_plans)
            pending = sum(p.state in PENDING_STATES for p in unit_plans)
            if unit_pk not in keep and decided and decided >= pending:
                done.add(unit_pk)
                for p in unit_plans:
                    if p.state == S.SUBMITTED and rng.random() < 0.5:
                        p.state = S.RECOMMENDED
                    elif p.state in PENDING_STATES:
                        p.state = S.NOT_RECOMMENDED
                if not any(p.state in RECOMMENDED_STATES for p in unit_plans):
                    # A report recommends at least one (report_submit refuses an empty list).
                    next(
                        p for p in unit_plans if p.state == S.NOT_RECOMMENDED
                    ).state = S.RECOMMENDED
            else:
                for p in unit_plans:
                    if p.state in DECIDED_STATES:
                        p.state = S.SUBMITTED
            recommended: Counter[int] = Counter()
            # The ones the association has moved on with first: only RECOMMENDED can drop.
            for p in sorted(unit_plans, key=lambda p: p.state == S.RECOMMENDED):
                if p.state in RECOMMENDED_STATES:
                    organisation = p.registration.organisation_id
                    if recommended[organisation] >= quota:
                        p.state = S.NOT_RECOMMENDED
                    else:
                        recommended[organisation] += 1
        return done

    def _review_window(self, campaign: Campaign, submitted: datetime) -> tuple[datetime, datetime]:
        """When the unit assigned an application and until when its judges worked on it."""
        rng = self.rng
        if campaign.year >= self.today.year:
            assigned = submitted + (self.now - submitted) * rng.uniform(0.05, 0.3)
            return assigned, self.now - timedelta(minutes=5)
        opens, closes = year_window(campaign.year, PhaseKind.RECOMMENDATION)
        limit = closes - timedelta(days=10)
        assigned = max(submitted + timedelta(days=rng.randint(1, 7)), opens + timedelta(hours=9))
        return min(assigned, limit - timedelta(days=10)), limit

    def _sheet_statuses(self, state: str, count: int, *, finished: float = 0.45) -> list[str]:
        """All submitted once the unit has decided; while it is still reviewing, all
        submitted with probability ``finished``, else a mix."""
        rng = self.rng
        done, draft, todo = SheetStatus.SUBMITTED, SheetStatus.DRAFT, SheetStatus.ASSIGNED
        roll = rng.random()
        if state != S.SUBMITTED or roll < finished:
            return [done] * count
        if roll < 0.8:
            return [rng.choice((done, done, draft, todo)) for _ in range(count)]
        return [rng.choice((draft, todo, todo)) for _ in range(count)]

    def _points(self, max_points: Decimal, share: float) -> Decimal:
        share = min(1.0, max(0.3, share + self.rng.gauss(0, 0.05)))
        return (max_points * Decimal(f"{share:.3f}")).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def _sheet_texts(self, application: Application, share: float) -> tuple[str, str, str]:
        """符合标准程度 / 特色 / 不足之处 of one judge, in keeping with their points."""
        rng = self.rng
        plan = self.plans.get(application.organisation_id)
        domain = plan.domain if plan is not None else D_MANUFACTURING
        band = "high" if share >= 0.85 else "mid" if share >= 0.72 else "low"
        values = {
            "strength": rng.choice(STRENGTHS),
            "weak": rng.choice(STRENGTHS),
            "feature": rng.choice(FEATURES),
            "topic": rng.choice(TOPICS[domain]),
            "motto": rng.choice(MOTTOS),
        }
        conformity = rng.choice(CONFORMITY_TEXTS[band]).format(**values)
        features = "".join(t.format(**values) for t in rng.sample(FEATURE_TEXTS, rng.randint(1, 2)))
        shortcomings = "".join(rng.sample(SHORTCOMING_TEXTS, 1 if band == "high" else 2))
        return conformity, features, shortcomings

    def _opinion(self, application: Application) -> str:
        plan = self.plans.get(application.organisation_id)
        domain = plan.domain if plan is not None else D_MANUFACTURING
        return self.rng.choice(OPINIONS).format(
            strength=self.rng.choice(STRENGTHS),
            feature=self.rng.choice(FEATURES),
            topic=self.rng.choice(TOPICS[domain]),
        )

    def review(
        self,
        campaign: Campaign,
        applications: Sequence[Application],
        *,
        panels: dict[int, Panel],
        done_units: set[int],
        featured: Judge | None = None,
        showcase: str | None = None,
    ) -> None:
        """The units' review of one campaign's ``applications``: for each one in a reviewed
        state, score sheets (stage unit) of 3–5 judges of its unit's panel (never a judge
        of the applying organisation), scored per criterion of the campaign's unit rubric,
        totals as ``sheet_save`` computes them; all submitted once the unit has decided,
        a mix while it reviews. Then each unit's 附件5 report (see :meth:`_reports`).

        ``featured`` is the judge whose sheets in the ``showcase`` unit this year follow
        :data:`FEATURED_SHEETS` (and who gets no others); the showcase unit keeps its
        report in progress with a few recommendations chosen."""
        rng = self.rng
        rubric = rubric_for(campaign=campaign, stage=Stage.UNIT)
        criteria = list(rubric.criteria.all())
        engine = engine_criteria(rubric)
        current = campaign.year >= self.today.year
        reviewed = sorted(
            (a for a in applications if a.state in REVIEWED_STATES), key=lambda a: a.number
        )
        showcase_pk = self.units[showcase].pk if showcase in self.units else None
        designated: dict[int, str] = {}
        if featured is not None and current and showcase_pk is not None:
            pool = [
                a
                for a in reviewed
                if a.recommending_unit_id == showcase_pk
                and a.state == S.SUBMITTED
                and a.organisation_id != featured.employer_organisation_id
            ]
            # Every other one, so that the unit also has fully scored ones without them.
            designated = {
                a.pk: status for a, status in zip(pool[::2], FEATURED_SHEETS, strict=False)
            }
        showcased = 0  # the showcase unit's first few others are fully scored
        sheets: list[ScoreSheet] = []
        points: list[dict[int, Decimal]] = []
        for app in reviewed:
            panel = panels[app.recommending_unit_id]
            eligible = [
                j
                for j in panel.judges
                if j.user_id is not None
                and j.employer_organisation_id != app.organisation_id
                and j is not featured
            ]
            high = min(JUDGES_PER_APPLICATION[1], len(eligible))
            chosen = rng.sample(eligible, rng.randint(min(JUDGES_PER_APPLICATION[0], high), high))
            finished = 0.45
            if app.recommending_unit_id == showcase_pk and app.pk not in designated:
                finished = 1.0 if showcased < 5 else 0.55
                showcased += app.state == S.SUBMITTED
            statuses = self._sheet_statuses(app.state, len(chosen), finished=finished)
            if app.pk in designated and featured is not None:
                chosen = [featured, *chosen[: max(1, len(chosen) - 1)]]
                statuses = [designated[app.pk], *statuses[: len(chosen) - 1]]
            quality = rng.uniform(*QUALITY[app.state])
            assert app.submitted_at is not None
            assigned, until = self._review_window(campaign, app.submitted_at)
            for judge, status in zip(chosen, statuses, strict=True):
                if judge.pk not in self._bias:
                    self._bias[judge.pk] = rng.uniform(-0.05, 0.05)
                share = quality + self._bias[judge.pk]
                if status == SheetStatus.SUBMITTED:
                    scored = criteria
                elif status == SheetStatus.DRAFT:
                    scored = rng.sample(criteria, rng.randint(1, len(criteria) - 1))
                else:
                    scored = []
                values = {c.pk: self._points(c.max_points, share) for c in scored}
                texts = self._sheet_texts(app, share) if scored else ("", "", "")
                worked = assigned + (until - assigned) * rng.uniform(0.1, 0.9)
                sheet = ScoreSheet(
                    application=app,
                    judge=judge,
                    stage=Stage.UNIT,
                    status=status,
                    assigned_at=assigned,
                    assigned_by=panel.admin,
                    updated_at=worked if scored else assigned,
                )
                if status == SheetStatus.SUBMITTED:
                    sheet.conformity, sheet.features, sheet.shortcomings = texts
                    # As scoring.services.sheet_save computes it.
                    sheet.total = aggregation.weighted_total(
                        {str(k): v for k, v in values.items()}, engine
                    )
                    sheet.submitted_at = worked
                elif status == SheetStatus.DRAFT:
                    sheet.conformity = texts[0]  # still writing the rest
                sheets.append(sheet)
                points.append(values)
        bulk_create_dated(ScoreSheet, sheets, keep=self.backdate)
        CriterionScore.objects.bulk_create(
            [
                CriterionScore(sheet=sheet, criterion_id=criterion_id, points=value)
                for sheet, values in zip(sheets, points, strict=True)
                for criterion_id, value in values.items()
            ],
            batch_size=2000,
        )
        self._reports(
            campaign,
            reviewed,
            sheets,
            panels=panels,
            done_units=done_units,
            showcase_pk=showcase_pk,
            normalise=rubric.normalise_judges,
        )

    def _report_file(self, campaign: Campaign, unit_pk: int) -> str:
        if self._report_pdf is None:
            self._report_pdf = stamped_sample_pdf(
                "质量信得过班组建设经验推荐表（附件5）",
                "演示数据：推荐单位盖章推荐表扫描件样例，非真实文件。",
            )
        return default_storage.save(
            f"{UNIT_REPORT_DIR}/{campaign.year}-{unit_pk}.pdf", ContentFile(self._report_pdf)
        )

    def _reports(
        self,
        campaign: Campaign,
        applications: Sequence[Application],
        sheets: Sequence[ScoreSheet],
        *,
        panels: dict[int, Panel],
        done_units: set[int],
        showcase_pk: int | None,
        normalise: bool,
    ) -> None:
        """Each unit's 附件5: units that decided have submitted it (signed, declared,
        stamped) with their recommended applications in the order of the ranking; the
        showcase unit has a draft with a few of its best fully scored applications chosen;
        other units still reviewing have a draft (sometimes with a choice or two) or none
        yet. Recommendations respect the per-organisation quota."""
        rng = self.rng
        quota = campaign.default_recommend_quota
        by_unit: dict[int, list[Application]] = defaultdict(list)
        for app in applications:
            by_unit[app.recommending_unit_id].append(app)
        by_application: dict[int, list[ScoreSheet]] = defaultdict(list)
        for sheet in sheets:
            by_application[sheet.application.pk].append(sheet)
        reports: list[UnitRecommendationReport] = []
        chosen_by_report: list[list[Application]] = []
        spans: list[tuple[datetime, datetime]] = []  # when each unit's choices were made
        for unit_pk, apps in sorted(by_unit.items()):
            panel = panels[unit_pk]
            of_unit = {a.pk: a for a in apps}
            ranked = aggregation.evaluate(
                [
                    aggregation.JudgeScore(s.judge.pk, a.pk, s.total)
                    for a in apps
                    for s in by_application[a.pk]
                    if s.total is not None
                ],
                groups={a.pk: "unit" for a in apps},
                normalise_judges=normalise,
                tiebreaks={a.pk: (a.number,) for a in apps},
            )
            order = [of_unit[r.application_id] for r in ranked]  # best first
            worked = [s.submitted_at for a in apps for s in by_application[a.pk] if s.submitted_at]
            last = max(worked, default=self.now - timedelta(days=1))
            report = UnitRecommendationReport(unit=panel.unit, campaign=campaign)
            if unit_pk in done_units:
                chosen = [a for a in order if a.state in RECOMMENDED_STATES]
                if campaign.year >= self.today.year:
                    at = last + (self.now - last) * rng.uniform(0.2, 0.8)
                else:
                    closes = year_window(campaign.year, PhaseKind.RECOMMENDATION)[1]
                    at = closes - timedelta(days=rng.randint(1, 5), hours=rng.randint(6, 12))
                report.status = ReportStatus.SUBMITTED
                report.filler_name = panel.admin.name
                report.filler_phone = f"021-{rng.randint(5000_0000, 6999_9999)}"
                report.fill_date = timezone.localtime(at).date()
                report.no_fee_declared = report.declaration_accepted = True
                report.version = rng.randint(2, 6)
                report.submitted_at = at
                report.submitted_by = panel.admin
                if self.with_files:
                    report.stamped_scan.name = self._report_file(campaign, unit_pk)
                    report.stamped_scan_name = f"{panel.unit.name}-盖章推荐表.pdf"
            else:
                complete = [
                    a
                    for a in order
                    if a.state == S.SUBMITTED
                    and len(by_application[a.pk]) >= max(campaign.min_unit_judge_sheets, 1)
                    and all(s.status == SheetStatus.SUBMITTED for s in by_application[a.pk])
                ]
                if unit_pk == showcase_pk:  # a few chosen, others left to choose
                    wanted = max(1, min(rng.randint(3, 4), len(complete) - 2)) if complete else 0
                    report.filler_name = panel.admin.name
                    report.filler_phone = f"021-{rng.randint(5000_0000, 6999_9999)}"
                elif rng.random() < 0.5:
                    wanted = rng.randint(0, min(2, len(complete) // 2))
                else:
                    continue  # no report yet
                taken: Counter[int] = Counter()
                chosen = []
                for a in complete:
                    if len(chosen) < wanted and taken[a.organisation_id] < quota:
                        taken[a.organisation_id] += 1
                        chosen.append(a)
                report.version = 1 + len(chosen)
                at = self.now
            reports.append(report)
            chosen_by_report.append(chosen)
            spans.append((min(last, at), max(last, at)))
        UnitRecommendationReport.objects.bulk_create(reports)
        recommendations = []
        for report, chosen, (start, end) in zip(reports, chosen_by_report, spans, strict=True):
            admin = panels[report.unit_id].admin
            for position, app in enumerate(chosen, start=1):
                recommendations.append(
                    Recommendation(
                        report=report,
                        application=app,
                        opinion=self._opinion(app),
                        position=position,
                        created_by=admin,
                        created_at=start + (end - start) * rng.uniform(0.1, 0.9),
                    )
                )
        bulk_create_dated(Recommendation, recommendations, keep=self.backdate)
        if showcase_pk is not None and showcase_pk in by_unit:
            recommended = {r.application.pk for r in recommendations}
            visits = [
                a
                for a in by_unit[showcase_pk]
                if a.state == S.SUBMITTED and a.pk not in recommended
            ][:2]
            UnitNote.objects.bulk_create(
                [
                    UnitNote(
                        application=app,
                        on_site_review=True,
                        on_site_date=self.today + timedelta(days=3 + 4 * i),
                        on_site_notes=ON_SITE_NOTES[i % len(ON_SITE_NOTES)],
                    )
                    for i, app in enumerate(visits)
                ]
            )


class DemoBuilder(ReviewStage):
    """Builds the demo's rows quickly (bulk inserts) and consistently with the rules.

    ``numbering`` gives each application its 编号 (default: the service's
    ``application_number_next``); ``with_files`` writes a sample stamped scan for each
    application that needs one; ``backdate`` spreads created/updated times over the year.
    """
