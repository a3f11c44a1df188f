"""Send the reminders that are due (run once a day, e.g. from cron or a systemd timer): plan
deadlines, reports coming due or overdue (gbvms.reports.reminders, through send_reminders),
and inspection recommendations coming due or overdue."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gbvms.plans.services import send_reminders
from gbvms.programme.reminders import send_recommendation_reminders


class Command(BaseCommand):
    help = (
        "E-mail the agencies whose plan deadlines, reports or inspection recommendations are "
        "near or overdue; each reminder is sent once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders()
        self.stdout.write(f"{sent} reminder(s) sent (plan deadlines and reports)")
        recommendations = send_recommendation_reminders()
        self.stdout.write(f"{recommendations} recommendation reminder(s) sent")
