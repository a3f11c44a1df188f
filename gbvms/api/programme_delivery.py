"""API of models, inspections and budget lines (mounted inside ``api.programme``'s router).

Same shape as campaigns/events/trainings: lists filtered by ``unit`` (NSO code, subtree) and
``year``; create → 201 ``{"id"}``; read; ``PATCH`` (fields sent replace the stored ones);
cancel; and the additions (evaluations, findings, recommendations, expenditures). Every write
goes through the services of ``gbvms.programme``. Errors: 422 ``{"code", "errors"}`` naming the
API's field, 403 without the permission, 404 for a record that is not the caller's.

An inspection's output says only whether it is linked to a case (``has_case``), never the case's
code: the API does not link cases (the page does, through ``case_get_for_user``).
"""

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from gbvms.api import programme_refs as refs
from gbvms.api.cases import Error
from gbvms.api.referrals import Created, Problem
from gbvms.api.schema import PageQuery, StrictSchema
from gbvms.core import inputs, scoping
from gbvms.plans.models import Activity, Plan
from gbvms.programme import selectors, selectors_delivery, services, vocab
from gbvms.programme.models import Event, Finding, ProgrammeModel, Recommendation
from gbvms.programme.services_budget import (
    budget_line_save,
    budget_spent,
    budget_warnings,
    expenditure_add,
)
from gbvms.programme.services_inspections import (
    finding_add,
    inspection_save,
    recommendation_add,
    recommendation_update,
)
from gbvms.programme.services_models import model_evaluate, model_save

router = Router(tags=["programme"])

MAX_COUNT = 10_000_000
MAX_AMOUNT = 10**15  # VND
PkPath = Path(..., ge=1, le=inputs.INT_MAX)
Id = Field(ge=1, le=inputs.INT_MAX)


def _vocab(name: str) -> Any:
    return Literal[tuple(vocab.VOCABULARIES[name].values)]


StatusCode = Literal["planned", "done"]
Text = Field("", max_length=2000)
Short = Field("", max_length=300)


# ------------------------------------------------------------------ input


class DeliveryQuery(PageQuery):
    unit: str = Field("", max_length=5, description="NSO code: the unit and its subtree")
    year: int | None = Field(None, ge=2000, le=2100)


class DeliveryCancelIn(StrictSchema):
    reason: str = Field("", max_length=500)


class ModelIn(StrictSchema):
    kind: _vocab("model_kind")
    title: str = Field(min_length=1, max_length=300)
    unit_code: str = Field(min_length=2, max_length=5)
    lead_agency_id: int = Id
    established_on: datetime.date
    plan_activity_id: int | None = Field(None, ge=1, le=inputs.INT_MAX)
    model_status: _vocab("model_status") = "active"
    host: str = Short
    established_by: str = Short
    replicated_from_id: int | None = Field(None, ge=1, le=inputs.INT_MAX)
    members_female: int = Field(0, ge=0, le=MAX_COUNT)
    members_male: int = Field(0, ge=0, le=MAX_COUNT)
    linked_provider_id: int | None = Field(None, ge=1, le=inputs.INT_MAX)
    status: StatusCode = "done"
    note: str = Text


class CriterionIn(StrictSchema):
    name: str = Field(min_length=1, max_length=300)
    met: bool


class EvaluationIn(StrictSchema):
    date: datetime.date
    evaluator_id: int = Id
    criteria: list[CriterionIn] = Field(default_factory=list, max_length=50)
    rating: _vocab("evaluation_rating")
    findings: str = Field("", max_length=4000)
    advice: _vocab("evaluation_advice")


class InspectionIn(StrictSchema):
    kind: _vocab("inspection_kind")
    title: str = Field(min_length=1, max_length=300)
    unit_code: str = Field(min_length=2, max_length=5)
    lead_agency_id: int = Id
    start: datetime.date
    end: datetime.date
    plan_activity_id: int | None = Field(None, ge=1, le=inputs.INT_MAX)
    decision: str = Short
    member_agency_ids: list[int] = Field(default_factory=list, max_length=50)
    inspected_entities: list[str] = Field(default_factory=list, max_length=100)
    topics: str = Field("", max_length=500)
    status: StatusCode = "done"
    note: str = Text


class FindingIn(StrictSchema):
    text: str = Field(min_length=1, max_length=2000)
    severity: _vocab("severity") = "medium"
    violation_type: Literal["", "ge", "dv", "other"] = ""
    legal_basis: str = Short
    handled_count: int = Field(0, ge=0, le=MAX_COUNT)


