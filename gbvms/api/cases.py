"""Cases API: the same services and selectors as the pages, the same scoping and logging."""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from gbvms.api.schema import StrictSchema
from gbvms.api.versions import (
    VERSION_FIELD,
    ConflictOut,
    VersionRequired,
    case_write,
    etag,
    field_error_code,
)
from gbvms.cases import classification, selectors, services
from gbvms.cases.models import Case, Channel, Consent, Sex
from gbvms.geo.selectors import unit_get
from gbvms.orgs.models import User

router = Router(tags=["cases"])

ChannelCode = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
SexCode = Literal[tuple(Sex.values)]  # type: ignore[valid-type]
Relationship = Literal[tuple(classification.RELATIONSHIPS)]  # type: ignore[valid-type]


class Answers(StrictSchema):
    rape: bool = False
    sexual_assault: bool = False
    physical_assault: bool = False
    forced_marriage: bool = False
    denial_of_resources: bool = False
    psychological_abuse: bool = False


class ClassifyIn(StrictSchema):
    answers: Answers
    age_at_incident: int | None = Field(None, ge=0, le=120)
    perpetrator_relationships: list[Relationship] = Field(default_factory=list, max_length=20)
    exchange: bool = False
    abduction: bool = False
    harmful_traditional_practice: bool = False


class ClassifyOut(Schema):
    type: str
    context: list[str]


class SurvivorIn(StrictSchema):
    full_name: str = Field("", max_length=200)
    phone: str = Field("", max_length=30)
    birth_year: int | None = Field(None, ge=1900, le=2100)
    sex: SexCode = "female"


class IncidentIn(StrictSchema):
    occurred_on: datetime.date | None = None
    answers: Answers = Field(default_factory=Answers)
    perpetrator_relationships: list[Relationship] = Field(default_factory=list, max_length=20)
    exchange: bool = False
    abduction: bool = False
    harmful_traditional_practice: bool = False


class CaseIn(StrictSchema):
    survivor: SurvivorIn
    channel: ChannelCode | None = Field(
        None, description="default: the user's (a hotline operator's intake is a hotline intake)"
    )
    commune_code: str = Field(max_length=5)
    detected_at: datetime.datetime
    incident: IncidentIn | None = None
    immediate_danger: bool = False
    safe_contact: str = Field("", max_length=500)


class CaseCreated(Schema):
    code: str
    possible_duplicates: list[str]
    hidden_duplicates: int


class Error(Schema):
    code: str
    errors: dict[str, list[str]]


class SurvivorOut(Schema):
    full_name: str
    phone: str
    birth_year: int | None
    sex: str


class IncidentOut(Schema):
    occurred_on: datetime.date | None
    reported_on: datetime.date
    gbv_type: str
    context: list[str]
    reporting_bucket: str


class CaseOut(Schema):
    code: str
    status: str
    channel: str
    commune_code: str
    commune_name: str
    owning_agency: str
    detected_at: datetime.datetime
    first_support_at: datetime.datetime | None
    immediate_danger: bool
    risk_level: str
    survivor: SurvivorOut
    incidents: list[IncidentOut]
    version: int = Field(description="send it back (If-Match or `version`) with an edit")


class ConsentIn(StrictSchema):
    kind: Literal["services", "sharing", "statistics"]
    service_types: list[str] = Field(default_factory=list, max_length=20)
    provider_ids: list[int] = Field(default_factory=list, max_length=50)
    given_by: Literal["survivor", "guardian", "best_interest", "life_threat"]
    exception_reason: str = Field("", max_length=500)
    approved_by: str = Field("", max_length=150, description="supervisor's username")
    version: int | None = VERSION_FIELD
    expires_at: datetime.datetime | None = Field(
        None, description="when the consent lapses (blank: until withdrawn)"
    )


class ConsentOut(Schema):
    id: int
    kind: str
    service_types: list[str]
    provider_ids: list[int]
    given_by: str
    given_at: datetime.datetime
    withdrawn_at: datetime.datetime | None
    expires_at: datetime.datetime | None = None


def errors_of(exc: ValidationError) -> Error:
    if hasattr(exc, "error_dict"):
        return Error(code=field_error_code(exc), errors=exc.message_dict)
    return Error(code=exc.code or "validation_error", errors={"__all__": exc.messages})


def incident_data(data: IncidentIn | ClassifyIn) -> services.IncidentData:
    return services.IncidentData(
        occurred_on=getattr(data, "occurred_on", None),
        answers=data.answers.model_dump(),
        relationships=list(data.perpetrator_relationships),
        exchange=data.exchange,
        abduction=data.abduction,
        harmful_traditional_practice=data.harmful_traditional_practice,
    )


