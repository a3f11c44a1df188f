"""Send the reminders that are due (run once a day, e.g. from cron or a systemd timer): plan
deadlines, reports coming due or overdue (gbvms.reports.reminders, through send_reminders),
inspection recommendations coming due or overdue, and each case worker's daily digest of
follow-ups due today or overdue (gbvms.cases.services_notify.followups_digest)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gbvms.cases import services_notify
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
        digests = services_notify.followups_digest()  # follow-ups due today and overdue
        self.stdout.write(f"{digests} follow-up digest(s) sent")
