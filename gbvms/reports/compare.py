"""Comparing what was submitted (REPORTING §B.4): the live values against the latest snapshot
("the live value is now …"), the difference between two snapshots, and the number of changes
since the last approval (the modification counter DHIS2 users had to build themselves)."""

from __future__ import annotations

from typing import Any

from gbvms.reports import prefill
from gbvms.reports.models import Status, Submission, SubmissionVersion, Transition

SENT = (Status.SUBMITTED, Status.ACCEPTED, Status.APPROVED, Status.LOCKED)
COMPARED = ("numerator", "denominator", "value", "suppressed", "target", "comparator", "status")
FIGURE = ("numerator", "denominator", "value", "suppressed")


def _same(a: dict[str, Any] | None, b: dict[str, Any] | None, fields: tuple[str, ...]) -> bool:
    if a is None or b is None:
        return a is b
    return all(a.get(f) == b.get(f) for f in fields)


def _by_code(values: Any) -> dict[str, dict[str, Any]]:
    """Rows by indicator code (malformed rows skipped)."""
    rows = values if isinstance(values, list) else []
    return {r["indicator"]: r for r in rows if isinstance(r, dict) and "indicator" in r}


def _by_key(sections: Any) -> dict[str, dict[str, Any]]:
    rows = sections if isinstance(sections, list) else []
    return {s["key"]: s for s in rows if isinstance(s, dict) and "key" in s}


def latest_version(submission: Submission) -> SubmissionVersion | None:
    return submission.versions.order_by("-number").first()


def live_changes(submission: Submission) -> list[dict[str, Any]]:
    """The indicators whose figure now (``prefill.current_values``: the engine's, or the
    consolidation's for a report with children) differs from the latest snapshot of a report
    that was sent: ``[{"indicator", "name", "snapshot", "live"}]`` (a row is None when the
    indicator is on one side only)."""
    if submission.status not in SENT:
        return []
    version = latest_version(submission)
    if version is None:
        return []
    before = _by_code(version.values)
    now = _by_code(prefill.current_values(submission))
    out = []
    for code in [*before, *(c for c in now if c not in before)]:
        old, new = before.get(code), now.get(code)
        if not _same(old, new, FIGURE):
            name = (new or old or {}).get("name", "")
            out.append({"indicator": code, "name": name, "snapshot": old, "live": new})
    return out


def versions_diff(a: SubmissionVersion, b: SubmissionVersion) -> dict[str, list[dict[str, Any]]]:
    """What changed from snapshot ``a`` to snapshot ``b``: sections whose text changed and
    values whose figure, target or status changed (only those)."""
    old_sections, new_sections = _by_key(a.sections), _by_key(b.sections)
    sections = []
    for key in [*old_sections, *(k for k in new_sections if k not in old_sections)]:
        old, new = old_sections.get(key, {}), new_sections.get(key, {})
        before, after = old.get("text", ""), new.get("text", "")
        if before != after:
            title = new.get("title") or old.get("title") or key
            sections.append({"key": key, "title": title, "before": before, "after": after})
    old_values, new_values = _by_code(a.values), _by_code(b.values)
    values = []
    for code in [*old_values, *(c for c in new_values if c not in old_values)]:
        before_row, after_row = old_values.get(code), new_values.get(code)
        if not _same(before_row, after_row, COMPARED):
            values.append({"indicator": code, "before": before_row, "after": after_row})
    return {"sections": sections, "values": values}


def approved_version(submission: Submission) -> SubmissionVersion | None:
    """The snapshot that was current when the submission was last approved (None: never)."""
    approval = (
        Transition.objects.filter(submission=submission, to_status=Status.APPROVED)
        .order_by("-at", "-id")
        .first()
    )
    if approval is None:
        return None
    return submission.versions.filter(created_at__lte=approval.at).order_by("-number").first()


def changes_since_approval(submission: Submission) -> int:
    """Changed sections + values between the latest snapshot and the one approved last (0 when
    never approved, or nothing was submitted since)."""
    approved = approved_version(submission)
    latest = latest_version(submission)
    if approved is None or latest is None or approved.pk == latest.pk:
        return 0
    diff = versions_diff(approved, latest)
    return len(diff["sections"]) + len(diff["values"])
