"""The state of each report deadline for the reporting calendar (issue 12): not due, submitted
(on time), late (first sent after the due time), missed (due passed, never sent).

Computed from the submissions the viewer may see (``selectors.submission_list``: the
submitter's reporters, the recipient's approvers once sent), so a row is listed — and linked —
only when the viewer may open the report.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.orgs.models import Agency
from gbvms.reports.models import Submission
from gbvms.reports.selectors import submission_list


class DeadlineState(TextChoices):
    NOT_DUE = "not_due", _("Chưa đến hạn")
    SUBMITTED = "submitted", _("Đã gửi đúng hạn")
    LATE = "late", _("Gửi muộn")
    MISSED = "missed", _("Quá hạn, chưa gửi")


def deadline_state(submission: Submission, now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    first = submission.first_submitted_at
    if first is not None:
        return DeadlineState.SUBMITTED if first <= submission.due_at else DeadlineState.LATE
    return DeadlineState.NOT_DUE if now <= submission.due_at else DeadlineState.MISSED


@dataclass
class Deadline:
    submission: Submission
    state: str
    url: str

    @property
    def state_label(self) -> str:
        return str(DeadlineState(self.state).label)

    @property
    def title(self) -> str:
        """ "6 tháng đầu năm 2026 (…)", "Năm 2026 (…)": the period, which names the kind."""
        from gbvms.reports.export import period_label

        label = period_label(self.submission.period)
        return label[:1].upper() + label[1:]

    @property
    def due_on(self) -> datetime.date:
        from gbvms.reports.services_obligations import VIETNAM

        return self.submission.due_at.astimezone(VIETNAM).date()


def _url(submission: Submission) -> str:
    try:
        return reverse("reports:detail", args=[submission.pk])
    except NoReverseMatch:
        return ""


def agency_deadlines(user: Any, agency: Agency, year: int | None = None) -> list[Deadline]:
    """The reports ``agency`` owes (as submitter) with a due date in ``year`` (default: this
    year), as far as ``user`` may see them, each with its state and link."""
    now = timezone.now()
    year = year or timezone.localdate().year
    rows = (
        submission_list(user)
        .filter(obligation__submitter_agency=agency, obligation__active=True, due_at__year=year)
        .select_related("obligation__recipient_agency", "obligation__requirement")
        .order_by("due_at", "pk")
    )
    return [Deadline(s, deadline_state(s, now), _url(s)) for s in rows]


def entry_states(deadlines: list[Deadline]) -> dict[tuple[int, datetime.date], Deadline]:
    """{(requirement id, due date): deadline} to mark the calendar's report entries."""
    return {(d.submission.obligation.requirement_id, d.due_on): d for d in deadlines}
