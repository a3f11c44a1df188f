"""Write the ends of referral access that come with time (run every few minutes, e.g. from
cron beside ``escalate_referrals``): a sharing consent past its expiry, or the configured days
after completion (``GBVMS_REFERRAL_ACCESS_DAYS``). Reads already stop at that moment; this
records each end in the access log with the moment it happened."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gbvms.referrals.access import access_end_lapsed


class Command(BaseCommand):
    help = "Record in the access log the referral accesses that ended with time."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{access_end_lapsed()} referral access(es) ended")
