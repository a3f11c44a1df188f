"""The XLSX download of a unit's indicators for one period (REPORTING §C.3):
``/indicators/export.xlsx?unit=NSO_CODE&period=KEY[&indicators=R01,R02]`` (an indicator set;
the whole catalogue by default).

Needs ``indicators.export`` over the unit (403 otherwise, nothing logged); an unknown unit is a
404, a bad or monthly period a 400 page that says what to send. The figures are those of the
suppressed audience (REPORTING §F.7): small cells read "<5". Each download is one access-log row
(``indicators.export.xlsx``, the unit and the period), no figures in it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gbvms.core import scoping, tabular
from gbvms.core.audit import log_action
from gbvms.indicators import periods, selectors, xlsx
from gbvms.indicators.models import Indicator


def _export_rows(unit_path: str, period: str) -> list[selectors.ExportRow]:
    """The suppressed audience's figures, external ones included (``selectors.export_rows``)."""
    return selectors.export_rows(unit_path, period)


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
    unit = selectors.unit_for_code(request.GET.get("unit", "")[:12])  # 404 when unknown
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
    as_of = selectors.freshness().as_of  # every change before it is in the figures
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
