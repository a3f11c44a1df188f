"""Consolidating the reports a submission receives (REPORTING §B.3): numbers pooled from the
children's latest snapshots, their paragraphs quoted with their origin, and who is missing.

- Only children whose report was accepted, approved or locked count (a submitted report may
  still be returned); the others are ``missing``.
- Numbers are pooled from the children whose unit lies strictly inside the consolidating
  unit (the communes of a province). A child of the consolidating unit itself (a provincial
  department) reports figures of that same unit: adding them would count the unit twice, so
  its paragraphs are quoted but its numbers are not added. When no child lies below the unit,
  the values are the unit's own engine values (``prefill.values_for``).
- Pooling sums numerators and denominators and recomputes ratios (N/D × 100), sums counts, and
  never averages percentages or targets. A median cannot be pooled from medians: its pooled
  cell has no value. A child's suppressed cell makes the pooled cell suppressed (its numbers are
  unknown). For the response indicators (about persons) the pooled cell is also suppressed when
  its difference with the unit's own engine figure is a small cell (1 to threshold − 1 in N, D
  or D − N): that difference is the figure of the children not pooled, which the engine may
  hide. Programme indicators carry no suppression (``gbvms.indicators.programme``).
- Targets and statuses are recomputed for the consolidating unit.

Bounded queries: the children, their latest snapshots, and the engine reads of the
consolidating unit, whatever the number of children.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from gbvms.indicators import targets as indicator_targets
from gbvms.indicators.suppression import primary_hidden
from gbvms.reports import periods as report_periods
from gbvms.reports import prefill
from gbvms.reports.models import Status, Submission, SubmissionVersion
from gbvms.reports.outline import outline_for
from gbvms.reports.selectors import children_of

COUNTED = (Status.ACCEPTED, Status.APPROVED, Status.LOCKED)
RATIO_KINDS = {"ratio", "external"}


@dataclass
class Consolidation:
    values: list[dict[str, Any]] = field(default_factory=list)
    quotes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    missing: list[dict[str, Any]] = field(default_factory=list)
    missing_text: str = ""
    expected: int = 0
    pooled: int = 0  # children whose numbers were added


def latest_versions(ids: list[int]) -> dict[int, SubmissionVersion]:
    """Each submission's latest snapshot, in one query."""
    found: dict[int, SubmissionVersion] = {}
    for version in SubmissionVersion.objects.filter(submission_id__in=ids).order_by(
        "submission_id", "-number"
    ):
        found.setdefault(version.submission_id, version)
    return found


def _pool_one(rows: list[dict[str, Any] | None], template: dict[str, Any]) -> dict[str, Any]:
    kind = template.get("kind")
    out = {k: template.get(k) for k in ("indicator", "name", "kind", "period", "source")}
    out.update(numerator=None, denominator=None, value=None, suppressed=False)
    present = [r for r in rows if r is not None]
    if any(r.get("suppressed") for r in present):
        out["suppressed"] = True
        return out
    if kind == "median":
        return out
    n = sum(r.get("numerator") or 0 for r in present)
    if kind in RATIO_KINDS:
        if any(r.get("denominator") is None for r in present):
            return out  # an external denominator missing somewhere: no pooled ratio
        d = sum(r["denominator"] for r in present)
        out.update(numerator=n, denominator=d, value=round(100 * n / d, 4) if d else None)
    else:
        out.update(numerator=n, value=float(n))
    return out


def _rows(values: Any) -> list[dict[str, Any]]:
    """The well-formed rows of a stored value list (a row without an indicator code is
    skipped, never a crash)."""
    if not isinstance(values, list):
        return []
    return [r for r in values if isinstance(r, dict) and isinstance(r.get("indicator"), str)]


