"""Assigning a case, picking one up, and closure requests over the API: the services the
home page, the assign page and the case page call (gbvms.cases.services_assign)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from gbvms.api.cases import Error, errors_of
from gbvms.api.schema import StrictSchema
from gbvms.cases import queues, selectors, services_assign
from gbvms.cases.models import Case, ClosureRequest

router = Router(tags=["cases"])


class AssignIn(StrictSchema):
    username: str = Field(max_length=150, description="a case worker of the case's agency")


class AssigneeOut(Schema):
    username: str
    full_name: str
    assigned_at: datetime.datetime
    accepted_at: datetime.datetime | None


class AssignmentOut(Schema):
    code: str
    assignees: list[AssigneeOut] = Field(description="the workers now on the case")


class ClosureIn(StrictSchema):
    reason: str = Field(max_length=20, description="a closure reason code")
    explanation: str = Field("", max_length=500, description="required for 'other'")


class ClosureReturnIn(StrictSchema):
    note: str = Field(max_length=500, description="what is still to do")


class ClosureOut(Schema):
    id: int
    code: str
    status: str
    reason: str


def _assigned(case: Case) -> AssignmentOut:
    rows = case.assignments.filter(is_active=True).select_related("user").order_by("assigned_at")
    return AssignmentOut(
        code=case.code,
        assignees=[
            AssigneeOut(
                username=a.user.username,
                full_name=a.user.full_name,
                assigned_at=a.assigned_at,
                accepted_at=a.accepted_at,
            )
            for a in rows
        ],
    )


def _error(exc: ValidationError) -> Error:
    """A field error, or a list of errors (the closure checklist) with the first one's code."""
    if hasattr(exc, "error_dict") or getattr(exc, "code", None):
        return errors_of(exc)
    code = next((e.code for e in exc.error_list if e.code), None) or "validation_error"
    return Error(code=code, errors={"__all__": exc.messages})


def _closure(item: ClosureRequest) -> ClosureOut:
    return ClosureOut(id=item.pk, code=item.case.code, status=item.status, reason=item.reason)


@router.post(
    "/cases/{code}/assign",
    response={200: AssignmentOut, 400: Error},
    summary="Assign or reassign the case to a case worker of its agency (supervisors)",
)
def case_assign(request: HttpRequest, code: str, payload: AssignIn) -> Status:
    """The other workers' assignments end; the new worker is notified. A worker who may see
    the case gets 403; anyone who may not, 404; a user who is not a case worker of the
    case's agency over its commune, 400 ``not_case_worker``."""
    case = selectors.case_get_for_supervisor(user=request.user, code=code[:20], request=request)
    try:
        services_assign.case_assign(
            actor=request.user, case=case, username=payload.username, request=request
        )
    except ValidationError as exc:
        return Status(400, _error(exc))
    return Status(200, _assigned(case))


@router.post(
    "/cases/{code}/pick-up",
    response={200: AssignmentOut, 400: Error},
    summary="Take on a new case of your commune (case workers of the case's agency)",
)
def case_pick_up(request: HttpRequest, code: str) -> Status:
    case = queues.pickable_get(request.user, code)
    try:
        services_assign.case_pick_up(actor=request.user, case=case, request=request)
    except ValidationError as exc:
        return Status(400, _error(exc))
    return Status(200, _assigned(case))


@router.post(
    "/cases/{code}/closure-request",
    response={201: ClosureOut, 400: Error},
    summary="Ask the supervisors to close the case (its workers)",
)
def closure_request(request: HttpRequest, code: str, payload: ClosureIn) -> Status:
    case = selectors.case_get_for_user(
        user=request.user, code=code[:20], request=request, for_write=True,
        action="cases.case.opened",
    )  # fmt: skip
    try:
        item = services_assign.closure_request(
            actor=request.user, case=case, reason=payload.reason,
            explanation=payload.explanation, request=request,
        )  # fmt: skip
    except ValidationError as exc:
        return Status(400, _error(exc))
    return Status(201, _closure(item))


@router.post(
    "/closure-requests/{item_id}/approve",
    response={200: ClosureOut, 400: Error},
    summary="Approve a closure request: the case is closed (supervisors)",
)
def closure_approve(request: HttpRequest, item_id: int) -> Status:
    item = queues.closure_get_for_user(request.user, item_id)
    try:
        services_assign.closure_approve(actor=request.user, closure=item, request=request)
    except ValidationError as exc:
        return Status(400, _error(exc))
    return Status(200, _closure(item))


@router.post(
    "/closure-requests/{item_id}/return",
    response={200: ClosureOut, 400: Error},
    summary="Return a closure request with what is still to do (supervisors)",
)
def closure_return(request: HttpRequest, item_id: int, payload: ClosureReturnIn) -> Status:
    item = queues.closure_get_for_user(request.user, item_id)
    try:
        services_assign.closure_return(
            actor=request.user, closure=item, note=payload.note, request=request
        )
    except ValidationError as exc:
        return Status(400, _error(exc))
    return Status(200, _closure(item))
