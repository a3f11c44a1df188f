"""Send the plan reminders that are due (run once a day, e.g. from cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gbvms.plans.services import send_reminders


class Command(BaseCommand):
    help = "E-mail the agencies whose plan deadlines are near; each reminder is sent once."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders()
        self.stdout.write(f"{sent} reminder(s) sent")
