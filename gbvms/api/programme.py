"""API of the programme delivery records: vocabularies, campaigns, events, trainings; models,
inspections and budget lines come from ``api.programme_delivery``.

Campaigns, events and trainings share one shape of routes (``_routes``): a list filtered by unit
(NSO code, its subtree), year, status and plan activity; create; read; update (``PATCH``: the
fields sent replace the stored ones, the others are kept); cancel. Every write goes through the
same service as the pages (``gbvms.programme.services``), so the rules, the indicator marks and
the log are the same. Errors: 422 ``{"code", "errors": {field: [message]}}`` naming the API's
field (``unit_code``, not the service's ``unit``), 403 without the permission, 404 for a record
that does not exist or is not the caller's.

No ``from __future__ import annotations`` here: the routes are made in ``_routes`` and
django-ninja reads their (closure) annotations as objects.
"""

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import create_model

from gbvms.api import programme_refs as refs
from gbvms.api.cases import Error
from gbvms.api.referrals import Created, Problem
from gbvms.api.schema import PageQuery, StrictSchema
from gbvms.core import inputs
from gbvms.plans.models import Activity
from gbvms.programme import selectors, services, vocab
from gbvms.programme.models import Campaign

router = Router(tags=["programme"])

MAX_COUNT = 10_000_000  # people, items
MAX_AMOUNT = 10**15  # VND


def _codes(values: list[str]) -> Any:
    return Literal[tuple(values)]


def _vocab(name: str) -> Any:
    return _codes(list(vocab.VOCABULARIES[name].values))


CampaignKindCode = _vocab("campaign_kind")
EventKindCode = _codes(vocab.COMMUNICATION_KINDS)
AudienceCode = _vocab("audience_group")
MediaCode = _vocab("media_kind")
FundingCode = _vocab("funding_source")
TopicCode = _vocab("training_topic")
GroupCode = _vocab("target_group")
SexCode = _vocab("sex")
LevelCode = _codes(["", *vocab.TrainingLevel.values])
TrainerCode = _codes(["", *vocab.TrainerSource.values])
StatusCode = Literal["planned", "done"]
PkPath = Path(..., ge=1, le=inputs.INT_MAX)


# ------------------------------------------------------------------ input


class FundingRowIn(StrictSchema):
    source: FundingCode
    amount: int = Field(ge=0, le=MAX_AMOUNT, description="VND")


class MediaOutputIn(StrictSchema):
    kind: MediaCode
    quantity: int = Field(ge=0, le=MAX_COUNT)


class ParticipantIn(StrictSchema):
    group: GroupCode = Field(description="one of the training's target_groups")
    sex: SexCode
    count: int = Field(ge=0, le=MAX_COUNT)


class ProgrammeRecordIn(StrictSchema):
    title: str = Field(min_length=1, max_length=300)
    unit_code: str = Field(
        min_length=2, max_length=5, description="NSO code of a current province (2) or commune (5)"
    )
    lead_agency_id: int
    start: datetime.date
    end: datetime.date | None = Field(None, description="default: the start (one day)")
    plan_activity_id: int | None = Field(None, description="the plan activity it implements")
    status: StatusCode = "done"
    note: str = Field("", max_length=2000, description="no personal data")
    coordinating_agency_ids: list[int] = Field(default_factory=list, max_length=50)


class CampaignIn(ProgrammeRecordIn):
    kind: CampaignKindCode
    end: datetime.date
    year: int | None = Field(None, ge=2000, le=2100, description="default: the start's year")
    theme: str = Field("", max_length=500)
    guidance_document: str = Field("", max_length=300)


class DeliveryIn(ProgrammeRecordIn):
    campaign_id: int | None = Field(None, description="a campaign of this unit or one above it")
    venue: str = Field("", max_length=300)
    cost_planned: int = Field(0, ge=0, le=MAX_AMOUNT, description="VND")
    cost_actual: int = Field(0, ge=0, le=MAX_AMOUNT, description="VND")
    funding: list[FundingRowIn] = Field(default_factory=list, max_length=20)


class EventIn(DeliveryIn):
    kind: EventKindCode
    audience_groups: list[AudienceCode] = Field(default_factory=list, max_length=20)
    participants_total: int | None = Field(
        None, ge=0, le=MAX_COUNT, description="default: female + male + other"
    )
    participants_female: int = Field(0, ge=0, le=MAX_COUNT)
    participants_male: int = Field(0, ge=0, le=MAX_COUNT)
    participants_other: int = Field(0, ge=0, le=MAX_COUNT)
    participants_ethnic: int | None = Field(None, ge=0, le=MAX_COUNT)
    participants_disability: int | None = Field(None, ge=0, le=MAX_COUNT)
    media_outputs: list[MediaOutputIn] = Field(default_factory=list, max_length=50)
    reach_estimate: int | None = Field(None, ge=0, le=10**10)
    reach_source: str = Field("", max_length=200)


