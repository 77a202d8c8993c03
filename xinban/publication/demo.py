"""Demo data of publication (called by ``seed_demo``): the association's notices, the two
published past years in the case library (most organisations agreeing to show a summary,
some the full materials), and certificates for applicant A's past experiences."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from xinban.applications.models import Application
from xinban.organisations.models import OrganisationMembership
from xinban.publication.models import ConsentScope, Notice, PublicationConsent
from xinban.publication.selectors import RESULT_STATES
from xinban.publication.services import case_entries_rebuild, certificate_for

if TYPE_CHECKING:
    from xinban.ops.demo_data import DemoContext


def seed(ctx: DemoContext) -> None:
    rng = ctx.builder.rng
    now = timezone.now()
    year = ctx.year
    current = ctx.campaigns[year]
    current.contact_name = "陈老师"
    current.contact_phone = "021-6888 0000"
    current.save(update_fields=["contact_name", "contact_phone"])
    Notice.objects.bulk_create(
        [
            Notice(
                title=f"关于开展{year}年上海市“质量信得过班组”建设活动的通知",
                campaign=current,
                body=(
                    "各区市场监管局、各行业协会、各企业集团：\n\n"
                    f"{year}年上海市质量信得过班组建设活动现已启动，请各申报单位在平台完成报名"
                    "和成果申报，各推荐单位按时完成评审推荐工作。\n\n"
                    "## 一、活动安排\n\n"
                    "- **活动报名**：在平台填写报名表（附件2）\n"
                    "- **成果申报**：在平台填写申报表（附件3），上传盖章扫描件\n"
                    "- **成果推荐**：推荐单位评审后报送推荐表（附件5）、成果统计表（附件6）"
                    "和推进工作总结（附件7）\n\n"
                    "## 二、表格下载\n\n"
                    "各附件的空白表格可在本页下方下载。"
                ),
                published_at=now - timedelta(days=40),
            ),
            Notice(
                title="质量信得过班组建设活动推进及成果申报说明会通知",
                body="说明会将介绍申报要求、材料撰写要点和平台操作，欢迎各单位质量管理人员报名参加。",
                published_at=now - timedelta(days=30),
            ),
            Notice(
                title=f"{year - 1}年上海市质量信得过班组建设成果发布",
                body=f"{year - 1}年建设经验和典型经验名单已发布，可在“结果公布”和“案例库”中查看。",
                published_at=now - timedelta(days=300),
            ),
        ]
    )
    applicant_a = ctx.user("applicant-a@demo.saq")
    for past in (year - 2, year - 1):
        campaign = ctx.campaigns[past]
        applications = list(
            Application.objects.filter(campaign=campaign, state__in=RESULT_STATES).only(
                "pk", "organisation_id"
            )
        )
        PublicationConsent.objects.bulk_create(
            [
                PublicationConsent(
                    application=app,
                    scope=rng.choices(
                        [ConsentScope.NAMES, ConsentScope.SUMMARY, ConsentScope.FULL],
                        weights=[2, 6, 2],
                    )[0],
                )
                for app in applications
            ]
        )
        case_entries_rebuild(campaign=campaign)
        mine = OrganisationMembership.objects.filter(user=applicant_a).values("organisation_id")
        for app in Application.objects.filter(
            campaign=campaign, state__in=RESULT_STATES, organisation_id__in=mine
        ):
            certificate_for(app)