@router.post("/incidents/classify", response=ClassifyOut, summary="Classify an incident")
def classify(request: HttpRequest, payload: ClassifyIn) -> ClassifyOut:
    answers = payload.answers.model_dump()
    gbv_type = classification.classify_type(answers) or classification.NON_GBV
    context = classification.derive_context(
        gbv_type,
        age_at_incident=payload.age_at_incident,
        relationships=list(payload.perpetrator_relationships),
        exchange=payload.exchange,
        abduction=payload.abduction,
        harmful_traditional_practice=payload.harmful_traditional_practice,
    )
    return ClassifyOut(type=gbv_type, context=context)


@router.post("/cases", response={201: CaseCreated, 422: Error}, summary="Open a case")
def case_create(request: HttpRequest, payload: CaseIn) -> Status[CaseCreated | Error]:
    commune = unit_get(code=payload.commune_code, level="commune")
    if commune is None:
        errors = {"commune_code": ["Mã xã không tồn tại."]}
        return Status(422, Error(code="validation_error", errors=errors))
    detected_at = payload.detected_at
    if timezone.is_naive(detected_at):
        detected_at = timezone.make_aware(detected_at)
    try:
        opened = services.case_open(
            actor=request.user,
            survivor=services.SurvivorData(**payload.survivor.model_dump()),
            channel=payload.channel or "",
            commune=commune,
            detected_at=detected_at,
            incident=incident_data(payload.incident) if payload.incident else None,
            immediate_danger=payload.immediate_danger,
            safe_contact=payload.safe_contact,
            request=request,
        )
    except ValidationError as exc:
        return Status(422, errors_of(exc))
    created = CaseCreated(
        code=opened.case.code,
        possible_duplicates=opened.duplicates.visible_codes,
        hidden_duplicates=opened.duplicates.hidden_count,
    )
    return Status(201, created)


def case_out(case: Case) -> CaseOut:
    survivor = case.survivor
    return CaseOut(
        code=case.code,
        status=case.status,
        channel=case.channel,
        commune_code=case.unit.code,
        commune_name=case.unit.name,
        owning_agency=case.owning_agency.name,
        detected_at=case.detected_at,
        first_support_at=case.first_support_at,
        immediate_danger=case.immediate_danger,
        risk_level=case.risk_level,
        survivor=SurvivorOut(
            full_name=survivor.full_name,
            phone=survivor.phone,
            birth_year=survivor.birth_year,
            sex=survivor.sex,
        ),
        incidents=[
            IncidentOut(
                occurred_on=i.occurred_on,
                reported_on=i.reported_on,
                gbv_type=i.gbv_type,
                context=i.context,
                reporting_bucket=i.reporting_bucket,
            )
            for i in case.incidents.all()
        ],
        version=case.version,
    )


@router.get("/cases/{code}", response=CaseOut, summary="One case (logged); ETag: its version")
def case_detail(request: HttpRequest, code: str, response: HttpResponse) -> CaseOut:
    case = selectors.case_get_for_user(user=request.user, code=code[:20], request=request)
    response["ETag"] = f'"{case.version}"'
    return case_out(case)


@router.post(
    "/cases/{code}/consents",
    response={201: ConsentOut, 409: ConflictOut, 422: Error},
    summary="Record consent (an addition: the case version is checked when sent)",
)
def consent_create(
    request: HttpRequest, code: str, payload: ConsentIn, response: HttpResponse
) -> Status[ConsentOut | Error]:
    case = selectors.case_get_for_user(
        user=request.user, code=code[:20], request=request, for_write=True
    )
    data = payload.model_dump()
    approver, version = data.pop("approved_by"), data.pop("version")
    data["approved_by"] = User.objects.filter(username=approver).first() if approver else None
    consent, refused = case_write(
        request, case, lambda: services.consent_give(
            actor=request.user, case=case, request=request, **data
        ), version=version, required=False,
    )  # fmt: skip
    if refused is not None:
        return refused
    etag(response, case)
    return Status(201, ConsentOut.from_orm(consent))


@router.post(
    "/cases/{code}/consents/{consent_id}/withdraw",
    response={200: ConsentOut, 409: ConflictOut, 422: Error, 428: VersionRequired},
    summary="Withdraw consent (an edit: send the case version as If-Match)",
)
def consent_withdraw(
    request: HttpRequest, code: str, consent_id: int, response: HttpResponse
) -> Status[ConsentOut | Error]:
    case, consent = selectors.case_item_get_for_user(
        user=request.user, code=code[:20], model=Consent, item_id=consent_id, request=request
    )
    _done, refused = case_write(
        request, case, lambda: services.consent_withdraw(
            actor=request.user, consent=consent, request=request
        ), required=True,
    )  # fmt: skip
    if refused is not None:
        return refused
    etag(response, case)
    return Status(200, ConsentOut.from_orm(consent))