class TrainingIn(DeliveryIn):
    topic: TopicCode
    target_groups: list[GroupCode] = Field(max_length=20)
    participants: list[ParticipantIn] = Field(max_length=100, description="by group × sex")
    participants_total: int | None = Field(
        None, ge=0, le=MAX_COUNT, description="when sent, must equal the sum of participants"
    )
    level: LevelCode = Field("", description="default: the unit's level")
    days: Decimal | None = Field(None, ge=0, max_digits=4, decimal_places=1)
    hours: Decimal | None = Field(None, ge=0, max_digits=5, decimal_places=1)
    trainers_count: int = Field(0, ge=0, le=10_000)
    trainer_source: TrainerCode = ""
    pre_score: Decimal | None = Field(None, ge=0, max_digits=5, decimal_places=2)
    post_score: Decimal | None = Field(None, ge=0, max_digits=5, decimal_places=2)


def _partial(schema: type[StrictSchema], name: str) -> type[StrictSchema]:
    """``schema`` with every field optional: a field left out keeps the stored value; a null
    where the full schema refuses one is still refused."""
    fields: dict[str, Any] = {}
    for field, info in schema.model_fields.items():
        optional = copy.copy(info)
        optional.default, optional.default_factory = None, None
        fields[field] = (info.annotation, optional)
    return create_model(name, __base__=StrictSchema, __module__=__name__, **fields)


CampaignPatch = _partial(CampaignIn, "CampaignPatch")
EventPatch = _partial(EventIn, "EventPatch")
TrainingPatch = _partial(TrainingIn, "TrainingPatch")


class ProgrammeCancelIn(StrictSchema):
    reason: str = Field("", max_length=500)


class RecordQuery(PageQuery):
    unit: str = Field("", max_length=5, description="NSO code: the unit and its subtree")
    year: int | None = Field(None, ge=2000, le=2100, description="records that overlap it")
    status: Literal["", "planned", "done", "cancelled"] = ""
    activity: int | None = Field(None, ge=1, description="plan activity id")


# ------------------------------------------------------------------ output


class ProgrammeUnitRef(Schema):
    code: str
    name: str


class ProgrammeAgencyRef(Schema):
    id: int
    name: str


class FundingRowOut(Schema):
    source: str
    amount: int


class MediaOutputOut(Schema):
    kind: str
    quantity: int


class ParticipantOut(Schema):
    group: str
    sex: str
    count: int


class ProgrammeRecordOut(Schema):
    id: int
    code: str
    title: str
    kind: str
    status: str
    unit: ProgrammeUnitRef
    lead_agency: ProgrammeAgencyRef
    start: datetime.date
    end: datetime.date
    plan_activity_id: int | None
    note: str
    coordinating_agency_ids: list[int]

    @staticmethod
    def resolve_coordinating_agency_ids(obj: Any) -> list[int]:
        return sorted(a.pk for a in obj.coordinating_agencies.all())


class CampaignOut(ProgrammeRecordOut):
    year: int
    theme: str
    guidance_document: str


class DeliveryOut(ProgrammeRecordOut):
    campaign_id: int | None
    venue: str
    participants_total: int
    participants_female: int
    participants_male: int
    participants_other: int
    cost_planned: int
    cost_actual: int
    funding: list[FundingRowOut]


class EventOut(DeliveryOut):
    audience_groups: list[str]
    participants_ethnic: int | None
    participants_disability: int | None
    media_outputs: list[MediaOutputOut]
    reach_estimate: int | None
    reach_source: str


class TrainingOut(DeliveryOut):
    topic: str = Field(alias="training.topic")
    target_groups: list[str] = Field(alias="training.target_groups")
    level: str = Field(alias="training.level")
    participants: list[ParticipantOut] = Field(description="by group × sex")
    days: float | None = Field(alias="training.days")
    hours: float | None = Field(alias="training.hours")
    trainers_count: int = Field(alias="training.trainers_count")
    trainer_source: str = Field(alias="training.trainer_source")
    pre_score: float | None = Field(alias="training.pre_score")
    post_score: float | None = Field(alias="training.post_score")

    @staticmethod
    def resolve_participants(obj: Any) -> list[Any]:
        return sorted(obj.participations.all(), key=lambda p: (p.group, p.sex))


