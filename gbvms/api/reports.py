"""Reports API (issue 12): obligations as submitter or recipient, a submission with its values
and sections, section edits, transitions, completeness. Thin over ``gbvms.reports``: every
read goes through ``reports.selectors`` (a report that is not visible and one that does not
exist are the same 404) and every write through the services, which decide who may act
(``Forbidden`` → 403 ``forbidden``, ``Conflict`` → 409, other ``ValidationError`` → 422, each
with the stable code of ``reports.errors.code_of``)."""

from __future__ import annotations

import datetime
import importlib
import logging
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints, field_validator

from gbvms.api.schema import MAX_LIMIT, PageQuery, QuerySchema, StrictSchema, _check
from gbvms.core import scoping
from gbvms.geo.models import AdminUnit
from gbvms.plans.models import ReportingRequirement
from gbvms.reports import periods, selectors
from gbvms.reports import services_submissions as ss
from gbvms.reports.completeness import completeness
from gbvms.reports.errors import Conflict, Forbidden, code_of
from gbvms.reports.models import EDITABLE, Submission, SubmissionVersion
from gbvms.reports.models import Status as ReportStatus

logger = logging.getLogger(__name__)
router = Router(tags=["reports"])

MAX_ID = 2**31 - 1
MAX_SECTIONS = 30
KEY_LENGTH = 40
READERS_OF_COMPLETENESS = (selectors.APPROVE, "plans.manage", "plans.view")
NOT_FOUND = {"code": "not_found", "detail": "Not found"}


# ---------------------------------------------------------------------------------- schemas


class Problem(Schema):
    code: str = Field(
        description="stable: not_found, forbidden, invalid_period, "
        "invalid_transition, state_changed, stale, not_editable, "
        "children_pending, reason_required, unknown_section, …"
    )
    detail: str


class ReportItem(Schema):
    id: int
    requirement: int = Field(description="the plan's reporting requirement")
    period: str = Field(description="2026S1, 2026S1C, 2026, 2026C, 2026AM…")
    unit_code: str = Field(description="NSO code of the submitter's unit")
    agency_id: int = Field(description="the submitter agency")
    recipient_agency_id: int
    due_at: datetime.datetime
    status: str = Field(
        description="draft, submitted, returned, accepted, approved, locked, reopened"
    )
    version: int = Field(description="optimistic lock: send it back with PATCH")


class ReportList(Schema):
    count: int
    items: list[ReportItem]


class ValueOut(Schema):
    indicator: str
    name: str = ""
    numerator: int | float | None = None
    denominator: int | float | None = None
    value: float | None = None
    target: float | None = None
    status: str | None = Field(None, description="met, not_met, insufficient_data, not_due")
    suppressed: bool = Field(False, description="a small cell: no numbers are shown")


class SectionOut(Schema):
    key: str
    title: str
    text: str


class ReturnOut(Schema):
    reason: str
    notes: dict[str, str] = Field(description="a note per section key")
    at: datetime.datetime


class LiveChange(Schema):
    indicator: str
    name: str
    snapshot: ValueOut | None = Field(description="the figure sent (None: not in it)")
    live: ValueOut | None = Field(description="the figure now (None: no longer there)")


class ReportOut(ReportItem):
    values: list[ValueOut] = Field(
        description="the latest snapshot once sent; the live values for its writers while "
        "it is editable"
    )
    sections: list[SectionOut]
    may_edit: bool = Field(description="the caller writes this report and it is editable")
    first_submitted_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    missing_reason: str
    last_return: ReturnOut | None = Field(description="while returned: why, and the notes")
    live_changes: list[LiveChange] | None = Field(
        None, description="a sent report: the figures that changed since (None: not computed)"
    )


class MissingOut(Schema):
    id: int
    missing_reason: str
    missing_marked_at: datetime.datetime | None


