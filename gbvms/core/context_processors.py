from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from gbvms.core import scoping


def gbvms(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)

    def can(permission: str) -> bool:
        return scoping.has_permission(user, permission)

    unread = urgent = 0
    if user is not None and user.is_authenticated:
        from django.db.models import Count, Q

        from gbvms.cases.models import Notification

        counts = Notification.objects.filter(user=user, read_at__isnull=True).aggregate(
            unread=Count("id"), urgent=Count("id", filter=Q(urgent=True))
        )  # one query for the badge and its colour
        unread, urgent = counts["unread"], counts["urgent"]
    return {
        "unread_notifications": unread,
        "unread_urgent": urgent,  # the header badge turns red
        "DEBUG_BANNER": settings.DEBUG,
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "can_manage_orgs": can("orgs.manage"),
        "can_view_orgs": can("orgs.view"),
        "can_view_audit": can("audit.view"),
        "can_view_cases": can("cases.view"),
        "can_intake": can("cases.intake"),
        "can_view_plans": can("plans.view"),
        "can_view_programme": can("programme.view"),
        "can_view_indicators": can("indicators.view") or can("cases.supervise"),
        "can_receive_referrals": can("referrals.receive"),
        # the reports list's own rule (gbvms.reports.views.may_use_reports)
        "can_use_reports": can("reports.submit") or can("reports.approve") or can("plans.manage"),
    }
