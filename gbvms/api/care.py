"""Services and follow-ups of a case over the API (same services as the case page)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from gbvms.api.cases import Error, IncidentIn, StrictSchema, incident_data
from gbvms.api.versions import (
    VERSION_FIELD,
    ConflictOut,
    VersionRequired,
    case_write,
    etag,
)
from gbvms.cases import selectors, services, services_care
from gbvms.cases.models import FollowUp, NeedKind
from gbvms.orgs.models import Agency

router = Router(tags=["cases"])
NeedCode = Literal[tuple(NeedKind.values)]  # type: ignore[valid-type]


class ServiceIn(StrictSchema):
    version: int | None = VERSION_FIELD
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
    version: int | None = VERSION_FIELD
    due_on: datetime.date
    note: str = Field("", max_length=1000)


class FollowUpOut(Schema):
    id: int
    due_on: datetime.date
    done_at: datetime.datetime | None


class RiskIn(StrictSchema):
    version: int | None = VERSION_FIELD
    answers: dict[str, bool | None] = Field(
        description="factor code → true (yes), false (no) or null (not asked / unknown); a "
        "factor left out is not asked"
    )


class RiskOut(Schema):
    score: int
    level: str = Field(description="'' when no risk was found but some factors are unknown")
    unanswered: list[str]
    safety_plan_required: bool


def _case(request: HttpRequest, code: str):  # type: ignore[no-untyped-def]
    return selectors.case_get_for_user(
        user=request.user, code=code[:20], request=request, for_write=True,
        action="cases.case.opened",
    )  # fmt: skip


@router.post(
    "/cases/{code}/services",
    response={201: ServiceOut, 409: ConflictOut, 422: Error},
    summary="Record a service (an addition: the case version is checked when sent)",
)
def service_create(
    request: HttpRequest, code: str, payload: ServiceIn, response: HttpResponse
) -> Status:
    case = _case(request, code)
    provider = Agency.objects.filter(pk=payload.provider_id, is_active=True).first()
    if provider is None:
        return Status(422, Error(code="validation_error", errors={"provider_id": ["unknown"]}))
    record, refused = case_write(
        request, case, lambda: services_care.service_record(
            actor=request.user, case=case, kind=payload.kind, delivered_at=payload.delivered_at,
            provider=provider, outcome=payload.outcome, request=request,
        ), version=payload.version, required=False,
    )  # fmt: skip
    if refused is not None:
        return refused
    etag(response, case)
    return Status(201, ServiceOut(
        id=record.pk, kind=record.kind, delivered_at=record.delivered_at,
        provider_id=provider.pk, first_support_at=case.first_support_at,
        supported_in_time=services_care.supported_in_time(case),
    ))  # fmt: skip


@router.post(
    "/cases/{code}/follow-ups",
    response={201: FollowUpOut, 409: ConflictOut, 422: Error},
    summary="Plan a follow-up (an addition: the case version is checked when sent)",
)
def follow_up_create(
    request: HttpRequest, code: str, payload: FollowUpIn, response: HttpResponse
) -> Status:
    case = _case(request, code)
    item, refused = case_write(
        request, case, lambda: services_care.follow_up_add(
            actor=request.user, case=case, due_on=payload.due_on, note=payload.note,
            request=request,
        ), version=payload.version, required=False,
    )  # fmt: skip
    if refused is not None:
        return refused
    etag(response, case)
    return Status(201, FollowUpOut(id=item.pk, due_on=item.due_on, done_at=item.done_at))


@router.post(
    "/cases/{code}/follow-ups/{item_id}/done",
    response={200: FollowUpOut, 409: ConflictOut, 422: Error, 428: VersionRequired},
    summary="Mark a follow-up done (an edit: send the case version as If-Match)",
)
def follow_up_complete(
    request: HttpRequest, code: str, item_id: int, response: HttpResponse
) -> Status:
    case, item = selectors.case_item_get_for_user(
        user=request.user, code=code[:20], model=FollowUp, item_id=item_id, request=request
    )
    _done, refused = case_write(
        request, case, lambda: services_care.follow_up_done(
            actor=request.user, follow_up=item, request=request
        ), required=True,
    )  # fmt: skip
    if refused is not None:
        return refused
    etag(response, case)
    return Status(200, FollowUpOut(id=item.pk, due_on=item.due_on, done_at=item.done_at))


@router.post(
    "/cases/{code}/risk",
    response={201: RiskOut, 409: ConflictOut, 422: Error, 428: VersionRequired},
    summary="Assess the risk (it sets the case's level: an edit, send the case version)",
)
def risk_create(request: HttpRequest, code: str, payload: RiskIn, response: HttpResponse) -> Status:
    case = _case(request, code)
    assessment, refused = case_write(
        request, case, lambda: services_care.risk_assess(
            actor=request.user, case=case, answers=payload.answers, request=request
        ), version=payload.version, required=True,
    )  # fmt: skip
    if refused is not None:
        return refused
    etag(response, case)
    required = services_care.safety_plan_required(case)
    unanswered = services_care.risk_unanswered(assessment.answers)
    return Status(201, RiskOut(score=assessment.score, level=assessment.level,
                               unanswered=unanswered, safety_plan_required=required))  # fmt: skip


class IncidentOut(Schema):
    gbv_type: str
    context: list[str]
    age_at_incident: int | None
    reporting_bucket: str


class IncidentUpdateIn(IncidentIn):
    version: int | None = VERSION_FIELD


@router.post(
    "/cases/{code}/incident",
    response={200: IncidentOut, 409: ConflictOut, 422: Error, 428: VersionRequired},
    summary="Classify the case's incident (an edit: send the case version)",
)
def incident_update(
    request: HttpRequest, code: str, payload: IncidentUpdateIn, response: HttpResponse
) -> Status:
    """Store the classification answers of the case's incident (the wizard's service)."""
    case = _case(request, code)
    incident, refused = case_write(
        request, case, lambda: services.incident_classify(
            actor=request.user, case=case, data=incident_data(payload), request=request
        ), version=payload.version, required=True,
    )  # fmt: skip
    if refused is not None:
        return refused
    etag(response, case)
    return Status(200, IncidentOut(
        gbv_type=incident.gbv_type, context=incident.context,
        age_at_incident=incident.age_at_incident, reporting_bucket=incident.reporting_bucket,
    ))  # fmt: skip
