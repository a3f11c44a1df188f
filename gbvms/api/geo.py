from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from gbvms.api.schema import PageQuery
from gbvms.geo.models import AdminUnit
from gbvms.geo.selectors import unit_search

router = Router(tags=["geo"])


class UnitFilter(PageQuery):
    kind: str = Field("", max_length=24, description="province, commune, district, or xa/phuong…")
    current: bool = Field(True, description="false also returns the units abolished in 2025")
    q: str = Field("", max_length=100, description="name or code, with or without diacritics")
    parent_code: str = Field("", max_length=5)


class UnitOut(Schema):
    code: str
    name: str
    kind: str = Field(description="level: province, district or commune")
    division_type: str = Field(description="tinh, thanh_pho_tw, xa, phuong, dac_khu, huyen…")
    parent_code: str | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    successor_codes: list[str]


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


def unit_out(unit: AdminUnit) -> UnitOut:
    return UnitOut(
        code=unit.code,
        name=unit.name,
        kind=unit.level,
        division_type=unit.kind,
        parent_code=unit.parent.code if unit.parent_id else None,
        valid_from=unit.valid_from,
        valid_to=unit.valid_to,
        successor_codes=sorted(s.code for s in unit.successors.all()),
    )


@router.get("/units", response=UnitPage, auth=None, summary="Administrative units")
def units(request: HttpRequest, filters: Query[UnitFilter]) -> UnitPage:
    qs = unit_search(
        q=filters.q, kind=filters.kind, current=filters.current, parent_code=filters.parent_code
    )
    items = qs[filters.offset : filters.offset + filters.limit]
    return UnitPage(count=qs.count(), items=[unit_out(u) for u in items])
