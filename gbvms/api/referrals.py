"""Directory, referrals and the public help requests over JSON: the same services, scoping and
logging as the pages."""

from __future__ import annotations

import datetime
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from gbvms.api.cases import Error, StrictSchema, errors_of
from gbvms.api.schema import MAX_LIMIT, PageQuery
from gbvms.api.versions import CONFLICT_CODES
from gbvms.cases import selectors as case_selectors
from gbvms.cases.models import ServiceCode
from gbvms.core.twofactor import needs_second_factor
from gbvms.geo.models import AdminUnit
from gbvms.geo.selectors import unit_get
from gbvms.referrals import selectors, services, services_directory, services_public
from gbvms.referrals.access import access_state
from gbvms.referrals.models import HelpKind, HelpStatus, ServiceProvider, Urgency

router = Router(tags=["referrals"])
public_router = Router(tags=["public"], auth=None)

Service = Literal[tuple(ServiceCode.values)]  # type: ignore[valid-type]
UrgencyCode = Literal[tuple(Urgency.values)]  # type: ignore[valid-type]
SectionCode = Literal["summary", "needs", "case_except_notes"]
KindCode = Literal[tuple(HelpKind.values)]  # type: ignore[valid-type]


class ProviderOut(Schema):
    id: int
    name: str
    type: str
    services: list[str]
    agency_id: int
    tier: str
    open_now: bool
    open_24_7: bool
    public_phone: str
    public_address: str
    internal_phone: str | None = None
    beds_free: int | None = None


class ProvidersOut(Schema):
    items: list[ProviderOut]


@public_router.get(
    "/directory/providers",
    response={200: ProvidersOut, 404: Error},
    summary="Who can help here (public fields without login)",
)
def directory_providers(request: HttpRequest, commune_code: str, service: Service) -> Status:
    unit = unit_get(code=commune_code[:5], level="commune")
    if unit is None:
        return Status(404, Error(code="not_found", errors={"commune_code": ["unknown commune"]}))
    # A session still owing its second factor is not staff here either.
    staff = request.user.is_authenticated and not needs_second_factor(request.user)
    items = [
        ProviderOut(
            id=m.provider.pk,
            name=m.provider.name,
            type=m.provider.type,
            services=m.provider.services,
            agency_id=m.provider.agency_id,
            tier=m.tier,
            open_now=m.open_now,
            open_24_7=m.provider.open_24_7,
            public_phone=m.provider.public_phone,
            public_address=m.provider.public_address,
            internal_phone=m.provider.internal_phone if staff else None,
            beds_free=m.provider.beds_free() if staff else None,
        )
        for m in services_directory.providers_for(unit, service)
    ]
    return Status(200, ProvidersOut(items=items))


class ReferralIn(StrictSchema):
    provider_id: int
    services: list[Service] = Field(min_length=1, max_length=7)
    urgency: UrgencyCode
    visible_sections: list[SectionCode] = Field(min_length=1, max_length=3)
    note: str = Field("", max_length=2000)


class Created(Schema):
    id: int


class Problem(Schema):
    code: str
    detail: str


@router.post(
    "/cases/{code}/referrals",
    response={201: Created, 409: Problem, 422: Error},
    summary="Refer a case to a provider (refused without consent)",
)
def referral_create(request: HttpRequest, code: str, payload: ReferralIn) -> Status:
    # the provider first (the directory is public): a 404 on it leaves no 'case opened' row
    provider = get_object_or_404(ServiceProvider, pk=payload.provider_id, is_active=True)
    case = case_selectors.case_get_for_user(
        user=request.user,
        code=code[:20],
        request=request,
        for_write=True,
        action="cases.case.opened",
    )
    try:
        referral = services.referral_send(
            actor=request.user,
            case=case,
            provider=provider,
            services=list(payload.services),
            urgency=payload.urgency,
            visible_sections=list(payload.visible_sections),
            note=payload.note,
            request=request,
        )
    except ValidationError as exc:
        if getattr(exc, "code", "") == "consent_required":
            return Status(409, Problem(code="consent_required", detail=" ".join(exc.messages)))
        return Status(422, errors_of(exc))
    return Status(201, Created(id=referral.pk))


