"""The ``seed_demo`` command: options, the common demo data, then each area's ``demo.seed``
(docs/architecture.md, "Extension points")."""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from xinban.accounts.models import User
from xinban.applications.models import (
    Application,
    ApplicationRevision,
    ApplicationState,
)
from xinban.campaigns.models import (
    Campaign,
    Phase,
)
from xinban.core.areas import area_modules
from xinban.core.models import AuditEntry
from xinban.ops.demo_data.context import (
    DemoContext,
)
from xinban.ops.demo_data.places import (
    D_MANUFACTURING,
    D_MARKET,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DISTRICT_BY_NAME,
    MARKER_SEED,
    S,
)
from xinban.ops.demo_data.plans import (
    CURRENT_STATE_WEIGHTS,
    FEATURED_UNIT,
    LOGINS,
    OPEN_UNITS,
    PAST_STATE_WEIGHTS,
    AppPlan,
    OrgPlan,
)
from xinban.ops.demo_data.reset import (
    demo_reset,
    latest_marker,
)
from xinban.ops.demo_data.review import (
    DemoBuilder,
)
from xinban.ops.demo_data.summary import (
    table,
)
from xinban.organisations.models import (
    GuidingUnit,
    Organisation,
    OrganisationMembership,
    RecommendingUnit,
    Registration,
    UnitMembership,
    UnitRole,
)
from xinban.recommendation.models import (
    Recommendation,
    ReportStatus,
    UnitRecommendationReport,
)
from xinban.scoring.models import ScoreSheet, SheetStatus


