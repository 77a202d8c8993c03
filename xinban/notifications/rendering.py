"""Rendering an event's e-mail in a language: the staff's edit if there is one, else the
default template file. Placeholders are Django template variables ({{ team_name }});
each event allows the ones its default text uses."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import get_template, render_to_string
from django.utils import translation

from xinban.notifications.models import EmailTemplate

PLACEHOLDER = re.compile(r"{{\s*([A-Za-z_][A-Za-z0-9_]*)")


def template_dir() -> Path:
    return Path(settings.BASE_DIR) / "xinban" / "templates" / "notifications"


def event_keys() -> list[str]:
    return sorted(p.stem for p in template_dir().glob("*.txt"))


@cache
def default_text(key: str) -> str:
    source = get_template(f"notifications/{key}.txt").template.source  # type: ignore[attr-defined]
    return str(source)


def allowed_placeholders(key: str) -> set[str]:
    """The context variables the event's default text uses (not the aliases its
    ``blocktranslate with alias=…`` introduces)."""
    text = default_text(key)
    roots = (
        set(PLACEHOLDER.findall(text))
        | set(re.findall(r"=\s*([A-Za-z_][A-Za-z0-9_]*)", text))
        | set(re.findall(r"{%\s*if\s+(?:not\s+)?([A-Za-z_][A-Za-z0-9_]*)", text))
    )
    aliases = set(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=", text))
    return roots - aliases


def placeholder_problems(key: str, text: str) -> list[str]:
    """Unknown placeholders in ``text`` and template syntax errors, as messages."""
    problems = [name for name in sorted(set(PLACEHOLDER.findall(text)) - allowed_placeholders(key))]
    messages = [f"{{{{ {name} }}}}" for name in problems]
    try:
        Template(text)
    except TemplateSyntaxError as exc:
        messages.append(str(exc))
    return messages


def split(text: str) -> tuple[str, str]:
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def render_email(key: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    override = EmailTemplate.objects.filter(key=key).first()
    with translation.override(language):
        if override is not None:
            english = language == "en" and override.subject_en and override.body_en
            subject = override.subject_en if english else override.subject_zh
            body = override.body_en if english else override.body_zh
            ctx = Context(context, autoescape=False)
            return (
                Template(subject).render(ctx).strip(),
                Template(body).render(ctx).strip() + "\n",
            )
        return split(render_to_string(f"notifications/{key}.txt", context))