class ReferralOut(Schema):
    id: int
    case_code: str
    provider_id: int
    services: list[str]
    urgency: str
    status: str
    sent_at: datetime.datetime
    respond_by: datetime.datetime
    accepted_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    decline_reason: str
    suggested_provider_id: int | None


def referral_out(r: object) -> ReferralOut:
    return ReferralOut(
        id=r.pk,
        case_code=r.case.code,
        provider_id=r.provider_id,
        services=r.services,  # type: ignore[attr-defined]
        urgency=r.urgency,
        status=r.status,
        sent_at=r.sent_at,
        respond_by=r.respond_by,  # type: ignore[attr-defined]
        accepted_at=r.accepted_at,
        completed_at=r.completed_at,  # type: ignore[attr-defined]
        decline_reason=r.decline_reason,
        suggested_provider_id=r.suggested_provider_id,  # type: ignore[attr-defined]
    )


class InboxQuery(PageQuery):
    status: str = Field("", max_length=10)
    limit: int = Field(200, ge=1, le=MAX_LIMIT)


@router.get("/referrals/inbox", response=list[ReferralOut], summary="Referrals to my providers")
def referral_inbox(request: HttpRequest, filters: Query[InboxQuery]) -> list[ReferralOut]:
    page = selectors.inbox(request.user, filters.status)
    page = page[filters.offset : filters.offset + filters.limit]
    return [referral_out(r) for r in page]


class SharedOut(Schema):
    """What the sender chose to share, while the receiver's access lasts."""

    full_name: str
    birth_year: int | None
    sex: str
    safe_contact: str
    commune_code: str
    risk_level: str
    immediate_danger: bool
    gbv_types: list[str]
    needs: list[dict[str, str]] | None = None
    safety_plan: str | None = None


class ReferralDetailOut(ReferralOut):
    side: str
    outcome: str
    access_visible: bool
    access_end_reason: str
    access_ended_at: datetime.datetime | None
    shared: SharedOut | None


def _shared(referral: object) -> SharedOut:
    case = referral.case  # type: ignore[attr-defined]
    sections = set(referral.visible_sections)  # type: ignore[attr-defined]
    full = "case_except_notes" in sections
    plan = getattr(case, "safety_plan", None) if full else None
    return SharedOut(
        full_name=case.survivor.full_name,
        birth_year=case.survivor.birth_year,
        sex=case.survivor.sex,
        safe_contact=case.safe_contact,
        commune_code=case.unit.code,
        risk_level=case.risk_level,
        immediate_danger=case.immediate_danger,
        gbv_types=[i.gbv_type for i in case.incidents.all()],
        needs=[{"kind": n.kind, "status": n.status} for n in case.needs.all()]
        if full or "needs" in sections
        else None,
        safety_plan=plan.concern if plan else None,
    )


@router.get(
    "/referrals/{pk}",
    response=ReferralDetailOut,
    summary="One referral: the receiver sees the shared sections while its access lasts",
)
def referral_detail(request: HttpRequest, pk: int) -> ReferralDetailOut:
    referral, side = selectors.referral_for_user(user=request.user, pk=pk, request=request)
    state = access_state(referral)
    visible = side == "receiver" and state.visible
    return ReferralDetailOut(
        **referral_out(referral).model_dump(),
        side=side,
        outcome=referral.outcome,
        access_visible=state.visible,
        access_end_reason=state.reason,
        access_ended_at=state.ended_at,
        shared=_shared(referral) if visible else None,
    )


def _received(request: HttpRequest, pk: int) -> object:
    """The receiver's side only (the sender gets the same 404); logged by the decision's
    service, so a refused request writes nothing."""
    referral, _side = selectors.referral_for_user(
        user=request.user, pk=pk, side="receiver", log=False
    )
    return referral


class DeclineIn(StrictSchema):
    reason: str = Field(max_length=500)


class CompleteIn(StrictSchema):
    outcome: str = Field(max_length=2000)


