"""The real certificate batch, slowed (``XINBAN_TEST_CERTIFICATE_PAUSE`` seconds after
each certificate) so that a fault test can kill its worker in the middle of the batch.
Loaded by a worker through XINBAN_TASK_MODULES; the handler itself is unchanged."""

from __future__ import annotations

import os
import time
from typing import Any

from xinban.publication import tasks

_real = tasks.certificate_file


def _paused(certificate: Any) -> Any:
    result = _real(certificate)
    time.sleep(float(os.environ.get("XINBAN_TEST_CERTIFICATE_PAUSE", "0.1")))
    return result


tasks.certificate_file = _paused
