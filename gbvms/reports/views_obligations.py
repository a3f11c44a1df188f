"""Editing the obligations by hand (``/reports/obligations/``): a programme officer adds an
agency that owes a requirement's reports, or switches an obligation off and on. The rules are in
``services_obligations.obligation_add`` / ``obligation_set_active``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gbvms.core import scoping
from gbvms.orgs.models import Agency
from gbvms.plans.models import Plan
from gbvms.plans.selectors import can_manage, plan_get
from gbvms.reports.models import ReportingObligation
from gbvms.reports.services_obligations import obligation_add, obligation_set_active


def agency_choices(plan: Plan) -> list[Agency]:
    """The active agencies of the plan's unit (its subtree), for the "add" form."""
    agencies = Agency.objects.filter(is_active=True).select_related("unit")
    if plan.unit_id:
        agencies = agencies.filter(unit__path__startswith=plan.unit.path)
    return list(agencies.order_by("unit__path", "name")[:500])


def _managed_plan(request: HttpRequest, pk: int) -> Plan:
    plan = plan_get(user=request.user, pk=pk)  # 404 when not visible
    if not can_manage(request.user, plan):
        raise PermissionDenied
    return plan


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


@login_required
@require_POST
def obligation_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    requirement = plan.reporting.filter(pk=_int(request.POST.get("requirement"))).first()
    agency = Agency.objects.filter(pk=_int(request.POST.get("agency"))).first()
    if requirement is None or agency is None:
        messages.error(request, _("Chọn yêu cầu báo cáo và cơ quan báo cáo."))
        return redirect("reports:obligations")
    try:
        obligation_add(requirement=requirement, submitter_agency=agency, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Đã thêm %(agency)s vào danh sách báo cáo.") % {"agency": agency.name}
        )
    return redirect("reports:obligations")


@login_required
@require_POST
def obligation_switch_view(request: HttpRequest, pk: int) -> HttpResponse:
    visible = scoping.scoped(request.user, "plans.manage", ReportingObligation)
    obligation = visible.select_related("requirement__plan", "submitter_agency").filter(pk=pk)
    found = obligation.first()
    if found is None:
        raise Http404
    active = request.POST.get("active") == "1"
    obligation_set_active(obligation=found, active=active, actor=request.user)
    text = (
        _("Đã bật lại nghĩa vụ báo cáo của %(agency)s.")
        if active
        else _("Đã tắt nghĩa vụ báo cáo của %(agency)s; các báo cáo đã có được giữ lại.")
    )
    messages.success(request, text % {"agency": found.submitter_agency.name})
    return redirect("reports:obligations")