class RecommendationIn(StrictSchema):
    text: str = Field(min_length=1, max_length=2000)
    responsible_agency_id: int = Id
    due_date: datetime.date
    finding_id: int | None = Field(None, ge=1, le=inputs.INT_MAX)


class RecommendationPatch(StrictSchema):
    status: _vocab("recommendation_status")
    closed_on: datetime.date | None = None
    follow_up: str = Text


class BudgetLineIn(StrictSchema):
    title: str = Field(min_length=1, max_length=300)
    fiscal_year: int = Field(ge=2000, le=2100)
    unit_code: str = Field(min_length=2, max_length=5)
    lead_agency_id: int = Id
    funding_source: _vocab("funding_source")
    amount_estimated: int = Field(0, ge=0, le=MAX_AMOUNT)
    amount_allocated: int = Field(0, ge=0, le=MAX_AMOUNT)
    amount_committed: int = Field(0, ge=0, le=MAX_AMOUNT)
    plan_id: int | None = Field(None, ge=1, le=inputs.INT_MAX)
    plan_activity_id: int | None = Field(None, ge=1, le=inputs.INT_MAX)
    donor: str = Field("", max_length=200)
    project: str = Field("", max_length=200)
    allocation_decision: str = Short
    ethnic_minority_area: bool = False
    inkind_donors: int = Field(0, ge=0, le=MAX_COUNT)
    inkind_value: int = Field(0, ge=0, le=MAX_AMOUNT)
    inkind_description: str = Field("", max_length=500)
    status: StatusCode = "done"
    note: str = Text


class ExpenditureIn(StrictSchema):
    date: datetime.date
    amount: int = Field(ge=1, le=MAX_AMOUNT)
    event_id: int | None = Field(None, ge=1, le=inputs.INT_MAX)
    note: str = Short


def _partial(schema: type[StrictSchema], name: str) -> type[StrictSchema]:
    """The PATCH body: every field optional (left out = kept)."""
    fields = {n: (f.annotation | None, None) for n, f in schema.model_fields.items()}
    from pydantic import create_model

    return create_model(name, __base__=StrictSchema, **fields)  # type: ignore[call-overload]


ModelPatch = _partial(ModelIn, "ModelPatch")
InspectionPatch = _partial(InspectionIn, "InspectionPatch")
BudgetLinePatch = _partial(BudgetLineIn, "BudgetLinePatch")


# ------------------------------------------------------------------ output


class DeliveryOut(Schema):
    id: int
    code: str
    title: str
    unit_code: str = Field(alias="unit.code")
    lead_agency_id: int
    plan_activity_id: int | None
    status: str
    start: datetime.date
    end: datetime.date
    note: str


class ModelOut(DeliveryOut):
    kind: str
    model_status: str
    host: str
    established_by: str
    replicated_from_id: int | None
    members_female: int
    members_male: int
    linked_provider_id: int | None


class InspectionOut(DeliveryOut):
    kind: str
    decision: str
    topics: str
    inspected_entities: list[str]
    member_agency_ids: list[int]
    has_case: bool

    @staticmethod
    def resolve_member_agency_ids(obj: Any) -> list[int]:
        return [a.pk for a in obj.member_agencies.all()]

    @staticmethod
    def resolve_has_case(obj: Any) -> bool:
        return obj.case_id is not None


class BudgetLineOut(DeliveryOut):
    fiscal_year: int
    funding_source: str
    amount_estimated: int
    amount_allocated: int
    amount_committed: int
    spent: int
    warnings: list[str]
    plan_id: int | None
    donor: str
    project: str
    allocation_decision: str
    ethnic_minority_area: bool
    inkind_donors: int
    inkind_value: int
    inkind_description: str

    @staticmethod
    def resolve_spent(obj: Any) -> int:
        return getattr(obj, "spent", None) or budget_spent(obj)

    @staticmethod
    def resolve_warnings(obj: Any) -> list[str]:
        return budget_warnings(obj, getattr(obj, "spent", None))


class RecommendationOut(Schema):
    id: int
    inspection_id: int
    finding_id: int | None
    text: str
    responsible_agency_id: int
    due_date: datetime.date
    status: str
    closed_on: datetime.date | None
    follow_up: str


class ModelPage(Schema):
    count: int
    items: list[ModelOut]


class InspectionPage(Schema):
    count: int
    items: list[InspectionOut]


class BudgetLinePage(Schema):
    count: int
    items: list[BudgetLineOut]


# ------------------------------------------------------------------ references and errors


