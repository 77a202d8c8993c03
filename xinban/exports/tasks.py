"""Large exports run as background tasks (the same spec and permissions, re-checked for
the user who asked)."""

from __future__ import annotations

import tempfile

from django.core.files import File

from xinban.accounts.models import User
from xinban.exports.registry import SPECS
from xinban.exports.writer import write_xlsx
from xinban.tasks.api import TaskContext, background


@background
def xlsx(context: TaskContext, *, kind: str, params: dict[str, str], user_id: int) -> None:
    """An export to Excel for ``user_id`` (its creator), stored as the result file."""
    spec = SPECS[kind]
    user = User.objects.get(pk=user_id)
    context.set_total(spec.count(user, params))
    context.set_progress(0)  # an export starts over (it has nothing to resume)
    with tempfile.TemporaryFile() as spool:
        write_xlsx(
            spool,
            title=str(spec.title),
            headers=spec.headers(),
            rows=spec.rows(user, params),
            progress=context.set_progress,
        )
        spool.seek(0)
        context.save_result_file(spec.filename(), File(spool))
