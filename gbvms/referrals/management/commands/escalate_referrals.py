"""Escalate referrals not answered by their deadline (run every few minutes, e.g. from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gbvms.referrals.services import escalate_overdue


class Command(BaseCommand):
    help = "Tell the sender's supervisors and the provider's managers about overdue referrals."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{escalate_overdue()} referral(s) escalated")
