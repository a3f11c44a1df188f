"""Comparing two submitted versions of a report (``compare.versions_diff`` when built)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from gbvms.reports import selectors
from gbvms.reports.labels import cells, figure_text, period_label
from gbvms.reports.models import Submission, SubmissionVersion
from gbvms.reports.views import optional


def _version(submission: Submission, raw: str | None) -> SubmissionVersion:
    if not raw or not raw.isdigit() or len(raw) > 6:
        raise Http404
    found = submission.versions.filter(number=int(raw)).first()
    if found is None:
        raise Http404
    return found


def section_diff(a: SubmissionVersion, b: SubmissionVersion) -> list[dict[str, Any]]:
    old = {s["key"]: s for s in a.sections}
    rows = []
    for section in b.sections:
        before = old.get(section["key"], {}).get("text", "")
        rows.append(
            {
                "key": section["key"],
                "title": section.get("title", ""),
                "a": before,
                "b": section.get("text", ""),
                "changed": before != section.get("text", ""),
            }
        )
    return rows


def value_diff(a: SubmissionVersion, b: SubmissionVersion) -> list[dict[str, Any]]:
    old = {c["indicator"]: c for c in cells(a.values)}
    rows = []
    for cell in cells(b.values):
        before = old.get(cell["indicator"], {}).get("value", "—")
        rows.append(
            {"indicator": cell["indicator"], "a": before, "b": cell["value"],
             "changed": before != cell["value"]}
        )  # fmt: skip
    return rows


def _diff(a: SubmissionVersion, b: SubmissionVersion) -> tuple[list, list]:
    """Sections (all, the changed ones marked) and the values that changed."""
    versions_diff = optional("compare", "versions_diff")
    if versions_diff is None:
        return section_diff(a, b), [v for v in value_diff(a, b) if v["changed"]]
    found = versions_diff(a, b)
    changed = {s["key"] for s in found.get("sections", [])}
    sections = [dict(row, changed=row["key"] in changed) for row in section_diff(a, b)]
    values = []
    for change in found.get("values", []):
        old, new = change.get("before"), change.get("after")
        name = (new or old or {}).get("name") or "—"
        values.append(
            {
                "indicator": name,
                "a": figure_text(old, "value") if old else "—",
                "b": figure_text(new, "value") if new else "—",
                "changed": True,
            }
        )
    return sections, values


@login_required
@require_GET
def report_compare(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(request.user, pk)
    a = _version(submission, request.GET.get("a"))
    b = _version(submission, request.GET.get("b"))
    sections, values = _diff(a, b)
    context = {
        "s": submission,
        "period": period_label(submission.period),
        "a": a,
        "b": b,
        "sections": sections,
        "values": values,
        "back": reverse("reports:detail", args=[pk]),
    }
    return render(request, "reports/compare.html", context)
