"""``manage.py seed_demo``: the demo a newcomer sees after the first start (docs/architecture.md,
"The campaign year and its data").

This year's campaign has every window open today, so every journey can be tried at
once; the two previous years are closed and published. Around them: the recommending
units (16 districts, industry bodies, corporate groups and the association's own unit),
the guiding units, ~200 organisations with their 附件2 and ~400 + 2 x 150 team
applications (附件3) that respect the campaign's rules, and one login per role.

The command refuses to run twice (it is a no-op that says so); ``--reset`` first removes
what the previous run created (the ids are kept in the audit log entry ``demo.seed``).
Random choices come from a fixed seed, so two runs on the same day give the same data.

The generator (:class:`DemoBuilder`) is also used by ``manage.py bench`` to build large
data sets quickly. The code lives in ``xinban/ops/demo_data/`` by use case; this module is
the command's entry point; import the names from ``xinban.ops.demo_data``.
"""

from __future__ import annotations

from xinban.ops.demo_data import SeedDemoCommand

__all__ = ["Command"]


class Command(SeedDemoCommand):
    pass
