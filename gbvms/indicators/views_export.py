"""The XLSX download of a unit's indicators for one period (REPORTING §C.3):
``/indicators/export.xlsx?unit=NSO_CODE&period=KEY[&indicators=R01,R02]`` (an indicator set;
the whole catalogue by default).

Needs ``indicators.export`` over the unit (403 otherwise, nothing logged); an unknown unit is a
404, a bad or monthly period a 400 page that says what to send. The figures are those of the
suppressed audience (REPORTING §F.7): small cells read "<5". Each download is one access-log row
(``indicators.export.xlsx``, the unit and the period), no figures in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gbvms.core import scoping, tabular
from gbvms.core.audit import log_action
from gbvms.geo.models import AdminUnit
from gbvms.indicators import dimensions, periods, xlsx
from gbvms.indicators.models import EngineState, Indicator, IndicatorValue

NATION_CODES = {"", "VN"}


@dataclass(frozen=True)
class _Row:
    """Same fields as the lead's ``selectors.ExportRow``."""

    indicator: Any
    version: Any
    disagg: dict[str, str]
    n: int | None
    d: int | None
    value: float | None
    hidden: bool


def _export_rows(unit_path: str, period: str) -> list[_Row]:
    """Every current indicator's cells for one unit and period, as the suppressed audience
    gets them (a hidden cell has no numbers)."""
    qs = IndicatorValue.objects.select_related("version__indicator").filter(
        version__status="current", unit_path=unit_path, period=period
    )
    return [
        _Row(
            v.version.indicator,
            v.version,
            dimensions.parse_disagg(v.disagg),
            None if v.hidden else v.n,
            None if v.hidden else v.d,
            None if v.hidden else v.value,
            v.hidden,
        )
        for v in qs.order_by("version__indicator__order", "disagg")
    ]


def _as_of(unit_path: str, period: str) -> Any:
    """When the figures were last brought up to date: the worker's last cycle, else the
    newest cell's computation, else now (nothing computed yet)."""
    cycle = EngineState.objects.filter(name="main").values_list("cycle_at", flat=True).first()
    if cycle is not None:
        return cycle
    newest = (
        IndicatorValue.objects.filter(unit_path=unit_path, period=period)
        .order_by("-computed_at")
        .values_list("computed_at", flat=True)
        .first()
    )
    return newest or timezone.now()


def _unit(code: str) -> AdminUnit | None:
    """The current province or commune with this NSO code; None is the nation ("VN")."""
    if code in NATION_CODES:
        return None
    found = (
        AdminUnit.objects.current()
        .select_related("parent")
        .filter(code=code, level__in=["province", "commune"])
        .first()
    )
    if found is None:
        raise Http404
    return found


def _codes(text: str) -> list[str] | None:
    """``"R01, r02"`` → ``["R01", "R02"]``; None for the whole catalogue. Raises ValueError
    naming an unknown code."""
    codes = [c.strip().upper() for c in text.split(",") if c.strip()]
    if not codes:
        return None
    known = set(
        Indicator.objects.filter(code__in=codes, is_active=True).values_list("code", flat=True)
    )
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValueError(unknown[0][:12])
    return codes


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "indicators/export_error.html", {"message": message}, status=400)


@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scoping.has_permission(user, "indicators.export"):
        raise PermissionDenied
    unit = _unit(request.GET.get("unit", "").strip())
    unit_path = unit.path if unit is not None else scoping.NATIONAL
    if not scoping.has_permission(user, "indicators.export", unit_path):
        raise PermissionDenied
    key = request.GET.get("period", "").strip()
    try:
        period = periods.parse(key)
    except periods.PeriodError:
        return _bad_request(
            request,
            _(
                "Kỳ báo cáo không hợp lệ. Ghi năm (2026), 6 tháng (2026S1, 2026S2) hoặc kỳ chốt "
                "số liệu (2026C, 2026S1C, 2026S2C)."
            ),
        )
    if period.type == "M":  # months are served only to case work (REPORTING §F.4)
        return _bad_request(
            request,
            _("Số liệu theo tháng không được xuất ra tệp; chọn kỳ 6 tháng hoặc năm."),
        )
    try:
        codes = _codes(request.GET.get("indicators", "")[:200])
    except ValueError as exc:
        return _bad_request(
            request, _("Không có chỉ tiêu “%(code)s” trong danh mục.") % {"code": exc.args[0]}
        )
    rows = _export_rows(unit_path, period.key)
    as_of = _as_of(unit_path, period.key)
    body = xlsx.indicators_workbook(unit, period.key, rows, as_of=as_of, codes=codes)
    log_action(
        action="indicators.export.xlsx",
        actor=user,
        request=request,
        object_kind="geo.adminunit",
        object_id=unit.pk if unit is not None else "VN",
        changes={"period": period.key, "indicators": codes or "all"},
    )
    response = HttpResponse(body, content_type=tabular.XLSX_TYPE)
    response["Content-Disposition"] = tabular.attachment_header(xlsx.filename(unit, period.key))
    return response
