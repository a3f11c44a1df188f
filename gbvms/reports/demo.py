"""Demo reporting cycle (issue 12): the obligations of the demo plan 01/KH-DEMO, the drafts of
the current year, and a history that shows every state of the reporting calendar.

- the programme officer generates the obligations (``obligations_generate``) and the drafts of
  the current year are opened (``submissions_open``); when no deadline of the current year has
  passed yet, last year's are opened too (if the plan covers it), so that something is due;
- ``reporter1`` (UBND phường Kon Tum) sent every report whose deadline has passed, on time;
- ``reporter2`` (UBND xã Đăk Tô) sent, late, all but its latest report due to each recipient
  and never sent that one (missed);
- ``province_reporter`` (Sở Nội vụ) accepted and approved reporter1's earliest report to it;
  reporter1's later ones wait for its review.

Sending goes through ``submission_submit``; the submitted moments are then set to the
moments the story tells (a few days before the due date, or after it for the late ones),
never later than now, on the submission, its snapshot and its transition. Loaded once: a
second ``load_demo`` sees the demo plan's submissions and changes nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from gbvms.orgs.models import User
from gbvms.plans.models import Plan
from gbvms.reports.models import EDITABLE, Status, Submission, SubmissionVersion, Transition

NUMBER = "01/KH-DEMO"
ON_TIME_BEFORE = datetime.timedelta(days=3)
LATE_AFTER = datetime.timedelta(days=5)


def _sent_at(submission: Submission, moment: datetime.datetime) -> None:
    """Date the first sending of ``submission`` at ``moment`` (never after now)."""
    moment = min(moment, timezone.now())
    Submission.objects.filter(pk=submission.pk).update(
        first_submitted_at=moment, submitted_at=moment, updated_at=moment
    )
    SubmissionVersion.objects.filter(submission=submission, number=1).update(created_at=moment)
    Transition.objects.filter(submission=submission, to_status=Status.SUBMITTED).update(at=moment)


def _submit(actor: Any, submission: Submission, moment: datetime.datetime) -> None:
    from gbvms.reports.services_submissions import submission_submit

    submission_submit(actor=actor, submission=submission)
    _sent_at(submission, moment)


def _open(plan: Plan, officer: Any) -> list[Submission]:
    from gbvms.reports.services_obligations import obligations_generate, submissions_open

    obligations_generate(plan=plan, actor=officer)
    year = timezone.localdate().year
    submissions_open(year=year, actor=officer)
    now = timezone.now()
    mine = Submission.objects.filter(obligation__requirement__plan=plan)
    if not mine.filter(due_at__lt=now).exists() and (year - 1) in plan.years():
        submissions_open(year=year - 1, actor=officer)
    # late in the year every commune deadline has passed: next year's drafts are open, so the
    # commune reporters have a report to write (submissions open "on time for the period")
    communes = mine.filter(obligation__submitter_unit__level="commune")
    if not communes.filter(due_at__gte=now).exists() and (year + 1) in plan.years():
        submissions_open(year=year + 1, actor=officer)
    return list(
        mine.filter(due_at__lt=now, status__in=EDITABLE)
        .select_related("obligation__submitter_agency", "obligation__recipient_agency")
        .order_by("due_at", "pk")
    )


def _story(passed: list[Submission], users: dict[str, Any]) -> dict[str, int]:
    counts = {"on_time": 0, "late": 0, "missed": 0, "approved": 0}
    communes = {"xa_a": users["reporter1"], "xa_b": users["reporter2"]}
    agency_of = {
        key: user.memberships.filter(is_active=True).first().agency_id
        for key, user in communes.items()
    }
    latest: dict[int, int] = {}  # xa_b's latest passed report per recipient: never sent
    for submission in passed:
        if submission.obligation.submitter_agency_id == agency_of["xa_b"]:
            latest[submission.obligation.recipient_agency_id] = submission.pk
    for submission in passed:
        submitter = submission.obligation.submitter_agency_id
        if submitter == agency_of["xa_a"]:
            _submit(communes["xa_a"], submission, submission.due_at - ON_TIME_BEFORE)
            counts["on_time"] += 1
        elif submitter == agency_of["xa_b"]:
            if latest[submission.obligation.recipient_agency_id] == submission.pk:
                counts["missed"] += 1
                continue
            _submit(communes["xa_b"], submission, submission.due_at + LATE_AFTER)
            counts["late"] += 1
    counts["approved"] = _review(passed, users["province_reporter"], agency_of["xa_a"])
    return counts


def _review(passed: list[Submission], reviewer: Any, commune_agency: int) -> int:
    from gbvms.reports.services_submissions import submission_accept, submission_approve

    lead = reviewer.memberships.filter(is_active=True).first().agency_id
    for submission in passed:
        obligation = submission.obligation
        if (
            obligation.submitter_agency_id == commune_agency
            and obligation.recipient_agency_id == lead
        ):
            submission.refresh_from_db()
            submission_accept(actor=reviewer, submission=submission)
            submission_approve(actor=reviewer, submission=submission)
            return 1
    return 0


@transaction.atomic
def demo_reports_load() -> list[str]:
    plan = Plan.objects.filter(document_number=NUMBER).first()
    names = ["officer", "reporter1", "reporter2", "province_reporter"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if plan is None or len(users) < len(names):
        return []
    if Submission.objects.filter(obligation__requirement__plan=plan).exists():
        return [f"demo: reports of plan {NUMBER} already loaded"]
    lead = users["province_reporter"].memberships.filter(is_active=True).first().agency
    if not plan.reporting.filter(recipient=lead).exists():
        return [f"demo: plan {NUMBER} has no report addressed to {lead.name}: no reports"]
    passed = _open(plan, users["officer"])
    counts = _story(passed, users)
    opened = Submission.objects.filter(obligation__requirement__plan=plan).count()
    return [
        f"demo: reports of plan {NUMBER}: {opened} opened; reporter1 sent {counts['on_time']} "
        f"on time, reporter2 sent {counts['late']} late and missed {counts['missed']}; "
        f"province_reporter approved {counts['approved']}"
    ]


def demo_lines(options: dict[str, object]) -> list[str]:
    return demo_reports_load()