class CompletenessOut(Schema):
    expected: int
    submitted: int
    on_time: int
    reporting_rate: float | None = Field(description="submitted ÷ expected × 100")
    on_time_rate: float | None = Field(description="on time ÷ expected × 100")
    in_draft: int
    returns_per_report: float | None
    median_days_late: float | None


class ListQuery(PageQuery):
    period: str | None = Field(None, max_length=10, description="e.g. 2026S1; all when absent")
    role: Literal["submitter", "recipient"] | None = Field(
        None, description="submitter: mine; recipient: my children's (never their drafts)"
    )
    limit: int = Field(200, ge=1, le=MAX_LIMIT)


class CompletenessQuery(QuerySchema):
    requirement: int = Field(..., ge=1, le=MAX_ID)
    period: str = Field(..., max_length=10)
    unit: str = Field(..., max_length=5, description="NSO code of a current unit")


SectionKey = Annotated[str, StringConstraints(max_length=KEY_LENGTH)]
SectionText = Annotated[str, StringConstraints(max_length=ss.MAX_TEXT)]


class SectionIn(StrictSchema):
    key: SectionKey
    text: SectionText


class SectionsIn(StrictSchema):
    sections: list[SectionIn] = Field(..., min_length=1, max_length=MAX_SECTIONS)
    version: int = Field(..., ge=1, le=MAX_ID, description="the version the edit was read at")


class ReasonIn(StrictSchema):
    reason: str = Field("", max_length=ss.MAX_REASON, description="required (reason_required)")


class ReturnIn(ReasonIn):
    notes: dict[SectionKey, SectionText] = Field(
        default_factory=dict, max_length=MAX_SECTIONS, description="a note per section key"
    )

    @field_validator("notes", mode="before")
    @classmethod
    def _bounded_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for key in value:
                _check(key)
        return value


# ---------------------------------------------------------------------------------- helpers


def _error(exc: Exception) -> Status:
    if isinstance(exc, Forbidden):
        return Status(403, Problem(code=exc.code or "forbidden", detail="Forbidden"))
    assert isinstance(exc, ValidationError)  # noqa: S101 - the callers catch only these
    status = 409 if isinstance(exc, Conflict) else 422
    return Status(status, Problem(code=code_of(exc), detail=" ".join(exc.messages)))


def _not_found() -> Status:
    return Status(404, Problem(**NOT_FOUND))


def _read(user: Any, pk: int) -> Submission | None:
    if not 0 < pk <= MAX_ID:
        return None
    try:
        return selectors.submission_get_for_user(user, pk)
    except Http404:
        return None


def _item(s: Submission) -> dict[str, Any]:
    o = s.obligation
    return {
        "id": s.pk,
        "requirement": o.requirement_id,
        "period": s.period,
        "unit_code": o.submitter_unit.code,
        "agency_id": o.submitter_agency_id,
        "recipient_agency_id": o.recipient_agency_id,
        "due_at": s.due_at,
        "status": s.status,
        "version": s.version,
    }


def _value(row: Any) -> dict[str, Any] | None:
    if not isinstance(row, dict):
        return None
    keys = ("indicator", "name", "numerator", "denominator", "value", "target", "status")
    out = {key: row.get(key) for key in keys}
    out["indicator"], out["name"] = str(out["indicator"] or ""), str(out["name"] or "")
    out["suppressed"] = bool(row.get("suppressed"))
    return out


def _optional(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(f"gbvms.reports.{module}"), name)
    except (ImportError, AttributeError):
        return None


def _live_changes(submission: Submission) -> list[dict[str, Any]] | None:
    live = _optional("compare", "live_changes")
    if live is None:
        return None
    try:
        found = live(submission)
    except Exception:  # an optional helper never breaks the report
        logger.exception("reports api: live_changes failed for %s", submission.pk)
        return None
    return [
        {
            "indicator": str(c.get("indicator", "")),
            "name": str(c.get("name") or ""),
            "snapshot": _value(c.get("snapshot")),
            "live": _value(c.get("live")),
        }
        for c in found
        if isinstance(c, dict)
    ]


