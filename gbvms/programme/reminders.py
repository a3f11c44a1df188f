"""Reminders of inspection recommendations (issue 11): before a recommendation's due date, on
the days of ``GBVMS_PLAN_REMINDER_DAYS`` (14 and 3 by default, as the plan reminders), the
responsible agency's recorders get an e-mail; the day after it is overdue, they and the
inspection's lead agency get one more. ``send_reminders`` (run daily) sends both kinds.

Each (recommendation, stage) is sent once: the recommendation's row is locked, the stage is
looked up in the access log (action ``programme.recommendation.reminded``, reason the stage) and
written there with the sending. The e-mail names the inspection's code and the due date and
links to the access-checked inspection page: the recommendation's text stays out (an
inspection may verify a reported case)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.core.audit import log_action
from gbvms.core.models import AccessLog
from gbvms.orgs.models import Membership
from gbvms.programme.models import Recommendation
from gbvms.programme.selectors import RECORDERS

ACTION = "programme.recommendation.reminded"
OPEN = ("open", "in_progress")


def stage(due: datetime.date, today: datetime.date) -> str | None:
    """The reminder due ``today`` for a recommendation due on ``due``: ``before_<n>`` in the
    window from n days before to the next reminder's day (the last: to the due date itself),
    ``overdue`` from the day after, None otherwise."""
    if today > due:
        return "overdue"
    offsets = sorted(set(settings.PLAN_REMINDER_DAYS), reverse=True)
    for index, days in enumerate(offsets):
        until = (
            due - datetime.timedelta(days=offsets[index + 1]) if index + 1 < len(offsets) else None
        )
        start = due - datetime.timedelta(days=days)
        if start <= today and (until is None or today < until):
            return f"before_{days}"
    return None


def _emails(agency_ids: set[int]) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                agency_id__in=agency_ids, is_active=True, role__in=RECORDERS,
                user__is_active=True,
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )  # fmt: skip


def send_recommendation_reminders(today: datetime.date | None = None) -> int:
    """E-mail the reminders due today; returns how many (recommendation, stage) were sent."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(settings.PLAN_REMINDER_DAYS, default=0))
    candidates = Recommendation.objects.filter(
        status__in=OPEN, inspection__status="done", due_date__lte=horizon
    ).values_list("pk", "due_date")
    sent = 0
    for pk, due in list(candidates):
        which = stage(due, today)
        if which is not None:
            sent += _send(pk, which)
    return sent


@transaction.atomic
def _send(pk: int, which: str) -> int:
    rec = (
        Recommendation.objects.select_for_update()
        .select_related("inspection", "inspection__lead_agency")
        .filter(pk=pk, status__in=OPEN)
        .first()
    )
    if rec is None:
        return 0
    done = AccessLog.objects.unscoped().filter(
        action=ACTION, object_kind="programme.recommendation", object_id=str(pk), reason=which
    )
    if done.exists():
        return 0
    inspection = rec.inspection
    agencies = {rec.responsible_agency_id}
    if which == "overdue":
        agencies.add(inspection.lead_agency_id)
    log_action(action=ACTION, obj=rec, reason=which)
    emails = _emails(agencies)
    if not emails:
        return 1
    date = rec.due_date.strftime("%d/%m/%Y")
    if which == "overdue":
        subject = _("[GBVMS] Kiến nghị quá hạn %(date)s: %(code)s")
    else:
        subject = _("[GBVMS] Kiến nghị đến hạn %(date)s: %(code)s")
    subject %= {"date": date, "code": inspection.code}
    message = _(
        "Một kiến nghị sau kiểm tra %(code)s giao cho cơ quan của bạn có hạn khắc phục "
        "%(date)s.\nXem và cập nhật: %(link)s"
    ) % {
        "code": inspection.code,
        "date": date,
        "link": reverse("programme:inspection_detail", args=[inspection.pk]),
    }
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=message, from_email=None,
                          recipient_list=emails, fail_silently=True)
    )  # fmt: skip
    return 1
