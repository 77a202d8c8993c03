from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinban.tasks.worker import load_handlers, work_in_threads


class Command(BaseCommand):
    help = "运行后台任务（证书批量生成、大批量导出、邮件发送等）；可在多台机器上同时运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="只执行一个任务")
        parser.add_argument("--until-empty", action="store_true", help="队列为空时退出")
        parser.add_argument(
            "--concurrency", type=int, default=1, help="本进程中同时执行的任务数（线程）"
        )
        parser.add_argument("--poll", type=float, default=1.0, help="空闲时的轮询间隔（秒）")

    def handle(self, *args: Any, **options: Any) -> None:
        load_handlers()
        stopping = {"now": False}

        def stop(signum: int, frame: Any) -> None:
            stopping["now"] = True  # finish the current task, then leave

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        ran = work_in_threads(
            max(1, options["concurrency"]),
            once=options["once"],
            until_empty=options["until_empty"],
            poll_seconds=options["poll"],
            should_stop=lambda: stopping["now"],
        )
        self.stdout.write(f"worker: {ran} task(s) run")
