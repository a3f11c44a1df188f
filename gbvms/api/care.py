"""Services and follow-ups of a case over the API (same services as the case page)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from gbvms.api.cases import Error, IncidentIn, StrictSchema, errors_of, incident_data
from gbvms.cases import selectors, services, services_care
from gbvms.cases.models import FollowUp, NeedKind
from gbvms.orgs.models import Agency

router = Router(tags=["cases"])
NeedCode = Literal[tuple(NeedKind.values)]  # type: ignore[valid-type]


class ServiceIn(StrictSchema):
    kind: NeedCode
    delivered_at: datetime.datetime
    provider_id: int
    outcome: str = Field("", max_length=2000)


class ServiceOut(Schema):
    id: int
    kind: str
    delivered_at: datetime.datetime
    provider_id: int
    first_support_at: datetime.datetime | None
    supported_in_time: bool | None


class FollowUpIn(StrictSchema):
    due_on: datetime.date
    note: str = Field("", max_length=1000)


class FollowUpOut(Schema):
    id: int
    due_on: datetime.date
    done_at: datetime.datetime | None


class RiskIn(StrictSchema):
    answers: dict[str, bool]


class RiskOut(Schema):
    score: int
    level: str
    safety_plan_required: bool


def _case(request: HttpRequest, code: str):  # type: ignore[no-untyped-def]
    return selectors.case_get_for_user(
        user=request.user, code=code[:20], request=request, for_write=True,
        action="cases.case.opened",
    )  # fmt: skip


@router.post("/cases/{code}/services", response={201: ServiceOut, 422: Error})
def service_create(request: HttpRequest, code: str, payload: ServiceIn) -> Status:
    case = _case(request, code)
    provider = Agency.objects.filter(pk=payload.provider_id, is_active=True).first()
    if provider is None:
        return Status(422, Error(code="validation_error", errors={"provider_id": ["unknown"]}))
    try:
        record = services_care.service_record(
            actor=request.user, case=case, kind=payload.kind, delivered_at=payload.delivered_at,
            provider=provider, outcome=payload.outcome, request=request,
        )  # fmt: skip
    except ValidationError as exc:
        return Status(422, errors_of(exc))
    return Status(201, ServiceOut(
        id=record.pk, kind=record.kind, delivered_at=record.delivered_at,
        provider_id=provider.pk, first_support_at=case.first_support_at,
        supported_in_time=services_care.supported_in_time(case),
    ))  # fmt: skip


@router.post("/cases/{code}/follow-ups", response={201: FollowUpOut, 422: Error})
def follow_up_create(request: HttpRequest, code: str, payload: FollowUpIn) -> Status:
    case = _case(request, code)
    try:
        item = services_care.follow_up_add(
            actor=request.user, case=case, due_on=payload.due_on, note=payload.note,
            request=request,
        )  # fmt: skip
    except ValidationError as exc:
        return Status(422, errors_of(exc))
    return Status(201, FollowUpOut(id=item.pk, due_on=item.due_on, done_at=item.done_at))


@router.post("/cases/{code}/follow-ups/{item_id}/done", response={200: FollowUpOut, 422: Error})
def follow_up_complete(request: HttpRequest, code: str, item_id: int) -> Status:
    case = _case(request, code)
    item = get_object_or_404(FollowUp, pk=item_id, case=case)
    try:
        services_care.follow_up_done(actor=request.user, follow_up=item, request=request)
    except ValidationError as exc:
        return Status(422, errors_of(exc))
    return Status(200, FollowUpOut(id=item.pk, due_on=item.due_on, done_at=item.done_at))


@router.post("/cases/{code}/risk", response={201: RiskOut, 422: Error})
def risk_create(request: HttpRequest, code: str, payload: RiskIn) -> Status:
    case = _case(request, code)
    try:
        assessment = services_care.risk_assess(
            actor=request.user, case=case, answers=payload.answers, request=request
        )
    except ValidationError as exc:
        return Status(422, errors_of(exc))
    required = services_care.safety_plan_required(case)
    return Status(201, RiskOut(score=assessment.score, level=assessment.level,
                               safety_plan_required=required))  # fmt: skip


class IncidentOut(Schema):
    gbv_type: str
    context: list[str]
    age_at_incident: int | None
    reporting_bucket: str


@router.post("/cases/{code}/incident", response={200: IncidentOut, 422: Error})
def incident_update(request: HttpRequest, code: str, payload: IncidentIn) -> Status:
    """Store the classification answers of the case's incident (the wizard's service)."""
    case = _case(request, code)
    try:
        incident = services.incident_classify(
            actor=request.user, case=case, data=incident_data(payload), request=request
        )
    except ValidationError as exc:
        return Status(422, errors_of(exc))
    return Status(200, IncidentOut(
        gbv_type=incident.gbv_type, context=incident.context,
        age_at_incident=incident.age_at_incident, reporting_bucket=incident.reporting_bucket,
    ))  # fmt: skip
