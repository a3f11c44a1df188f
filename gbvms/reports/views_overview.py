"""The completeness page (a recipient or a programme officer: who has reported, who is late,
who is still in draft near the deadline) and the programme officer's obligations page."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gbvms.core import scoping
from gbvms.core.pagination import paginate, query_without_page
from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency
from gbvms.plans.models import Plan, ReportingRequirement
from gbvms.plans.selectors import can_manage, plan_get
from gbvms.reports import forms as rf
from gbvms.reports import selectors
from gbvms.reports.completeness import completeness
from gbvms.reports.labels import period_end, period_label, requirement_label
from gbvms.reports.models import ReportingObligation, Submission
from gbvms.reports.selectors import APPROVE
from gbvms.reports.services_obligations import (
    obligations_generate,
    periods_for,
    submissions_open,
    valid_on,
)
from gbvms.reports.views_obligations import agency_choices

MANAGE = "plans.manage"
SOON = datetime.timedelta(days=3)


def _visible_obligations(user: Any) -> Any:
    mine = scoping.scoped(user, APPROVE, ReportingObligation).values("pk")
    managed = scoping.scoped(user, MANAGE, ReportingObligation).values("pk")
    return ReportingObligation.objects.filter(Q(pk__in=mine) | Q(pk__in=managed))


def _units(user: Any) -> list[AdminUnit]:
    """The units whose completeness the user may see: its approving agencies' units and the
    units of its plans.manage grants."""
    agency_ids = [a for a, _path in selectors.memberships_with(user, APPROVE)]
    paths = [a.unit.path for a in Agency.objects.filter(pk__in=agency_ids).select_related("unit")]
    paths += [p for p in scoping.grants(user, MANAGE) if p != scoping.NATIONAL]
    units = AdminUnit.objects.filter(path__in=set(paths)).order_by("path")
    return list(units)


def _timeliness(submission: Submission | None, now: datetime.datetime) -> tuple[str, str]:
    """(code, label) of one expected report."""
    if submission is None:
        return "unopened", _("Chưa mở")
    if submission.missing_reason:
        return "missing", _("Thiếu (đã ghi nhận lý do)")
    first = submission.first_submitted_at
    if first is not None:
        return ("on_time", _("Đúng hạn")) if first <= submission.due_at else ("late", _("Gửi muộn"))
    if submission.due_at < now:
        return "overdue", _("Quá hạn, chưa gửi")
    if submission.due_at - now <= SOON:
        return "soon", _("Đang soạn — sắp đến hạn")
    return "draft", _("Đang soạn")


def _expected_rows(user: Any, requirement: Any, period: str, unit: AdminUnit) -> list[dict]:
    end = period_end(period)
    obligations = [
        o
        for o in ReportingObligation.objects.filter(
            requirement=requirement, active=True, recipient_unit__path__startswith=unit.path
        ).select_related("submitter_unit", "submitter_agency", "recipient_agency")
        if valid_on(o.submitter_unit, end)
    ]
    by_obligation = {
        s.obligation_id: s
        for s in Submission.objects.filter(obligation__in=obligations, period=period)
    }
    visible = set(selectors.submission_list(user, period=period).values_list("pk", flat=True))
    now = timezone.now()
    rows = []
    for o in obligations:
        submission = by_obligation.get(o.pk)
        code, label = _timeliness(submission, now)
        shown = submission is not None and submission.pk in visible
        rows.append(
            {
                "unit": o.submitter_unit.name,
                "agency": o.submitter_agency.name,
                "recipient": o.recipient_agency.name,
                "s": submission,
                "status": submission.get_status_display() if submission else "—",
                "code": code,
                "label": label,
                "visible": shown,
                "may_mark": submission is not None
                and code in ("overdue", "soon", "draft")
                and selectors.is_recipient(user, submission),
            }
        )
    return rows


def _choices(user: Any) -> tuple[list, list, list]:
    requirement_ids = _visible_obligations(user).values("requirement_id")
    requirements = list(
        ReportingRequirement.objects.filter(pk__in=requirement_ids).select_related("plan")
    )
    keys: set[str] = set()
    for r in requirements:
        for year in r.plan.years() or [timezone.localdate().year]:
            keys.update(periods_for(r, year))
    ordered = sorted(keys, key=lambda k: (period_end(k), k), reverse=True)
    return (
        [(str(r.pk), f"{requirement_label(r)} — {r.plan.title[:60]}") for r in requirements],
        [(k, period_label(k)) for k in ordered],
        [(u.code, u.name) for u in _units(user)],
    )


def _defaults(user: Any, requirements: list, periods: list, units: list) -> dict[str, str]:
    """The latest period whose reports were due by now (who has sent, who is late), else the
    latest with opened reports; and a requirement that has reports in it."""
    opened = Submission.objects.filter(obligation__in=_visible_obligations(user))
    pairs = ("obligation__requirement_id", "period")
    due = set(opened.filter(due_at__lt=timezone.now()).values_list(*pairs).distinct())
    found = set(opened.values_list(*pairs).distinct())
    choices = {"requirement": requirements, "period": periods, "unit": units}
    out = {name: options[0][0] for name, options in choices.items() if options}
    for candidates in (due, found):
        for key, _label in periods:
            ids = [str(r) for r, p in candidates if p == key]
            if ids:
                out["period"] = key
                out["requirement"] = next((r for r, _l in requirements if r in ids), ids[0])
                return out
    return out


@login_required
@require_GET
def completeness_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (scoping.has_permission(user, APPROVE) or scoping.has_permission(user, MANAGE)):
        raise PermissionDenied
    requirements, periods, units = _choices(user)
    data = request.GET.copy()
    for name, value in _defaults(user, requirements, periods, units).items():
        if not data.get(name):
            data[name] = value
    form = rf.CompletenessForm(data, requirements=requirements, periods=periods, units=units)
    context: dict[str, Any] = {"filter": form, "figures": None, "rows": []}
    if form.is_valid():
        requirement = ReportingRequirement.objects.get(pk=form.cleaned_data["requirement"])
        unit = next(u for u in _units(user) if u.code == form.cleaned_data["unit"])
        period = form.cleaned_data["period"]
        context.update(
            figures=completeness(requirement=requirement, period=period, unit=unit),
            rows=_expected_rows(user, requirement, period, unit),
            requirement=requirement_label(requirement),
            period=period_label(period),
            unit=unit,
        )
    return render(request, "reports/completeness.html", context)


# ------------------------------------------------------------------ obligations


def _plan_rows(user: Any, plans: list[Plan]) -> list[dict[str, Any]]:
    visible = scoping.scoped(user, MANAGE, ReportingObligation).select_related(
        "submitter_agency", "submitter_unit", "recipient_agency"
    )
    rows = []
    for plan in plans:
        groups = []
        for requirement in plan.reporting.select_related("recipient").order_by("pk"):
            groups.append(
                {
                    "label": requirement_label(requirement),
                    "recipient": requirement.recipient.name if requirement.recipient else "",
                    "requirement": requirement,
                    "obligations": list(visible.filter(requirement=requirement)),
                }
            )
        rows.append({"plan": plan, "groups": groups, "years": plan.years(),
                     "agencies": agency_choices(plan)})  # fmt: skip
    return rows


@login_required
@require_GET
def obligations_page(request: HttpRequest) -> HttpResponse:
    if not scoping.has_permission(request.user, MANAGE):
        raise PermissionDenied
    plans = (
        scoping.scoped(request.user, MANAGE, Plan.objects.select_related("unit"))
        .filter(reporting__isnull=False)
        .distinct()
        .order_by("-created_at", "-id")
    )
    page = paginate(request, plans, per_page=10)
    context = {
        "page": page,
        "plans": _plan_rows(request.user, list(page.object_list)),
        "query": query_without_page(request),
        "this_year": timezone.localdate().year,
    }
    return render(request, "reports/obligations.html", context)


def _managed_plan(request: HttpRequest, pk: int) -> Plan:
    plan = plan_get(user=request.user, pk=pk)  # 404 when not visible
    if not can_manage(request.user, plan):
        raise PermissionDenied
    return plan


@login_required
@require_POST
def obligations_generate_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    result = obligations_generate(plan=plan, actor=request.user)
    text = _(
        "Đã cập nhật nghĩa vụ báo cáo: %(created)s mới, %(reactivated)s áp dụng lại, "
        "%(deactivated)s không còn áp dụng."
    ) % {
        "created": len(result.created),
        "reactivated": result.reactivated,
        "deactivated": result.deactivated,
    }
    messages.success(request, text)
    if result.skipped:
        messages.warning(
            request,
            _("%(n)s yêu cầu báo cáo chưa có cơ quan nhận nên chưa tạo nghĩa vụ.")
            % {"n": len(result.skipped)},
        )
    return redirect("reports:obligations")


@login_required
@require_POST
def obligations_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    form = rf.YearForm(request.POST)
    years = plan.years()
    if not form.is_valid() or (years and form.cleaned_data["year"] not in years):
        messages.error(request, _("Năm không thuộc thời gian của kế hoạch."))
        return redirect("reports:obligations")
    year = form.cleaned_data["year"]
    obligations = ReportingObligation.objects.filter(
        requirement__plan=plan, active=True
    ).select_related("requirement__plan", "submitter_unit")
    opened = submissions_open(year=year, actor=request.user, obligations=obligations)
    messages.success(
        request,
        _("Đã mở %(n)s báo cáo cho năm %(year)s.") % {"n": len(opened), "year": year},
    )
    return redirect("reports:obligations")