def _last_return(submission: Submission) -> dict[str, Any] | None:
    if submission.status != ReportStatus.RETURNED:
        return None
    found = (
        submission.transitions.filter(to_status=ReportStatus.RETURNED)
        .order_by("-at", "-id")
        .first()
    )
    if found is None:
        return None
    return {"reason": found.reason, "notes": dict(found.notes or {}), "at": found.at}


def _detail(user: Any, submission: Submission) -> dict[str, Any]:
    """The report as this caller reads it: its writers see the live draft while it is
    editable; everyone else (and everyone once it is sent) the latest snapshot."""
    writer = selectors.may_write(user, submission)
    live = submission.status in EDITABLE and writer
    snapshot: SubmissionVersion | None = None
    if not live:
        snapshot = submission.versions.order_by("-number").first()
    if snapshot is None:
        values, sections = submission.values, ss.sections_with_titles(submission)
    else:
        values, sections = snapshot.values, snapshot.sections
    sent = submission.status not in EDITABLE
    return {
        **_item(submission),
        "values": [v for v in map(_value, values or []) if v is not None],
        "sections": [
            {
                "key": str(s.get("key", "")),
                "title": str(s.get("title", "")),
                "text": str(s.get("text") or ""),
            }
            for s in sections or []
            if isinstance(s, dict)
        ],
        "may_edit": live,
        "first_submitted_at": submission.first_submitted_at,
        "submitted_at": submission.submitted_at,
        "missing_reason": submission.missing_reason,
        "last_return": _last_return(submission),
        "live_changes": _live_changes(submission) if sent else [],
    }


def _act(request: HttpRequest, pk: int, call: Any) -> Status:
    """Fetch the report the caller sees (else 404), run one service, answer the report."""
    user = request.user
    submission = _read(user, pk)
    if submission is None:
        return _not_found()
    try:
        call(user, submission)
    except (Forbidden, ValidationError) as exc:
        return _error(exc)
    after = _read(user, pk) or submission
    return Status(200, _detail(user, after))


# ---------------------------------------------------------------------------------- routes

