"""Completeness and timeliness (REPORTING §B.5, DHIS2's definitions).

For a requirement, a period and a unit (the recipients in the unit's subtree):

- expected E: active obligations whose submitter unit is valid on the period's end date;
- submitted A: those of E whose submission ever reached ``submitted``
  (``first_submitted_at`` set);
- on time T: those of E with ``first_submitted_at <= due_at`` (a report returned and sent
  again late still counts on time if its first submission was);
- reporting_rate = A ÷ E × 100, on_time_rate = T ÷ E × 100 (one decimal; None when E = 0);
- returns_per_report: returns ÷ A; median_days_late: the median of (first submission − due)
  in days over the late submissions (None when none is late).
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from typing import Any

from gbvms.geo.models import AdminUnit
from gbvms.plans.models import ReportingRequirement
from gbvms.reports import periods
from gbvms.reports.models import ReportingObligation, Status, Submission, Transition
from gbvms.reports.services_obligations import valid_on


@dataclass(frozen=True)
class Completeness:
    expected: int
    submitted: int
    on_time: int
    reporting_rate: float | None
    on_time_rate: float | None
    in_draft: int
    returns_per_report: float | None
    median_days_late: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def completeness(
    *, requirement: ReportingRequirement, period: str, unit: AdminUnit
) -> Completeness:
    end = periods.parse(period).end
    obligations = [
        o
        for o in ReportingObligation.objects.filter(
            requirement=requirement, active=True, recipient_unit__path__startswith=unit.path
        ).select_related("submitter_unit")
        if valid_on(o.submitter_unit, end)
    ]
    submissions = list(
        Submission.objects.filter(obligation__in=obligations, period=period).only(
            "id", "due_at", "first_submitted_at", "status"
        )
    )
    sent = [s for s in submissions if s.first_submitted_at is not None]
    late = [s for s in sent if s.first_submitted_at > s.due_at]
    returns = Transition.objects.filter(submission__in=sent, to_status=Status.RETURNED).count()
    days_late = [(s.first_submitted_at - s.due_at).total_seconds() / 86400 for s in late]
    expected = len(obligations)
    return Completeness(
        expected=expected,
        submitted=len(sent),
        on_time=len(sent) - len(late),
        reporting_rate=_rate(len(sent), expected),
        on_time_rate=_rate(len(sent) - len(late), expected),
        in_draft=expected - len(sent),
        returns_per_report=round(returns / len(sent), 2) if sent else None,
        median_days_late=round(statistics.median(days_late), 2) if days_late else None,
    )