_unit = refs.unit
_agency = refs.agency
_agencies = refs.agencies("member_agency_ids")
_lookup = refs.lookup


def _provider(pk: int | None) -> Any:
    from gbvms.referrals.models import ServiceProvider

    return _lookup(ServiceProvider, "linked_provider_id", _("Không tìm thấy cơ sở."),
                   "provider_unknown")(pk)  # fmt: skip


REFERENCES: dict[str, tuple[str, Any]] = {
    "unit_code": ("unit", _unit),
    "lead_agency_id": ("lead_agency", _agency("lead_agency_id")),
    "evaluator_id": ("evaluator", _agency("evaluator_id")),
    "responsible_agency_id": ("responsible_agency", _agency("responsible_agency_id")),
    "member_agency_ids": ("member_agencies", _agencies),
    "plan_activity_id": ("plan_activity", _lookup(
        Activity, "plan_activity_id", _("Không tìm thấy hoạt động của kế hoạch."),
        "activity_unknown")),
    "plan_id": ("plan", _lookup(Plan, "plan_id", _("Không tìm thấy kế hoạch."), "plan_unknown")),
    "replicated_from_id": ("replicated_from", _lookup(
        ProgrammeModel, "replicated_from_id", _("Không tìm thấy mô hình gốc."), "model_unknown")),
    "linked_provider_id": ("linked_provider", _provider),
    "event_id": ("event", _lookup(Event, "event_id", _("Không tìm thấy hoạt động."),
                                  "event_unknown")),
}  # fmt: skip
API_FIELDS = refs.api_fields(REFERENCES)
API_FIELDS |= {"start": "start", "established_on": "established_on"}


def _arguments(values: dict[str, Any]) -> dict[str, Any]:
    return refs.arguments(REFERENCES, values)


def _error(exc: ValidationError, extra: dict[str, str] | None = None) -> Error:
    return refs.error(exc, API_FIELDS | (extra or {}))


_require = refs.require


def _call(service: Any, request: HttpRequest, values: dict[str, Any], extra: Any = None,
          **fixed: Any) -> Any:  # fmt: skip
    """The service's result, or a 422 ``Status``."""
    try:
        arguments = _arguments(values) | fixed
        return service(actor=request.user, request=request, **arguments)
    except ValidationError as exc:
        return Status(422, _error(exc, extra))


def _created(result: Any) -> Any:
    return result if isinstance(result, Status) else Status(201, Created(id=result.pk))


RECORD = ("title", "unit", "lead_agency", "plan_activity", "status", "note")
MODEL = (*RECORD, "kind", "model_status", "host", "established_by", "replicated_from",
         "members_female", "members_male", "linked_provider")  # fmt: skip
INSPECTION = (*RECORD, "kind", "start", "end", "decision", "inspected_entities", "topics")
BUDGET = (*RECORD, "fiscal_year", "funding_source", "amount_estimated", "amount_allocated",
          "amount_committed", "plan", "donor", "project", "allocation_decision",
          "ethnic_minority_area", "inkind_donors", "inkind_value",
          "inkind_description")  # fmt: skip