def pool(children_values: list[list[dict[str, Any]]],
         templates: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:  # fmt: skip
    """Pooled values per indicator: those of ``templates`` (the consolidating unit's own, in
    catalogue order), then any other a child has. A child without a row for an indicator counts
    as zero, as a missing engine cell does."""
    order: dict[str, dict[str, Any]] = {}
    children_values = [_rows(rows) for rows in children_values]
    indexed = [{row["indicator"]: row for row in rows} for rows in children_values]
    for rows in [list(templates), *children_values]:
        for row in rows:
            order.setdefault(row["indicator"], row)
    return [_pool_one([rows.get(code) for rows in indexed], template)
            for code, template in order.items()]  # fmt: skip


def _small_difference(pooled: dict[str, Any], live: dict[str, Any] | None) -> bool:
    """Whether the pooled cell would uncover a hidden figure of the unit: the unit's own cell
    is hidden, or what the pooled children leave out of it is a small cell."""
    if live is None:
        return False
    if live.get("suppressed"):
        return True
    if pooled["numerator"] is None:
        return False
    dn = (live.get("numerator") or 0) - pooled["numerator"]
    if pooled["denominator"] is None or live.get("denominator") is None:
        return primary_hidden(dn, None) if dn > 0 else False
    dd = live["denominator"] - pooled["denominator"]
    if dn < 0 or dd < 0:
        return False  # the children's snapshots hold more than the unit now: no subset shown
    return primary_hidden(dn, dd)


def _protect(pooled: list[dict[str, Any]], live: list[dict[str, Any]]) -> None:
    """Suppress, in place, a pooled response cell whose difference with the unit's own figure
    would show a hidden cell."""
    by_code = {row["indicator"]: row for row in live}
    for row in pooled:
        if row["source"] != "response" or row["suppressed"]:
            continue
        if _small_difference(row, by_code.get(row["indicator"])):
            row.update(numerator=None, denominator=None, value=None, suppressed=True)


def _with_targets(values: list[dict[str, Any]], unit_path: str, year: int) -> None:
    unit_targets = indicator_targets.targets_for_unit(unit_path, year)
    by_code = {t.indicator.code: t for t in unit_targets.values()}
    for row in values:
        row.update(prefill.target_fields(by_code.get(row["indicator"]), row, row["period"]))


def _label(status: str) -> str:
    return str(dict(Status.choices).get(status, status))


def _missing_text(missing: list[dict[str, Any]], expected: int,
                  marked: list[bool] | None = None) -> str:  # fmt: skip
    """The missing-children line; a child its recipient marked missing says so, not only
    "Dự thảo" as if it might still come."""
    if not missing:
        return ""
    flags = marked or [False] * len(missing)
    names = ", ".join(
        f"{m['agency']} ({_label(m['status'])}"
        + (f"; {_('đã ghi nhận thiếu báo cáo')})" if flag else ")")
        for m, flag in zip(missing, flags, strict=False)
    )
    return _("%(missing)s/%(total)s đơn vị chưa gửi báo cáo hoặc báo cáo chưa được tiếp nhận: "
             "%(names)s.") % {"missing": len(missing), "total": expected,
                              "names": names}  # fmt: skip


def _quote_sections(children: list[Submission], latest: dict[int, SubmissionVersion],
                    keys: list[str]) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    quotes: dict[str, list[dict[str, Any]]] = {key: [] for key in keys}
    for child in children:
        version = latest.get(child.pk)
        if version is None:
            continue
        obligation = child.obligation
        for section in version.sections if isinstance(version.sections, list) else []:
            if not isinstance(section, dict) or not isinstance(section.get("text"), str):
                continue
            text = section["text"].strip()
            if text and section.get("key") in quotes:
                quotes[section["key"]].append({
                    "unit": obligation.submitter_unit.name,
                    "agency": obligation.submitter_agency.name,
                    "version": version.number,
                    "text": text,
                })  # fmt: skip
    return {key: rows for key, rows in quotes.items() if rows}


def quote_text(rows: list[dict[str, Any]]) -> str:
    return "\n".join(f"— {q['agency']} (v{q['version']}): {q['text']}" for q in rows)


def consolidated(submission: Submission) -> Consolidation:
    """Values, quoted paragraphs and missing children of ``submission``'s children."""
    obligation = submission.obligation
    unit_path = obligation.submitter_unit.path
    children = list(
        children_of(submission)
        .select_related("obligation__submitter_agency", "obligation__submitter_unit")
        .order_by("obligation__submitter_unit__path", "obligation__submitter_agency__name", "pk")
    )
    counted = [c for c in children if c.status in COUNTED]
    latest = latest_versions([c.pk for c in counted])
    counted = [c for c in counted if c.pk in latest]
    counted_ids = {c.pk for c in counted}
    result = Consolidation(expected=len(children))
    result.missing = [
        {"agency": c.obligation.submitter_agency.name, "unit": c.obligation.submitter_unit.name,
         "status": c.status}
        for c in children if c.pk not in counted_ids
    ]  # fmt: skip
    marked = [bool(c.missing_reason) for c in children if c.pk not in counted_ids]
    result.missing_text = _missing_text(result.missing, len(children), marked)
    kind = obligation.requirement.kind
    keys = [key for key, _title in outline_for(submission.period, kind)]
    result.quotes = _quote_sections(counted, latest, keys)
    result.texts = {key: quote_text(rows) for key, rows in result.quotes.items()}
    below = [c for c in children if c.obligation.submitter_unit.path != unit_path
             and c.obligation.submitter_unit.path.startswith(unit_path)]  # fmt: skip
    live = prefill.values_for(submission)
    if not below:
        result.values = live
        return result
    below_ids = {c.pk for c in below}
    pooled_children = [c for c in counted if c.pk in below_ids]
    result.pooled = len(pooled_children)
    values = pool([latest[c.pk].values for c in pooled_children], live)
    _protect(values, live)
    _with_targets(values, unit_path, report_periods.parse(submission.period).year)
    result.values = values
    return result