class CampaignPage(Schema):
    count: int
    items: list[CampaignOut]


class EventPage(Schema):
    count: int
    items: list[EventOut]


class TrainingPage(Schema):
    count: int
    items: list[TrainingOut]


# ------------------------------------------------------------------ references and errors


_unit = refs.unit
_agency = refs.agency("lead_agency_id")
_agencies = refs.agencies("coordinating_agency_ids")


def _activity(pk: int | None) -> Any:
    """The plan activity; whether the caller may see its plan is the service's check (the same
    message and code)."""
    activity = Activity.objects.filter(pk=pk).first() if pk is not None else None
    if pk is not None and activity is None:
        raise services.invalid(
            "plan_activity_id", _("Không tìm thấy hoạt động của kế hoạch."), "activity_unknown"
        )
    return activity


def _campaign(pk: int | None) -> Campaign | None:
    """The campaign; the service accepts only one of the record's unit or a unit above it."""
    campaign = Campaign.objects.select_related("unit").filter(pk=pk).first() if pk else None
    if pk is not None and campaign is None:
        raise services.invalid("campaign_id", _("Không tìm thấy chiến dịch."), "campaign_unknown")
    return campaign


# API field → (service keyword, resolver)
REFERENCES: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "unit_code": ("unit", _unit),
    "lead_agency_id": ("lead_agency", _agency),
    "plan_activity_id": ("plan_activity", _activity),
    "campaign_id": ("campaign", _campaign),
    "coordinating_agency_ids": ("coordinating_agencies", _agencies),
}
API_FIELDS = refs.api_fields(REFERENCES)


def _arguments(values: dict[str, Any]) -> dict[str, Any]:
    return refs.arguments(REFERENCES, values)


def _error(exc: ValidationError, names: dict[str, str] = API_FIELDS) -> Error:
    return refs.error(exc, names)


_require = refs.require


# ------------------------------------------------------------------ stored values (PATCH)


RECORD = ("title", "unit", "lead_agency", "start", "end", "plan_activity", "status", "note")
DELIVERY = (*RECORD, "campaign", "venue", "cost_planned", "cost_actual", "funding")
EVENT = (*DELIVERY, "kind", "model", "audience_groups", "participants_female",
         "participants_male", "participants_other", "participants_ethnic",
         "participants_disability", "media_outputs", "reach_estimate", "reach_source")  # fmt: skip
TRAINING = ("topic", "target_groups", "level", "days", "hours", "trainers_count",
            "trainer_source", "pre_score", "post_score")  # fmt: skip