def _stored(record: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


def _list(request: HttpRequest, kind: str, filters: DeliveryQuery) -> Any:
    _require(request.user, "programme.view")
    try:
        unit = _unit(filters.unit, "unit") if filters.unit else None
    except ValidationError as exc:
        return None, Status(422, _error(exc, {"unit": "unit"}))
    year = None if kind == "model" else filters.year
    qs = selectors.record_list(user=request.user, kind=kind,
                               unit_path=unit.path if unit else "", year=year)  # fmt: skip
    if kind == "model" and filters.year:
        qs = selectors_delivery.models_for_year(qs, filters.year)
    return qs, None


def _page(qs: Any, filters: DeliveryQuery) -> dict[str, Any]:
    return {"count": qs.count(), "items": list(qs[filters.offset : filters.offset + filters.limit])}


def _cancel(request: HttpRequest, kind: str, pk: int, payload: DeliveryCancelIn) -> Any:
    _require(request.user, "programme.record")
    record = selectors.record_get_for_user(user=request.user, kind=kind, pk=pk, for_write=True)
    return services.record_cancel(actor=request.user, record=record, reason=payload.reason,
                                  request=request)  # fmt: skip


ERRORS = {403: Problem, 404: Problem, 422: Error}


# ------------------------------------------------------------------ models


@router.get("/models", response={200: ModelPage, **ERRORS}, operation_id="programme_model_list",
            summary="Models: list (scoped; unit subtree; year: existing that year)")  # fmt: skip
def model_list(request: HttpRequest, filters: Query[DeliveryQuery]) -> Any:
    qs, refused = _list(request, "model", filters)
    return refused or _page(qs, filters)


@router.post("/models", response={201: Created, **ERRORS}, operation_id="programme_model_create",
             summary="Models: record")  # fmt: skip
def model_create(request: HttpRequest, payload: ModelIn) -> Any:
    _require(request.user, "programme.record")
    return _created(_call(model_save, request, payload.model_dump()))


@router.get("/models/{pk}", response={200: ModelOut, **ERRORS}, operation_id="programme_model_get")
def model_get(request: HttpRequest, pk: int = PkPath) -> Any:
    _require(request.user, "programme.view")
    return selectors.record_get_for_user(user=request.user, kind="model", pk=pk)


@router.patch("/models/{pk}", response={200: ModelOut, **ERRORS},
              operation_id="programme_model_update",
              summary="Models: update (left out = kept)")  # fmt: skip
def model_update(request: HttpRequest, payload: ModelPatch, pk: int = PkPath) -> Any:
    _require(request.user, "programme.record")
    record = selectors.record_get_for_user(user=request.user, kind="model", pk=pk, for_write=True)
    values = payload.model_dump(exclude_unset=True)
    stored = _stored(record, MODEL) | {"established_on": record.start}
    return _call(lambda **kw: model_save(**(stored | kw)), request, values, model=record)


@router.post("/models/{pk}/cancel", response={200: ModelOut, **ERRORS},
             operation_id="programme_model_cancel")  # fmt: skip
def model_cancel(request: HttpRequest, payload: DeliveryCancelIn, pk: int = PkPath) -> Any:
    return _cancel(request, "model", pk, payload)


@router.post("/models/{pk}/evaluations", response={201: Created, **ERRORS},
             operation_id="programme_model_evaluate")  # fmt: skip
def model_evaluation_create(request: HttpRequest, payload: EvaluationIn, pk: int = PkPath) -> Any:
    _require(request.user, "programme.record")
    record = selectors.record_get_for_user(user=request.user, kind="model", pk=pk)
    return _created(_call(model_evaluate, request, payload.model_dump(), model=record))


# ------------------------------------------------------------------ inspections


@router.get("/inspections", response={200: InspectionPage, **ERRORS},
            operation_id="programme_inspection_list")  # fmt: skip
def inspection_list(request: HttpRequest, filters: Query[DeliveryQuery]) -> Any:
    qs, refused = _list(request, "inspection", filters)
    return refused or _page(qs.prefetch_related("member_agencies"), filters)


@router.post("/inspections", response={201: Created, **ERRORS},
             operation_id="programme_inspection_create")  # fmt: skip
def inspection_create(request: HttpRequest, payload: InspectionIn) -> Any:
    _require(request.user, "programme.record")
    return _created(_call(inspection_save, request, payload.model_dump()))


@router.get("/inspections/{pk}", response={200: InspectionOut, **ERRORS},
            operation_id="programme_inspection_get")  # fmt: skip
def inspection_get(request: HttpRequest, pk: int = PkPath) -> Any:
    _require(request.user, "programme.view")
    return selectors.record_get_for_user(user=request.user, kind="inspection", pk=pk)


@router.patch("/inspections/{pk}", response={200: InspectionOut, **ERRORS},
              operation_id="programme_inspection_update")  # fmt: skip
def inspection_update(request: HttpRequest, payload: InspectionPatch, pk: int = PkPath) -> Any:
    _require(request.user, "programme.record")
    record = selectors.record_get_for_user(user=request.user, kind="inspection", pk=pk,
                                           for_write=True)  # fmt: skip
    stored = _stored(record, INSPECTION) | {"member_agencies": list(record.member_agencies.all())}
    values = payload.model_dump(exclude_unset=True)
    return _call(lambda **kw: inspection_save(**(stored | kw)), request, values,
                 inspection=record)  # fmt: skip


@router.post("/inspections/{pk}/cancel", response={200: InspectionOut, **ERRORS},
             operation_id="programme_inspection_cancel")  # fmt: skip
def inspection_cancel(request: HttpRequest, payload: DeliveryCancelIn, pk: int = PkPath) -> Any:
    return _cancel(request, "inspection", pk, payload)


@router.post("/inspections/{pk}/findings", response={201: Created, **ERRORS},
             operation_id="programme_finding_create")  # fmt: skip
def finding_create(request: HttpRequest, payload: FindingIn, pk: int = PkPath) -> Any:
    _require(request.user, "programme.record")
    record = selectors.record_get_for_user(user=request.user, kind="inspection", pk=pk)
    return _created(_call(finding_add, request, payload.model_dump(), inspection=record))


@router.post("/inspections/{pk}/recommendations", response={201: Created, **ERRORS},
             operation_id="programme_recommendation_create")  # fmt: skip
def recommendation_create(request: HttpRequest, payload: RecommendationIn,
                          pk: int = PkPath) -> Any:  # fmt: skip
    _require(request.user, "programme.record")
    record = selectors.record_get_for_user(user=request.user, kind="inspection", pk=pk)
    values = payload.model_dump()
    finding_id = values.pop("finding_id")
    finding = Finding.objects.filter(pk=finding_id, inspection=record).first()
    if finding_id is not None and finding is None:
        return Status(422, Error(code="finding_unknown", errors={"finding_id": [
            _("Không tìm thấy phát hiện của đoàn kiểm tra.")]}))  # fmt: skip
    return _created(_call(recommendation_add, request, values, {"finding": "finding_id"},
                          inspection=record, finding=finding))  # fmt: skip


@router.patch("/recommendations/{pk}", response={200: RecommendationOut, **ERRORS},
              operation_id="programme_recommendation_update")  # fmt: skip
def recommendation_patch(request: HttpRequest, payload: RecommendationPatch,
                         pk: int = PkPath) -> Any:  # fmt: skip
    _require(request.user, "programme.record")
    qs = scoping.scoped(request.user, "programme.view", Recommendation).select_related(
        "inspection__unit", "inspection__lead_agency")  # fmt: skip
    recommendation = qs.filter(pk=pk).first()
    if recommendation is None:
        raise Http404
    return _call(recommendation_update, request, payload.model_dump(),
                 recommendation=recommendation)  # fmt: skip


# ------------------------------------------------------------------ budget lines


def _budget(qs: Any) -> Any:
    return selectors_delivery.budget_with_spent(qs)


@router.get("/budget-lines", response={200: BudgetLinePage, **ERRORS},
            operation_id="programme_budget_list",
            summary="Budget lines: list (year: fiscal)")  # fmt: skip
def budget_list(request: HttpRequest, filters: Query[DeliveryQuery]) -> Any:
    qs, refused = _list(request, "budget", filters)
    return refused or _page(_budget(qs), filters)


@router.post("/budget-lines", response={201: Created, **ERRORS},
             operation_id="programme_budget_create")  # fmt: skip
def budget_create(request: HttpRequest, payload: BudgetLineIn) -> Any:
    _require(request.user, "programme.record")
    return _created(_call(budget_line_save, request, payload.model_dump()))


def _line(request: HttpRequest, pk: int, for_write: bool = False) -> Any:
    qs = _budget(selectors.records(request.user, "budget", for_write=for_write))
    line = qs.filter(pk=pk).first()
    if line is None:
        raise Http404
    return line


@router.get("/budget-lines/{pk}", response={200: BudgetLineOut, **ERRORS},
            operation_id="programme_budget_get")  # fmt: skip
def budget_get(request: HttpRequest, pk: int = PkPath) -> Any:
    _require(request.user, "programme.view")
    return _line(request, pk)


@router.patch("/budget-lines/{pk}", response={200: BudgetLineOut, **ERRORS},
              operation_id="programme_budget_update")  # fmt: skip
def budget_update(request: HttpRequest, payload: BudgetLinePatch, pk: int = PkPath) -> Any:
    _require(request.user, "programme.record")
    record = _line(request, pk, for_write=True)
    stored = _stored(record, BUDGET)
    values = payload.model_dump(exclude_unset=True)
    saved = _call(lambda **kw: budget_line_save(**(stored | kw)), request, values, line=record)
    return saved if isinstance(saved, Status) else _line(request, pk)


@router.post("/budget-lines/{pk}/cancel", response={200: BudgetLineOut, **ERRORS},
             operation_id="programme_budget_cancel")  # fmt: skip
def budget_cancel(request: HttpRequest, payload: DeliveryCancelIn, pk: int = PkPath) -> Any:
    _cancel(request, "budget", pk, payload)
    return _line(request, pk)


@router.post("/budget-lines/{pk}/expenditures", response={201: Created, **ERRORS},
             operation_id="programme_expenditure_create")  # fmt: skip
def expenditure_create(request: HttpRequest, payload: ExpenditureIn, pk: int = PkPath) -> Any:
    _require(request.user, "programme.record")
    line = _line(request, pk)
    return _created(_call(expenditure_add, request, payload.model_dump(), line=line))
