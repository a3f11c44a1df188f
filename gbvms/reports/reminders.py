"""Reminders of report deadlines (issue 12, REPORTING §B.5), sent by ``send_reminders`` (daily).

- 7, 3 and 1 days before a submission's due date (Vietnam time), while it is still editable
  (draft, returned, reopened) → its submitter agency's reporters. A reminder is due in its
  window, from its day to the next one's (the last one: to the due date itself), so a run
  missed on the 7th day still sends on the 6th, and a window already past is not sent late;
- once overdue (the day after the due date, up to ``OVERDUE_DAYS`` later), never submitted and
  not marked missing → the submitter's reporters and the recipient agency's approvers.

Each (submission, stage) is sent once: the submission's row is locked, the stage is looked up
in the access log (action ``reports.submission.reminded``, reason the stage) and written there
with the sending. The message names the report's kind, period and due date and links to the
access-checked report page — no text of the report.

These replace the plans calendar's own reminders of a reporting deadline: ``send_reminders``
skips the calendar reminders of an entry whose requirement has active obligations.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gbvms.core.audit import log_action
from gbvms.core.models import AccessLog
from gbvms.reports import notify
from gbvms.reports.models import EDITABLE, Submission

ACTION = "reports.submission.reminded"
DAYS_BEFORE = (7, 3, 1)
OVERDUE_DAYS = 30  # an overdue notice is not sent for a deadline older than this


def due_day(submission: Submission) -> datetime.date:
    from gbvms.reports.services_obligations import VIETNAM

    return submission.due_at.astimezone(VIETNAM).date()


def stage(due: datetime.date, today: datetime.date) -> str | None:
    """``before_<n>`` in the window from n days before the due date to the next reminder's
    day (the last: to the due date), ``overdue`` from the day after, None otherwise."""
    if today > due:
        return "overdue" if (today - due).days <= OVERDUE_DAYS else None
    offsets = sorted(set(DAYS_BEFORE), reverse=True)
    for index, days in enumerate(offsets):
        start = due - datetime.timedelta(days=days)
        until = (
            due - datetime.timedelta(days=offsets[index + 1]) if index + 1 < len(offsets) else None
        )
        if start <= today and (until is None or today < until):
            return f"before_{days}"
    return None


def send_report_reminders(today: datetime.date | None = None) -> int:
    """Send the reminders and overdue notices due ``today``; returns how many (submission,
    stage) were sent."""
    today = today or timezone.localdate()
    from gbvms.reports.services_obligations import DUE_TIME, VIETNAM

    horizon = datetime.datetime.combine(
        today + datetime.timedelta(days=max(DAYS_BEFORE) + 1), DUE_TIME, tzinfo=VIETNAM
    )
    oldest = horizon - datetime.timedelta(days=max(DAYS_BEFORE) + 2 + OVERDUE_DAYS)
    candidates = Submission.objects.filter(
        obligation__active=True, due_at__lte=horizon, due_at__gte=oldest, status__in=EDITABLE
    ).order_by("due_at", "pk")
    sent = 0
    for submission in list(candidates):
        which = stage(due_day(submission), today)
        if which is not None:
            sent += _send(submission.pk, which)
    return sent


@transaction.atomic
def _send(pk: int, which: str) -> int:
    submission = (
        Submission.objects.select_for_update()
        .filter(pk=pk, status__in=EDITABLE, obligation__active=True)
        .first()
    )
    if submission is None:
        return 0
    overdue = which == "overdue"
    if overdue and (submission.first_submitted_at is not None or submission.missing_reason):
        return 0  # sent once (late counts from the first sending) or excused by the recipient
    done = AccessLog.objects.unscoped().filter(
        action=ACTION, object_kind="reports.submission", object_id=str(pk), reason=which
    )
    if done.exists():
        return 0
    submission = Submission.objects.select_related(
        "obligation__requirement", "obligation__submitter_unit", "obligation__recipient_unit"
    ).get(pk=pk)
    log_action(action=ACTION, obj=submission, reason=which)
    users = notify.submitters_of(submission)
    if overdue:
        users += notify.approvers_of(submission)
    facts = notify.describe(submission, submission.status)
    with translation.override("vi"):
        if overdue:
            subject = _("[GBVMS] Báo cáo %(kind)s, %(period)s, quá hạn %(due)s") % facts
            message = (
                _(
                    "Báo cáo %(kind)s, %(period)s, của %(unit)s đã quá hạn %(due)s mà chưa "
                    "được gửi.\nBáo cáo: %(name)s\nXem báo cáo: %(link)s"
                )
                % facts
            )
        else:
            subject = _("[GBVMS] Báo cáo %(kind)s, %(period)s, đến hạn %(due)s") % facts
            message = (
                _(
                    "Báo cáo %(kind)s, %(period)s, của %(unit)s cần gửi trước %(due)s (trạng "
                    "thái: %(status)s).\nBáo cáo: %(name)s\nLập và gửi báo cáo: %(link)s"
                )
                % facts
            )
    kind = "report_overdue" if overdue else "report_due"
    notify.send(users, kind, subject, message, notify.report_link(submission), facts["name"])
    return 1