def _attributes(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _stored(r: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return _attributes(r, names) | {"coordinating_agencies": list(r.coordinating_agencies.all())}


def _stored_campaign(r: Campaign) -> dict[str, Any]:
    return _stored(r, (*RECORD, "kind", "theme", "guidance_document"))


def _stored_event(r: Any) -> dict[str, Any]:
    by_sex = r.participants_female + r.participants_male + r.participants_other
    # a total without the split by sex is kept; with it, the total is their sum
    return _stored(r, EVENT) | {"participants_total": None if by_sex else r.participants_total}


def _stored_training(r: Any) -> dict[str, Any]:
    participants = [_attributes(p, ("group", "sex", "count")) for p in r.participations.all()]
    return (_stored(r, DELIVERY) | _attributes(r.training, TRAINING)
            | {"participants": participants, "participants_total": None})  # fmt: skip


def _campaign_save(*, year: int | None = None, **arguments: Any) -> Campaign:
    return services.campaign_save(year=year or arguments["start"].year, **arguments)


# ------------------------------------------------------------------ routes


@dataclass(frozen=True)
class Kind:
    kind: str  # of ``selectors.records``
    path: str
    label: str
    body: type[StrictSchema]
    patch: type[StrictSchema]
    out: type[Schema]
    page: type[Schema]
    stored: Callable[[Any], dict[str, Any]]
    save: Callable[..., Any]
    target: str  # the service's keyword of the record to update


def _save(request: HttpRequest, kind: Kind, values: dict[str, Any], record: Any = None) -> Any:
    """The service's record, or a 422 ``Status``."""
    try:
        arguments = _arguments(values)
        if record is not None:
            arguments = kind.stored(record) | arguments | {kind.target: record}
        return kind.save(actor=request.user, request=request, **arguments)
    except ValidationError as exc:
        return Status(422, _error(exc))


def _routes(kind: Kind) -> None:
    one, op = f"/{kind.path}/{{pk}}", f"programme_{kind.kind}"
    errors = {403: Problem, 422: Error}

    @router.get(f"/{kind.path}", response={200: kind.page, **errors}, operation_id=f"{op}_list",
                summary=f"{kind.label}: list (scoped; unit, year, status, activity)")  # fmt: skip
    def records(request: HttpRequest, filters: Query[RecordQuery]) -> Any:
        _require(request.user, "programme.view")
        try:
            unit = _unit(filters.unit, "unit") if filters.unit else None
        except ValidationError as exc:
            return Status(422, _error(exc, {}))
        qs = selectors.record_list(
            user=request.user, kind=kind.kind, unit_path=unit.path if unit else "",
            year=filters.year, status=filters.status, activity_id=filters.activity,
        ).prefetch_related("coordinating_agencies")  # fmt: skip
        if kind.kind == "training":
            qs = qs.prefetch_related("participations")
        page = qs[filters.offset : filters.offset + filters.limit]
        return {"count": qs.count(), "items": list(page)}

    @router.post(f"/{kind.path}", response={201: Created, **errors}, operation_id=f"{op}_create",
                 summary=f"{kind.label}: record")  # fmt: skip
    def create(request: HttpRequest, payload: kind.body) -> Any:
        _require(request.user, "programme.record")
        record = _save(request, kind, payload.model_dump())
        return record if isinstance(record, Status) else Status(201, Created(id=record.pk))

    @router.get(one, response={200: kind.out, 403: Problem, 404: Problem}, operation_id=f"{op}_get",
                summary=f"{kind.label}: one")  # fmt: skip
    def read(request: HttpRequest, pk: int = PkPath) -> Any:
        _require(request.user, "programme.view")
        return selectors.record_get_for_user(user=request.user, kind=kind.kind, pk=pk)

    @router.patch(one, response={200: kind.out, 403: Problem, 404: Problem, 422: Error},
                  operation_id=f"{op}_update",
                  summary=f"{kind.label}: update (fields left out are kept)")  # fmt: skip
    def update(request: HttpRequest, payload: kind.patch, pk: int = PkPath) -> Any:
        _require(request.user, "programme.record")
        record = selectors.record_get_for_user(
            user=request.user, kind=kind.kind, pk=pk, for_write=True
        )
        saved = _save(request, kind, payload.model_dump(exclude_unset=True), record)
        if isinstance(saved, Status):
            return saved
        return selectors.record_get_for_user(user=request.user, kind=kind.kind, pk=pk)

    @router.post(f"{one}/cancel", response={200: kind.out, 403: Problem, 404: Problem},
                 operation_id=f"{op}_cancel",
                 summary=f"{kind.label}: cancel (the record stays, status cancelled)")  # fmt: skip
    def cancel(request: HttpRequest, payload: ProgrammeCancelIn, pk: int = PkPath) -> Any:
        _require(request.user, "programme.record")
        record = selectors.record_get_for_user(
            user=request.user, kind=kind.kind, pk=pk, for_write=True
        )
        services.record_cancel(actor=request.user, record=record, reason=payload.reason,
                               request=request)  # fmt: skip
        return selectors.record_get_for_user(user=request.user, kind=kind.kind, pk=pk)


# ------------------------------------------------------------------ vocabularies


class VocabularyItem(Schema):
    code: str
    label_vi: str
    label_en: str


def _labels(language: str) -> dict[str, list[str]]:
    with translation.override(language):
        return {name: [str(label) for label in choices.labels]
                for name, choices in vocab.VOCABULARIES.items()}  # fmt: skip


@router.get("/vocabularies", response=dict[str, list[VocabularyItem]],
            summary="Controlled lists of the programme records (codes and labels)")  # fmt: skip
def vocabularies(request: HttpRequest) -> dict[str, list[VocabularyItem]]:
    vi, en = _labels("vi"), _labels("en")
    return {
        name: [VocabularyItem(code=code, label_vi=vi[name][i], label_en=en[name][i])
               for i, code in enumerate(choices.values)]
        for name, choices in vocab.VOCABULARIES.items()
    }  # fmt: skip


for _kind in (
    Kind("campaign", "campaigns", "Campaigns", CampaignIn, CampaignPatch, CampaignOut,
         CampaignPage, _stored_campaign, _campaign_save, "campaign"),
    Kind("event", "events", "Communication events", EventIn, EventPatch, EventOut, EventPage,
         _stored_event, services.event_save, "event"),
    Kind("training", "trainings", "Trainings", TrainingIn, TrainingPatch, TrainingOut,
         TrainingPage, _stored_training, services.training_save, "event"),
):  # fmt: skip
    _routes(_kind)
