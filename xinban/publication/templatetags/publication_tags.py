from __future__ import annotations

from django import template

from xinban.publication.models import Notice
from xinban.publication.selectors import notices_latest

register = template.Library()


@register.simple_tag
def latest_notices(limit: int = 5) -> list[Notice]:
    return notices_latest(limit)