ACTION = {200: ReportOut, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


@router.get(
    "/reports",
    response={200: ReportList, 422: Problem},
    summary="My reports: those I submit, or those my agency receives from its children",
)
def report_list(request: HttpRequest, query: Query[ListQuery]) -> Any:
    if query.period is not None and not periods.is_valid(query.period):
        return Status(422, Problem(code="invalid_period", detail="Unknown period"))
    found = selectors.submission_list(request.user, period=query.period, role=query.role)
    page = found[query.offset : query.offset + query.limit]
    return Status(200, {"count": found.count(), "items": [_item(s) for s in page]})


def _completeness_allowed(user: Any, unit: AdminUnit) -> bool:
    return any(scoping.has_permission(user, p, unit.path) for p in READERS_OF_COMPLETENESS)


@router.get(
    "/reports/completeness",
    response={200: CompletenessOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Completeness and timeliness of a requirement's reports over a unit and period",
)
def report_completeness(request: HttpRequest, query: Query[CompletenessQuery]) -> Any:
    if not any(scoping.has_permission(request.user, p) for p in READERS_OF_COMPLETENESS):
        return Status(403, Problem(code="forbidden", detail="Forbidden"))
    requirement = ReportingRequirement.objects.filter(pk=query.requirement).first()
    unit = AdminUnit.objects.current().filter(code=query.unit).first()
    if requirement is None or unit is None:
        what = "requirement" if requirement is None else "unit"
        return Status(404, Problem(code=f"{what}_not_found", detail="Not found"))
    if not periods.is_valid(query.period):
        return Status(422, Problem(code="invalid_period", detail="Unknown period"))
    if not _completeness_allowed(request.user, unit):
        return Status(403, Problem(code="forbidden", detail="Forbidden"))
    figures = completeness(requirement=requirement, period=query.period, unit=unit)
    return Status(200, figures.as_dict())


@router.get(
    "/reports/{report_id}",
    response={200: ReportOut, 404: Problem},
    summary="A report with its indicator values, sections and state",
)
def report_get(request: HttpRequest, report_id: int) -> Any:
    submission = _read(request.user, report_id)
    if submission is None:
        return _not_found()
    return Status(200, _detail(request.user, submission))


@router.patch(
    "/reports/{report_id}",
    response=ACTION,
    summary="Save the text of some sections of an editable report (409 when stale)",
)
def report_patch(request: HttpRequest, report_id: int, payload: SectionsIn) -> Any:
    sections = [s.model_dump() for s in payload.sections]
    return _act(
        request,
        report_id,
        lambda user, s: ss.submission_save_sections(
            actor=user,
            submission=s,
            sections=sections,
            version=payload.version,
        ),
    )


@router.post(
    "/reports/{report_id}/submit",
    response=ACTION,
    summary="Send the report to its recipient (freezes a snapshot)",
)
def report_submit(request: HttpRequest, report_id: int) -> Any:
    return _act(request, report_id, lambda user, s: ss.submission_submit(actor=user, submission=s))


@router.post(
    "/reports/{report_id}/return",
    response=ACTION,
    summary="Return a received report to its submitter, with a reason and notes per section",
)
def report_return(request: HttpRequest, report_id: int, payload: ReturnIn) -> Any:
    return _act(
        request,
        report_id,
        lambda user, s: ss.submission_return(
            actor=user,
            submission=s,
            reason=payload.reason,
            notes=dict(payload.notes),
        ),
    )


@router.post(
    "/reports/{report_id}/accept",
    response=ACTION,
    summary="Accept a received report (received and reviewed)",
)
def report_accept(request: HttpRequest, report_id: int) -> Any:
    return _act(request, report_id, lambda user, s: ss.submission_accept(actor=user, submission=s))


@router.post(
    "/reports/{report_id}/approve",
    response=ACTION,
    summary="Approve an accepted report once the reports it consolidates are approved",
)
def report_approve(request: HttpRequest, report_id: int) -> Any:
    return _act(request, report_id, lambda user, s: ss.submission_approve(actor=user, submission=s))


@router.post(
    "/reports/{report_id}/reopen",
    response=ACTION,
    summary="Reopen an approved or locked report, with a reason",
)
def report_reopen(request: HttpRequest, report_id: int, payload: ReasonIn) -> Any:
    return _act(
        request,
        report_id,
        lambda user, s: ss.submission_reopen(
            actor=user,
            submission=s,
            reason=payload.reason,
        ),
    )


@router.post(
    "/reports/{report_id}/prefill",
    response=ACTION,
    summary="Refresh the values of an editable report and fill its empty sections",
)
def report_prefill(request: HttpRequest, report_id: int) -> Any:
    from gbvms.reports.prefill import submission_prefill

    return _act(request, report_id, lambda user, s: submission_prefill(submission=s, actor=user))


def _child_for_recipient(user: Any, pk: int) -> Submission | None:
    """A report its recipient may mark missing, drafts included (which it cannot read)."""
    found = _read(user, pk)
    if found is not None or not 0 < pk <= MAX_ID:
        return found
    child = Submission.objects.select_related("obligation__recipient_unit").filter(pk=pk).first()
    return child if child is not None and selectors.is_recipient(user, child) else None


@router.post(
    "/reports/{report_id}/missing",
    response={200: MissingOut, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
    summary="Record that a child report will not come (its recipient), with a reason",
)
def report_missing(request: HttpRequest, report_id: int, payload: ReasonIn) -> Any:
    child = _child_for_recipient(request.user, report_id)
    if child is None:
        return _not_found()
    try:
        marked = ss.submission_mark_missing(
            actor=request.user, submission=child, reason=payload.reason
        )
    except (Forbidden, ValidationError) as exc:
        return _error(exc)
    return Status(
        200,
        MissingOut(
            id=marked.pk,
            missing_reason=marked.missing_reason,
            missing_marked_at=marked.missing_marked_at,
        ),
    )