class SeedDemoCommand(BaseCommand):
    """``manage.py seed_demo`` (xinban/ops/management/commands/seed_demo.py is its entry
    point)."""

    help = "载入演示数据（本年度各阶段均开放，另有两个已发布的往年）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="先清除上次载入的演示数据")
        parser.add_argument("--organisations", type=int, default=200, help="申报单位数（默认 200）")
        parser.add_argument(
            "--applications", type=int, default=None, help="本年度申报数（默认 单位数×2）"
        )
        parser.add_argument(
            "--past-applications",
            type=int,
            default=None,
            help="每个往年的申报数（默认 单位数×3/4）",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机数种子")
        parser.add_argument(
            "--no-files", action="store_true", help="不写盖章申报表样例文件（更快）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        organisations = max(2, options["organisations"])
        current_target = options["applications"]
        if current_target is None:
            current_target = organisations * 2
        past_target = options["past_applications"]
        if past_target is None:
            past_target = organisations * 3 // 4
        with transaction.atomic():
            marker = latest_marker()
            if marker is not None and marker.action == MARKER_SEED:
                if not options["reset"]:
                    self.stdout.write(
                        f"演示数据已于 {timezone.localtime(marker.at):%Y-%m-%d %H:%M} 载入，"
                        "本次未做任何修改。需要重新生成请使用 --reset。"
                    )
                    return
                counts = demo_reset(marker)
                self.stdout.write(
                    "已清除上次的演示数据：" + "，".join(f"{k} {v}" for k, v in counts.items())
                )
            year = timezone.localdate().year
            self._refuse_conflicts(year)
            builder = DemoBuilder(
                rng=random.Random(options["seed"]), with_files=not options["no_files"]
            )
            campaigns = self._build(builder, year, organisations, current_target, past_target)
            context = DemoContext(builder=builder, year=year, campaigns=campaigns)
            for area in area_modules("demo"):
                area.seed(context)
            AuditEntry.objects.create(
                action=MARKER_SEED,
                actor_repr="system",
                object_type="core.demo",
                object_id=str(year),
                object_repr="演示数据",
                changes=builder.created.as_json(),
            )
        self._summary(builder, time.monotonic() - started)

    def _refuse_conflicts(self, year: int) -> None:
        years = [year, year - 1, year - 2]
        taken = list(Campaign.objects.filter(year__in=years).values_list("year", flat=True))
        if taken:
            raise CommandError(
                f"数据库中已有 {sorted(taken)} 年度的活动（不是演示数据），演示数据未载入。"
                "演示数据需要一个空数据库。"
            )
        emails = [login.email for login in LOGINS]
        users = list(User.objects.filter(email__in=emails).values_list("email", flat=True))
        if users:
            raise CommandError(f"演示账号已存在：{', '.join(users)}；演示数据未载入。")

    def _build(
        self, builder: DemoBuilder, year: int, organisations: int, current: int, past: int
    ) -> dict[int, Campaign]:
        rng = builder.rng
        builder.ensure_units()
        guiding = builder.ensure_guiding_units()
        campaigns = {
            year - 2: builder.campaign(year - 2, open_now=False),
            year - 1: builder.campaign(year - 1, open_now=False),
            year: builder.campaign(year, open_now=True),
        }

        # People.
        users = {login.email: login for login in LOGINS}
        staff = builder.user(
            users["staff@demo.saq"], is_association_staff=True, is_staff=True, is_superuser=True
        )
        applicant_a = builder.user(users["applicant-a@demo.saq"], mobile="13916880001")
        applicant_b = builder.user(users["applicant-b@demo.saq"], mobile="13816880002")
        unit_x = builder.user(users["unit-x@demo.saq"])
        unit_y = builder.user(users["unit-y@demo.saq"])
        judge = builder.user(users["judge@demo.saq"], mobile="13761880006")
        builder.user(users["expert@demo.saq"])
        guide = builder.user(users["guide@demo.saq"])
        del staff
        # The judge is on 浦东新区's panel (below), not a member of the unit: a judge sees
        # only the applications assigned to them.
        UnitMembership.objects.bulk_create(
            [
                UnitMembership(unit=builder.units["浦东新区"], user=unit_x, role=UnitRole.ADMIN),
                UnitMembership(unit=builder.units["黄浦区"], user=unit_y, role=UnitRole.ADMIN),
            ]
        )
        guiding[0].members.add(guide)

        # Organisations: A and B first, then the generated ones.
        plan_a = OrgPlan(
            name="上海浦江智能装备股份有限公司",
            short_name="浦江智能装备",
            slug="pujiang-zhineng",
            district=DISTRICT_BY_NAME["浦东新区"],
            domain=D_MANUFACTURING,
            nature="民营",
            industries=("高端装备", "人工智能"),
            unit="浦东新区",
            is_member=True,
            is_high_tech=True,
            department="质量管理部",
            promoter_name=applicant_a.name,
            promoter_email=applicant_a.email,
            promoter_mobile=applicant_a.mobile,
            promoter_position="质量管理部 经理",
            address="上海市浦东新区张江路1188号",
            postcode="201203",
        )
        plan_b = OrgPlan(
            name="上海外滩数字信息服务有限公司",
            short_name="外滩数字",
            slug="waitan-shuzi",
            district=DISTRICT_BY_NAME["黄浦区"],
            domain=D_MARKET,
            nature="国有",
            industries=("创新数字赋能信息服务", "金融"),
            unit="黄浦区",
            is_member=False,
            department="运营管理部",
            promoter_name=applicant_b.name,
            promoter_email=applicant_b.email,
            promoter_mobile=applicant_b.mobile,
            promoter_position="运营管理部 主管",
            address="上海市黄浦区河南南路288号",
            postcode="200002",
        )
        builder.used_names |= {plan_a.name, plan_b.name}
        plans = [plan_a, plan_b] + [builder.plan_organisation() for _ in range(organisations - 2)]
        orgs = builder.create_organisations(plans)
        org_a, org_b = orgs[0], orgs[1]
        OrganisationMembership.objects.bulk_create(
            [
                OrganisationMembership(organisation=org_a, user=applicant_a),
                OrganisationMembership(organisation=org_b, user=applicant_b),
            ]
        )

        # Registrations: past years for most, the current year for all.
        others = orgs[2:]
        registered: dict[int, list[Organisation]] = {}
        seen: set[int] = set()
        for y in (year - 2, year - 1):
            chosen = [o for o in others if rng.random() < 0.65]
            registered[y] = [org_a, *([org_b] if y == year - 1 else []), *chosen]
        registered[year] = list(orgs)
        regs: dict[int, list[Registration]] = {}
        for y in (year - 2, year - 1, year):
            regs[y] = builder.register(campaigns[y], registered[y], continuing=set(seen))
            seen |= {o.pk for o in registered[y]}

        # Fixed applications of A and B (their users created them).
        types = {t.name: t for t in builder.team_types}

        def fixed(
            reg: Registration, actor: User, unit: str, rows: list[tuple[str, str, str]]
        ) -> list[AppPlan]:
            result = []
            for type_name, team_name, state in rows:
                created, submitted = builder._times(reg.campaign, state)
                result.append(
                    AppPlan(
                        registration=reg,
                        unit=builder.units[unit],
                        team_type=types[type_name],
                        team_name=team_name,
                        state=state,
                        created_at=created,
                        submitted_at=submitted,
                        actor=actor,
                    )
                )
            return result

        def reg_of(y: int, organisation: Organisation) -> Registration:
            return next(r for r in regs[y] if r.organisation_id == organisation.pk)

        fixed_plans: dict[int, dict[int, list[AppPlan]]] = {
            year: {
                org_a.pk: fixed(
                    reg_of(year, org_a),
                    applicant_a,
                    "浦东新区",
                    [
                        ("技术研发型", "智能产线工艺技术室", S.DRAFT),
                        ("生产操作型", "总装一班", S.SUBMITTED),
                        ("管理型", "质量管理室", S.RETURNED),
                    ],
                ),
                org_b.pk: fixed(
                    reg_of(year, org_b),
                    applicant_b,
                    "黄浦区",
                    [
                        ("服务型", "客户服务热线班", S.DRAFT),
                        ("技术研发型", "软件测试组", S.SUBMITTED),
                    ],
                ),
            },
            year - 1: {
                org_a.pk: fixed(
                    reg_of(year - 1, org_a),
                    applicant_a,
                    "浦东新区",
                    [
                        ("生产操作型", "精密装配组", S.SELECTED),
                        ("技术研发型", "新产品研发组", S.TYPICAL),
                    ],
                ),
                org_b.pk: fixed(
                    reg_of(year - 1, org_b),
                    applicant_b,
                    "黄浦区",
                    [
                        ("服务型", "营业厅服务班", S.SELECTED),
                    ],
                ),
            },
            year - 2: {
                org_a.pk: fixed(
                    reg_of(year - 2, org_a),
                    applicant_a,
                    "浦东新区",
                    [
                        ("管理型", "计划调度室", S.NOT_SELECTED),
                    ],
                ),
            },
        }
        applications: dict[int, list[Application]] = {}
        decided_units: dict[int, set[int]] = {}
        for y in (year - 2, year - 1, year):
            fixed_here = fixed_plans[y]
            generated = builder.plan_applications(
                campaigns[y],
                [r for r in regs[y] if r.organisation_id not in fixed_here],
                target=max(
                    0, (current if y == year else past) - sum(map(len, fixed_here.values()))
                ),
                weights=CURRENT_STATE_WEIGHTS if y == year else PAST_STATE_WEIGHTS,
            )
            year_plans = [p for ps in fixed_here.values() for p in ps] + generated
            decided_units[y] = builder.settle_unit_states(
                campaigns[y], year_plans, still_open=OPEN_UNITS if y == year else ()
            )
            applications[y] = builder.create_applications(year_plans)
        # Some organisations registered this year without applying (yet).
        applying = set(
            Application.objects.filter(campaign=campaigns[year]).values_list(
                "organisation_id", flat=True
            )
        )
        idle = [r.pk for r in regs[year] if r.organisation_id not in applying]
        Registration.objects.filter(pk__in=idle[: len(idle) // 2]).update(
            applies_with_experience=False
        )

        # The recommending units: admins, judge panels, score sheets, 附件5 reports.
        admins = builder.unit_admins({"浦东新区": unit_x, "黄浦区": unit_y})
        applicants: dict[int, list[Organisation]] = defaultdict(list)
        for app in applications[year]:
            if app.organisation not in applicants[app.recommending_unit_id]:
                applicants[app.recommending_unit_id].append(app.organisation)
        panels = builder.judge_panels(
            admins, applicants=applicants, featured=(judge, FEATURED_UNIT)
        )
        featured = panels[builder.units[FEATURED_UNIT].pk].judges[0]
        for y in (year - 2, year - 1, year):
            builder.review(
                campaigns[y],
                applications[y],
                panels=panels,
                done_units=decided_units[y],
                featured=featured,
                showcase=FEATURED_UNIT if y == year else None,
            )
        return campaigns

    def _summary(self, builder: DemoBuilder, seconds: float) -> None:
        campaign_ids = builder.created.campaign_ids
        sheets = ScoreSheet.objects.filter(application__campaign_id__in=campaign_ids)
        sheets_submitted = sheets.filter(status=SheetStatus.SUBMITTED).count()
        reports = Counter(
            UnitRecommendationReport.objects.filter(campaign_id__in=campaign_ids).values_list(
                "status", flat=True
            )
        )
        reports_submitted = reports[ReportStatus.SUBMITTED]
        reports_draft = reports[ReportStatus.DRAFT]
        rows: list[Sequence[object]] = [("年度", "报名表", "申报", "各状态")]
        for campaign in Campaign.objects.filter(pk__in=campaign_ids).order_by("-year"):
            states = Counter(
                Application.objects.filter(campaign=campaign).values_list("state", flat=True)
            )
            labels = dict(ApplicationState.choices)
            rows.append(
                (
                    campaign.year,
                    Registration.objects.filter(campaign=campaign).count(),
                    sum(states.values()),
                    "、".join(
                        f"{labels[s]} {n}" for s, n in sorted(states.items(), key=lambda x: -x[1])
                    ),
                )
            )
        self.stdout.write("")
        self.stdout.write(
            table(
                [
                    ("项目", "数量"),
                    ("活动年度", len(campaign_ids)),
                    ("阶段", Phase.objects.filter(campaign_id__in=campaign_ids).count()),
                    ("推荐单位", RecommendingUnit.objects.count()),
                    ("指导单位", GuidingUnit.objects.count()),
                    ("申报单位", len(builder.created.organisation_ids)),
                    (
                        "提交版本",
                        ApplicationRevision.objects.filter(
                            application__campaign_id__in=campaign_ids
                        ).count(),
                    ),
                    ("评委", len(builder.created.judge_ids)),
                    ("评分表（已提交 / 全部）", f"{sheets_submitted} / {sheets.count()}"),
                    ("推荐表（已报送 / 填写中）", f"{reports_submitted} / {reports_draft}"),
                    (
                        "推荐",
                        Recommendation.objects.filter(report__campaign_id__in=campaign_ids).count(),
                    ),
                    ("演示账号", len(LOGINS)),
                    (
                        "其他账号（推荐单位管理员、评委；无密码）",
                        len(builder.created.user_ids) - len(LOGINS),
                    ),
                ]
            )
        )
        self.stdout.write("")
        self.stdout.write(table(rows))
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        self.stdout.write(
            table([("账号", "姓名", "角色"), *((x.email, x.name, x.role) for x in LOGINS)])
        )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"演示数据已载入，用时 {seconds:.1f} 秒。"))
