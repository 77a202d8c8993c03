"""Demo courses (called by ``seed_demo``): the standard explained, writing the materials,
QC tools, the presentation video — with documents (small PDF handouts written here),
videos given by link, and links; applicant A has chosen two courses and done some
lessons, applicant B one."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile

from xinban.core.fonts import register_cjk_font
from xinban.core.uploads import safe_storage_name
from xinban.learning.models import Course, Enrollment, Lesson, LessonProgress

if TYPE_CHECKING:
    from xinban.ops.demo_data import DemoContext

# (title, description, [(lesson, kind, url, handout lines)])
COURSES: list[tuple[str, str, list[tuple[str, str, str, list[str]]]]] = [
    (
        "《质量信得过班组建设准则》（T/CAQ 10204-2017）解读",
        "逐条解读准则的要求，结合优秀班组案例说明如何对照准则开展建设。",
        [
            (
                "准则的结构与要求（讲义）",
                "document",
                "",
                [
                    "一、准则的适用范围与术语",
                    "二、班组基础管理：制度、职责、现场管理",
                    "三、班组成员能力：知识、技能、工具方法",
                    "四、质量改进与创新：QC 小组、合理化建议",
                    "五、管理特色与业绩评价",
                ],
            ),
            ("案例讲解：制造业质检班组", "video", "https://www.saq.org.cn/", []),
            ("准则全文（团体标准信息平台）", "link", "https://www.ttbz.org.cn/", []),
        ],
    ),
    (
        "建设经验材料撰写要点",
        "六方面创建材料怎样写：班组概况、基础管理、技能提升、质量改进、管理特色和荣誉。",
        [
            (
                "材料结构与常见问题（讲义）",
                "document",
                "",
                [
                    "材料须与申报表内容一致，数据真实、可追溯",
                    "班组概况：人员组成、职责、主要工作内容、文化和愿景",
                    "基础管理：制度执行、现场管理、标准化作业",
                    "常见问题：只写做法不写成效；荣誉与班组无关",
                ],
            ),
            (
                "优秀材料示例（节选）",
                "document",
                "",
                ["示例：某电力检修班“零缺陷”建设经验", "示例：某医院护理组质量改进案例"],
            ),
        ],
    ),
    (
        "QC 工具与数据分析入门",
        "排列图、因果图、控制图等常用工具在班组质量改进中的应用。",
        [
            ("七种工具概览", "video", "https://www.saq.org.cn/", []),
            (
                "练习：用排列图找出主要问题（讲义）",
                "document",
                "",
                ["步骤 1：收集一个月的缺陷数据", "步骤 2：按类别排序并计算累计百分比"],
            ),
        ],
    ),
    (
        "典型经验发表视频制作指引",
        "入围典型经验的班组如何准备发表视频：内容结构、时长、画面和字幕要求。",
        [
            ("发表视频的要求", "link", "https://www.saq.org.cn/", []),
        ],
    ),
]


def _handout(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with the course's Chinese text (the platform's embedded CJK font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    try:
        font = register_cjk_font()
    except RuntimeError:  # no CJK font installed: still a valid PDF
        font = "Helvetica"
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    pdf.setFont(font, 16)
    pdf.drawString(60, 780, title)
    pdf.setFont(font, 11)
    for n, line in enumerate([*lines, "", "上海市质量协会 会员与质量推进部"]):
        pdf.drawString(60, 740 - 22 * n, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def seed(ctx: DemoContext) -> None:
    # Courses are not tied to a year; a second run (--reset) replaces them by title.
    for old in Lesson.objects.filter(course__title__in=[c[0] for c in COURSES]).exclude(file=""):
        old.file.delete(save=False)
    Course.objects.filter(title__in=[c[0] for c in COURSES]).delete()
    courses = []
    for position, (title, description, lessons) in enumerate(COURSES):
        course = Course.objects.create(
            title=title, description=description, published=True, position=position
        )
        for n, (name, kind, url, lines) in enumerate(lessons):
            lesson = Lesson(course=course, title=name, kind=kind, url=url, position=n)
            if kind == "document":
                filename = f"{name}.pdf"
                lesson.file.save(
                    safe_storage_name(filename, ext="pdf"),
                    ContentFile(_handout(name, lines)),
                    save=False,
                )
                lesson.original_name = filename
            lesson.save()
        courses.append(course)
    a, b = ctx.user("applicant-a@demo.saq"), ctx.user("applicant-b@demo.saq")
    Enrollment.objects.bulk_create(
        [
            Enrollment(course=courses[0], user=a),
            Enrollment(course=courses[1], user=a),
            Enrollment(course=courses[2], user=b),
        ]
    )
    done = list(courses[0].lessons.order_by("position")[:2]) + [
        courses[1].lessons.order_by("position").first()
    ]
    LessonProgress.objects.bulk_create(
        [LessonProgress(lesson=lesson, user=a) for lesson in done if lesson is not None]
    )
