"""Demo courses (called by ``seed_demo``): the standard explained, writing the materials,
QC tools; applicant A has chosen one and done a lesson."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xinban.learning.models import Course, Enrollment, Lesson, LessonProgress

if TYPE_CHECKING:
    from xinban.core.management.commands.seed_demo import DemoContext

COURSES = [
    (
        "《质量信得过班组建设准则》（T/CAQ 10204-2017）解读",
        "逐条解读准则的要求，结合优秀班组案例说明如何对照准则开展建设。",
        [
            ("准则的结构与要求", "link", "https://www.caq.org.cn/"),
            ("案例讲解：制造业质检班组", "video", ""),
        ],
    ),
    (
        "建设经验材料撰写要点",
        "六方面创建材料怎样写：班组概况、基础管理、技能提升、质量改进、成果和荣誉。",
        [("材料结构与常见问题", "document", ""), ("优秀材料示例", "document", "")],
    ),
    (
        "QC 工具与数据分析入门",
        "排列图、因果图、控制图等常用工具在班组改进中的应用。",
        [
            ("七种工具概览", "video", ""),
            ("练习：用排列图找主要问题", "link", "https://example.com/qc"),
        ],
    ),
]


def seed(ctx: DemoContext) -> None:
    # Courses are not tied to a year; --reset removes them with the demo users only.
    Course.objects.filter(title__in=[c[0] for c in COURSES]).delete()
    courses = []
    for position, (title, description, lessons) in enumerate(COURSES):
        course = Course.objects.create(
            title=title, description=description, published=True, position=position
        )
        Lesson.objects.bulk_create(
            [
                Lesson(course=course, title=name, kind=kind, url=url, position=n)
                for n, (name, kind, url) in enumerate(lessons)
            ]
        )
        courses.append(course)
    a = ctx.user("applicant-a@demo.saq")
    Enrollment.objects.create(course=courses[0], user=a)
    first = courses[0].lessons.order_by("position").first()
    if first is not None:
        LessonProgress.objects.create(lesson=first, user=a)
