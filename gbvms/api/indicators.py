"""Indicators: the catalogue and the values (scoping and suppression decided by
gbvms.indicators.selectors, the same door as the dashboards)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from gbvms.api.schema import QuerySchema
from gbvms.indicators import selectors
from gbvms.indicators.dimensions import breakdowns

router = Router(tags=["indicators"])


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str = Field(description="count, ratio (value in percent), median (hours), external")
    unit: str = Field(description="count unit: person, case, incident, referral, measure, hour")
    disaggregations: list[str] = Field(description="dimension names usable in `by`")
    breakdowns: list[list[str]] = Field(description="the `by` combinations served")
    period_types: list[str]
    direction: str = Field(description="up: higher is better; down: lower is better")
    version: int
    numerator: str
    denominator: str
    params: dict[str, Any]


class Catalogue(Schema):
    items: list[IndicatorOut]


class Problem(Schema):
    code: str
    detail: str


class TargetOut(Schema):
    comparator: str
    value: float
    status: str = Field(description="met, not_met, insufficient_data or not_due")
    gap: float | None = None


class SourceOut(Schema):
    role: str = Field(description="denominator or value")
    source: str
    source_year: int
    method: str


class BreakdownItem(BaseModel):
    """One cell of a breakdown; it also names its options by dimension (e.g. "sex": "F")."""

    model_config = ConfigDict(extra="allow")
    label: str
    numerator: int | None
    denominator: int | None
    value: float | None
    suppressed: bool


class ValuesOut(Schema):
    indicator: str
    name: str
    kind: str
    version: int
    unit: str = Field(description="NSO code, or VN for the nation")
    unit_name: str
    period: str
    period_label: str
    audience: str = Field(description="exact (a supervisor's caseload) or suppressed")
    numerator: int | None
    denominator: int | None
    value: float | None
    suppressed: bool
    as_of: datetime.datetime = Field(description="the figures include every change before this")
    stale: bool = Field(description="the worker is behind: figures are older than a minute")
    target: TargetOut | None
    sources: list[SourceOut] = Field(description="provenance of entered (external) figures")
    breakdown: list[BreakdownItem]


class ValuesQuery(QuerySchema):
    unit: str = Field("VN", max_length=5, description="NSO code of a province or commune; VN")
    period: str = Field(..., max_length=8, description="2026, 2026S1, 202611, 2026S1C, 2026C")
    by: str = Field("", max_length=60, description="breakdown, e.g. sex or sex,age")


@router.get("/indicators", response=Catalogue, summary="The indicator catalogue")
def catalogue(request: HttpRequest) -> Catalogue:
    if not selectors.may_read(request.user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    items = []
    for version in selectors.indicators_current():
        ind = version.indicator
        items.append(IndicatorOut(
            code=ind.code, name=ind.name_vi, name_en=ind.name_en, kind=ind.kind,
            unit=ind.count_unit, disaggregations=ind.disaggregations,
            breakdowns=[list(c) for c in breakdowns(ind.disaggregations)],
            period_types=ind.period_types, direction=ind.direction, version=version.number,
            numerator=version.numerator, denominator=version.denominator, params=version.params,
        ))  # fmt: skip
    return Catalogue(items=items)


@router.get(
    "/indicators/{code}/values",
    response={200: ValuesOut, 404: Problem, 422: Problem},
    summary="An indicator's value for a unit and period, with target and breakdown",
)
def values(request: HttpRequest, code: str, query: Query[ValuesQuery]) -> Any:
    by = [part.strip() for part in query.by.split(",") if part.strip()]
    try:
        return selectors.indicator_values_for_user(request.user, code, query.unit, query.period, by)
    except Http404 as exc:
        what = str(exc) or "not_found"
        return Status(404, {"code": f"{what}_not_found", "detail": "Not found"})
    except ValidationError as exc:
        return Status(422, {"code": exc.code or "invalid", "detail": " ".join(exc.messages)})
