"""A fixed-window request counter in Django's default cache, shared by the API's rate
limits (xinban.api.throttling) and anonymous downloads of public lists (xinban.exports).

With the default in-process cache each server process counts on its own; configure a
shared cache (Redis, the database cache) where a limit must hold across processes."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds to the end of the window


def hit(ident: str, *, limit: int, window: int) -> Verdict:
    """Count one request of ``ident`` in the current window; a ``limit`` of 0 or less
    means no limit."""
    window = max(1, window)
    now = time.time()
    slot = int(now // window)
    retry_after = max(1, math.ceil((slot + 1) * window - now))
    if limit <= 0:
        return Verdict(True, retry_after)
    key = f"xinban:rate:{ident}:{window}:{slot}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return Verdict(count <= limit, retry_after)
