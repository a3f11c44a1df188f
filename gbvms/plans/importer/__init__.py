"""The plan importer: the text of an official plan (Kế hoạch), a decision issuing one, a notice
or a guidance letter → structured data for an officer to review (``parse_plan``).

It reads the conventions of Vietnamese administrative documents (Decree 30/2020 layout), not any
one document. It never raises on any text and never invents: what it cannot read stays empty and
is named in ``warnings``; every extracted item carries the number of its source line (``line``).
The result's shape is ``schema.PlanResult`` (docs/plans.md, "The JSON shape").

Stages, one module each:

1. **normalise** (``normalise.py``): Markdown, bullets, tables (a table of activities becomes
   numbered items with labelled fields; a table at the top is the header, read column by column);
   hard-wrapped lines rejoined (``rejoin``).
2. **segment** (``segment.py``): Roman sections, numbered/lettered items, "Hoạt động N:" and
   labelled fields into a tree; the section's title decides what it holds.
3. **extract fields**: the header (``header.py``: number, date and place, title, issuer, legal
   basis, period) and the body (``extract.py``: targets, activities, responsibilities, reporting,
   events, campaigns, observances).
4. **assemble** (here, ``parse_plan``): one ``PlanResult``; the period falls back to the body.
5. **validate** (``validate.py``): confidence per header field, warnings for what is missing,
   doubtful or cut off.

Precedence between rules (the first that applies wins):

- title: the line(s) under an upper-case document word ("KẾ HOẠCH", "QUYẾT ĐỊNH", "THÔNG BÁO" …)
  [certain] > "V/v …" of a letter [certain] > a line that names the plan it issues ("… ban hành
  Kế hoạch …") [inferred] > the first plain line above the body [guessed, warned]. An opening
  "Căn cứ …"/"Thực hiện …" sentence is never the title.
- issuer: the upper-case heading block, also from a header table [certain; a bare "Ủy ban nhân dân
  tỉnh" is completed with the place of the date line, inferred, or dropped] > "X ban hành Kế
  hoạch" in the preamble (not "của X", another document's issuer) [inferred] > the signature
  block [inferred].
- number and date: the "Số:" line and the "Place, ngày …" line of the header, never a line of the
  legal basis [certain].
- period: the title's own years (outside quoted programme names, citations and their dates, and a
  "tầm nhìn" horizon) [certain] > the years inside a quoted name [certain] > a campaign period near
  the top > the years of the targets and the activities' timelines [inferred, warned].
- legal basis: every citation in the preamble; the same document (kind and number) cited twice is
  listed once, with its fullest citation.
"""

from __future__ import annotations

from typing import Any

from gbvms.plans.importer import header as header_stage  # the module (its function: .header)
from gbvms.plans.importer.extract import (
    extract_activities,
    extract_events,
    extract_observances,
    extract_reporting,
    extract_responsibilities,
    extract_targets,
    timeline_of,
)
from gbvms.plans.importer.header import period
from gbvms.plans.importer.normalise import Line, to_lines
from gbvms.plans.importer.read import document_text
from gbvms.plans.importer.schema import PlanResult
from gbvms.plans.importer.segment import Node, parse_tree, walk
from gbvms.plans.importer.validate import confidence_of, warnings
from gbvms.plans.training_text import extract_training_requirements

__all__ = [
    "Line",
    "Node",
    "PlanResult",
    "document_text",
    "header_stage",
    "parse_plan",
    "parse_tree",
    "period",
    "timeline_of",
    "to_lines",
    "walk",
]


def _body_period(result: dict[str, Any]) -> tuple[int | None, int | None]:
    """The years the plan's activities run over and its targets aim at, when its title names
    none. A target's year ('đến năm 2025') is an end, never a start: with targets alone the
    start stays unknown."""
    starts, ends = [], [t["year"] for t in result["targets"] if t["year"]]
    for activity in result["activities"]:
        for phase in activity["timeline"]:
            starts.extend(y for y in (phase["from_year"], phase["to_year"]) if y)
    starts = [y for y in starts if 1990 <= y <= 2100]
    ends = [y for y in ends + starts if 1990 <= y <= 2100]
    return (min(starts) if starts else None), (max(ends) if ends else None)


def parse_plan(text: str) -> PlanResult:
    """Read ``text`` (plain text or Markdown) into the plan schema (see docs/plans.md)."""
    text = (text if isinstance(text, str) else str(text or ""))[:5_000_000]
    lines = to_lines(text)
    info, body_start = header_stage.header(lines)
    plan_period = period(info["title"], lines)
    if plan_period["start_year"] or plan_period["end_year"]:
        info["confidence"]["period"] = "certain"
    single_year = plan_period["start_year"] if (
        plan_period["start_year"] and plan_period["start_year"] == plan_period["end_year"]
    ) else None  # fmt: skip
    root = parse_tree(lines, body_start)
    events, campaigns = extract_events(root, single_year)
    result: dict[str, Any] = {
        "title": info["title"] or "",
        "title_line": info["title_line"],
        "issuer": info["issuer"],
        "issuer_line": info["issuer_line"],
        "document_number": info["document_number"],
        "document_number_line": info.get("number_line"),
        "issued_on": info["issued_on"],
        "issued_on_line": info.get("date_line"),
        "place": info.get("place"),
        "period": plan_period,
        "basis": [b["text"] for b in info["basis"]],
        "basis_lines": [b["line"] for b in info["basis"]],
        "targets": extract_targets(root, single_year),
        "activities": extract_activities(root),
        "responsibilities": extract_responsibilities(root),
        "reporting": extract_reporting(lines[body_start:]),
        "events": events,
        "campaigns": campaigns,
        "observances": extract_observances(lines[body_start:], single_year),
    }
    if plan_period["start_year"] is None and plan_period["end_year"] is None:
        start, end = _body_period(result)
        if start is not None or end is not None:
            plan_period["start_year"], plan_period["end_year"] = start, end
            info["confidence"]["period"] = "inferred"
    result["confidence"] = confidence_of(info["confidence"], result)
    result["warnings"] = warnings(result, any(n.kind == "roman" for n in root.children), lines)
    requirements, doubts = extract_training_requirements(result["activities"])
    result["training_requirements"] = requirements
    result["warnings"].extend(doubts)
    return result  # type: ignore[return-value]
