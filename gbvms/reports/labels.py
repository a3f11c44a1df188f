"""How reports are labelled on the pages: periods in Vietnamese ("6 tháng đầu năm 2026",
"Tháng hành động 2026", cut-off windows said so), requirements, late flags, and indicator
figures with small cells kept hidden ("<5", a hidden percentage "ẩn")."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gbvms.reports import periods as report_periods
from gbvms.reports.models import Submission

STATUS_LABELS = {
    "met": gettext_lazy("Đạt"),
    "not_met": gettext_lazy("Chưa đạt"),
    "insufficient_data": gettext_lazy("Không đủ số liệu"),
    "not_due": gettext_lazy("Chưa đến hạn"),
}
PERCENT_KINDS = {"ratio", "external"}


def period_label(key: str) -> str:
    """The Vietnamese label: "6 tháng đầu năm 2026", "Năm 2026", "Tháng hành động 2026"; a
    cut-off window says so."""
    try:
        period = report_periods.parse(key)
    except ValueError:
        return key
    if period.type == "AM":
        return _("Tháng hành động %(year)s") % {"year": period.year}
    label = period.label()
    if period.cutoff:
        label = label.split(" (")[0]
        label += " " + _("(kỳ chốt số liệu %(start)s–%(end)s)") % {
            "start": period.start.strftime("%d/%m/%Y"),
            "end": period.end.strftime("%d/%m/%Y"),
        }
    return label


def period_end(key: str) -> datetime.date:
    try:
        return report_periods.parse(key).end
    except ValueError:
        return datetime.date.min


def requirement_label(requirement: Any) -> str:
    return _("Báo cáo %(kind)s (hạn %(due)s)") % {
        "kind": requirement.get_kind_display().lower(),
        "due": requirement.due_label(),
    }


def late_flag(submission: Submission, now: datetime.datetime | None = None) -> str:
    """The late flag: "Quá hạn" when the due time passed and it was never submitted; "Gửi
    muộn" when first submitted after the due time; "" otherwise."""
    now = now or timezone.now()
    first = submission.first_submitted_at
    if first is None:
        return str(_("Quá hạn")) if submission.due_at < now else ""
    return str(_("Gửi muộn")) if first > submission.due_at else ""


def row(submission: Submission) -> dict[str, Any]:
    obligation = submission.obligation
    return {
        "s": submission,
        "requirement": requirement_label(obligation.requirement),
        "period": period_label(submission.period),
        "late": late_flag(submission),
        "versions": getattr(submission, "versions_count", None),
        "unit": obligation.submitter_unit.name,
        "agency": obligation.submitter_agency.name,
        "recipient": obligation.recipient_agency.name,
    }


def figure_text(row: dict[str, Any], key: str) -> str:
    """A figure of an indicator row as pages print it: a suppressed cell is "<5" (a hidden
    percentage "ẩn"), a missing one "—"."""
    from gbvms.indicators.charts import fmt_value

    percent = row.get("kind") in PERCENT_KINDS and key == "value"
    if row.get("suppressed"):
        return fmt_value(None, percent=percent)
    value = row.get(key)
    if value in (None, ""):
        return "—"
    try:
        return fmt_value(float(value), percent=percent)
    except (TypeError, ValueError):
        return str(value)


def target_text(row: dict[str, Any]) -> str:
    from gbvms.plans.models import Comparator

    if row.get("target") in (None, ""):
        return "—"
    target = figure_text({"kind": row.get("kind"), "value": row["target"]}, "value")
    comparator = row.get("comparator")
    if comparator in Comparator.values:
        return f"{Comparator(comparator).label} {target}"
    return target


def cells(values: list[Any]) -> list[dict[str, Any]]:
    """Indicator rows as shown (small cells stay hidden; labels, never codes)."""
    return [
        {
            "code": item.get("indicator"),
            "indicator": item.get("name") or item.get("indicator_name") or "—",
            "numerator": figure_text(item, "numerator"),
            "denominator": figure_text(item, "denominator"),
            "value": figure_text(item, "value"),
            "target": target_text(item),
            "status": str(STATUS_LABELS.get(item.get("status") or "", "—")),
            "suppressed": bool(item.get("suppressed")),
        }
        for item in values or []
        if isinstance(item, dict)
    ]


def live_rows(changes: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Per changed indicator: its value in the report and its live value now."""
    rows = []
    for change in changes:
        old, new = change.get("snapshot"), change.get("live")
        name = change.get("name") or (new or old or {}).get("name") or "—"
        rows.append(
            {
                "indicator": name,
                "was": figure_text(old, "value") if isinstance(old, dict) else "—",
                "now": figure_text(new, "value") if isinstance(new, dict) else "—",
            }
        )
    return rows
