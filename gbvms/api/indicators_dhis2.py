"""DHIS2 exchange API: dataValueSet JSON, ADX XML and the metadata file (docs/dhis2.md).

All three need ``indicators.export``; a unit outside the caller's export grant is the same 404
as an unknown one. Figures are those of the suppressed audience: hidden cells are omitted.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from gbvms.api.schema import QuerySchema
from gbvms.core.audit import log_action
from gbvms.core.scoping import NATIONAL, has_permission
from gbvms.indicators import dhis2, selectors

router = Router(tags=["indicators"])
PERMISSION = "indicators.export"
ADX_TYPE = "application/adx+xml"


class ExportQuery(QuerySchema):
    unit: str = Field(
        ...,
        min_length=1,
        max_length=5,
        description="NSO code of a province (2 digits) or commune (5 digits), or VN (nation)",
    )
    period: str = Field(..., max_length=8, description="DHIS2 period key: 2026, 2026S1 or 2026S2")


class Problem(Schema):
    code: str
    detail: str


class DataValueOut(Schema):
    dataElement: str  # noqa: N815 (DHIS2's names)
    categoryOptionCombo: str  # noqa: N815
    value: str
    comment: str


class DataValueSetOut(Schema):
    dataSet: str  # noqa: N815
    period: str
    orgUnit: str  # noqa: N815
    completeDate: str | None = Field(None, description="only when given")  # noqa: N815
    dataValues: list[DataValueOut]  # noqa: N815


class UnitNotFoundError(Exception):
    pass


def _unit(user: Any, code: str) -> tuple[Any, str]:
    """(AdminUnit or None for the nation, its path) inside the caller's export grant."""
    if not has_permission(user, PERMISSION):
        raise PermissionDenied
    try:
        unit = selectors.unit_for_code(code)
    except Http404:
        raise UnitNotFoundError from None
    path = unit.path if unit else NATIONAL
    if not has_permission(user, PERMISSION, path):
        raise UnitNotFoundError
    return unit, path


def _problem(status: int, code: str, detail: str) -> Status:
    return Status(status, Problem(code=code, detail=detail))


def _export(request: HttpRequest, query: ExportQuery, fmt: str) -> Any:
    try:
        unit, path = _unit(request.user, query.unit)
        dhis2.export_period(query.period)
    except UnitNotFoundError:
        return _problem(404, "not_found", "Not found")
    except ValidationError as exc:
        return _problem(422, exc.code or "invalid_period", " ".join(exc.messages))
    rows = dhis2.export_rows(path, query.period)
    log_action(
        action="indicators.exported",
        actor=request.user,
        request=request,
        object_kind="geo.adminunit",
        object_id=dhis2.org_unit_code(unit),
        reason=f"dhis2_{fmt}",
    )
    if fmt == "adx":
        return HttpResponse(dhis2.adx(unit, query.period, rows), content_type=ADX_TYPE)
    body = dhis2.data_value_set(unit, query.period, rows, as_of=dhis2.as_of())
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")


ERRORS = {403: Problem, 404: Problem, 422: Problem}


@router.get(
    "/indicators/dhis2/data-value-sets",
    response={200: DataValueSetOut, **ERRORS},
    summary="DHIS2 dataValueSet JSON of one unit and period (suppressed cells omitted)",
)
def data_value_sets(request: HttpRequest, query: Query[ExportQuery]) -> Any:
    return _export(request, query, "json")


@router.get(
    "/indicators/dhis2/adx",
    response={200: None, **ERRORS},
    summary="ADX XML (urn:ihe:qrph:adx:2015) of one unit and period",
    openapi_extra={
        "responses": {
            200: {
                "description": "ADX XML",
                "content": {ADX_TYPE: {"schema": {"type": "string"}}},
            }
        }
    },
)
def adx(request: HttpRequest, query: Query[ExportQuery]) -> Any:
    return _export(request, query, "adx")


@router.get(
    "/indicators/dhis2/metadata",
    response={200: None, 403: Problem},
    summary="DHIS2 metadata (data elements, categories, combos, indicators, org units)",
    openapi_extra={
        "responses": {
            200: {
                "description": "a JSON file for DHIS2's /api/metadata import",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
    },
)
def metadata(request: HttpRequest) -> Any:
    if not has_permission(request.user, PERMISSION):
        raise PermissionDenied
    log_action(
        action="indicators.exported",
        actor=request.user,
        request=request,
        object_kind="indicators.metadata",
        reason="dhis2_metadata",
    )
    body = json.dumps(dhis2.metadata(), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="gbvms-dhis2-metadata.json"'
    return response
