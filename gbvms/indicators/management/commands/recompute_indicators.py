"""Work the indicator outbox down now, in this process (the worker does it in the background;
this is for recovery after a crash, or a cron safety net)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gbvms.indicators.models import DirtyCase, DirtyKey
from gbvms.indicators.outbox import enqueue
from gbvms.indicators.worker import process_pending


class Command(BaseCommand):
    help = "Recompute the indicator cells of pending changes (or, with --enqueue, queue a run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true",
                            help="only queue a run for the background worker")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        pending = DirtyCase.objects.count(), DirtyKey.objects.count()
        if options["enqueue"]:
            if any(pending):
                enqueue()
            self.stdout.write(f"{pending[0]} cases and {pending[1]} keys pending; run queued")
            return
        done = process_pending(max_seconds=float("inf"))
        self.stdout.write(f"{done['cases']} cases and {done['keys']} keys recomputed")