def _decided(fn: object) -> Status:
    """The receiver's decision; one that lost a race (already decided) is a 409."""
    try:
        referral = fn()  # type: ignore[operator]
    except ValidationError as exc:
        return Status(409 if getattr(exc, "code", None) in CONFLICT_CODES else 422, errors_of(exc))
    return Status(200, referral_out(referral))


@router.post("/referrals/{pk}/accept", response={200: ReferralOut, 409: Error, 422: Error})
def referral_accept(request: HttpRequest, pk: int) -> Status:
    referral = _received(request, pk)
    return _decided(
        lambda: services.referral_accept(actor=request.user, referral=referral, request=request)
    )


@router.post("/referrals/{pk}/decline", response={200: ReferralOut, 409: Error, 422: Error})
def referral_decline(request: HttpRequest, pk: int, payload: DeclineIn) -> Status:
    referral = _received(request, pk)
    return _decided(
        lambda: services.referral_decline(
            actor=request.user, referral=referral, reason=payload.reason, request=request
        )
    )


@router.post("/referrals/{pk}/complete", response={200: ReferralOut, 409: Error, 422: Error})
def referral_complete(request: HttpRequest, pk: int, payload: CompleteIn) -> Status:
    referral = _received(request, pk)
    return _decided(
        lambda: services.referral_complete(
            actor=request.user, referral=referral, outcome=payload.outcome, request=request
        )
    )


class ContactIn(StrictSchema):
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=200)
    safe_times: str | None = Field(None, max_length=200)
    no_contact: bool = False


class HelpRequestIn(StrictSchema):
    kind: KindCode
    commune_code: str = Field(max_length=5)
    description: str = Field("", max_length=2000)
    answers: list[str] = Field(default_factory=list, max_length=20)
    contact: ContactIn = Field(default_factory=ContactIn)


class HelpCreated(Schema):
    tracking_code: str
    pin: str


class Limited(Schema):
    code: str


@public_router.post(
    "/public/help-requests",
    response={201: HelpCreated, 422: Error, 429: Limited},
    summary="Anonymous help request (no login)",
)
def help_request_create(request: HttpRequest, payload: HelpRequestIn) -> Status:
    address = services_public.client_address(request)
    if not services_public.rate_allowed("help_request", address, settings.PUBLIC_REQUESTS_PER_HOUR):
        return Status(429, Limited(code="rate_limited"))
    unit = AdminUnit.objects.current().filter(level="commune", code=payload.commune_code).first()
    if unit is None:
        return Status(422, Error(code="invalid", errors={"commune_code": ["unknown commune"]}))
    try:
        item, pin = services_public.help_request_create(
            kind=payload.kind,
            commune=unit,
            description=payload.description,
            answers=payload.answers,
            contact=payload.contact.model_dump(),
        )
    except ValidationError as exc:
        return Status(422, errors_of(exc))
    return Status(201, HelpCreated(tracking_code=item.tracking_code, pin=pin))


class StatusIn(StrictSchema):
    tracking_code: str = Field(max_length=12)
    pin: str = Field(max_length=6)


class ReplyOut(Schema):
    at: datetime.datetime
    text: str


class HelpStatusOut(Schema):
    kind: str
    status: str
    created_on: datetime.date
    replies: list[ReplyOut]


@public_router.post(
    "/public/help-requests/status",
    response={200: HelpStatusOut, 404: Limited, 429: Limited},
    summary="Status and replies of a help request (nothing identifying)",
)
def help_request_status(request: HttpRequest, payload: StatusIn) -> Status:
    try:
        item = services_public.help_status(
            payload.tracking_code, payload.pin, address=services_public.client_address(request)
        )
    except services_public.RateLimitedError:
        return Status(429, Limited(code="rate_limited"))
    if item is None:
        return Status(404, Limited(code="not_found"))
    return Status(
        200,
        HelpStatusOut(
            kind=item.kind,
            status=HelpStatus(item.status).value,
            created_on=item.created_at.date(),
            replies=[ReplyOut(at=r.created_at, text=r.text) for r in item.replies.all()],
        ),
    )
