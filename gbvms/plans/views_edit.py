"""Creating and editing a plan by hand: the plan itself and each kind of item in it. Every
change rebuilds the plan's assignments and calendar (statuses and notes are kept)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gbvms.core import scoping
from gbvms.core.audit import log_action
from gbvms.indicators import targets
from gbvms.plans import selectors, services
from gbvms.plans.forms import (
    ActivityForm,
    EventForm,
    PlanForm,
    ReportingForm,
    ResponsibilityForm,
    TargetForm,
    due_display,
    lines_of,
    phases,
)
from gbvms.plans.models import (
    Activity,
    ActivityAgency,
    Phase,
    Plan,
    PlanEvent,
    ReportingRequirement,
    Responsibility,
    Role,
    Target,
)
from gbvms.plans.views import issuing_units


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not scoping.has_permission(request.user, "plans.manage"):
        raise PermissionDenied
    plan = selectors.plan_get(user=request.user, pk=pk, for_write=True) if pk else None
    form = PlanForm(
        request.POST or None,
        instance=plan,
        units=issuing_units(request.user),
        plans=selectors.plan_list(user=request.user).exclude(pk=pk or 0),
    )
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data.get("unit")
        if not scoping.has_permission(request.user, "plans.manage", unit.path if unit else "/"):
            form.add_error("unit", _("Bạn không quản lý kế hoạch của đơn vị này."))
        else:
            with transaction.atomic():
                saved = form.save(commit=False)
                if not saved.pk:
                    saved.created_by = request.user
                saved.save()
                services.plan_rebuild(saved)
                log_action(
                    action="plans.plan.saved", actor=request.user, request=request, obj=saved
                )
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect("plans:detail", pk=saved.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


@dataclass
class Kind:
    model: type[Any]
    form: type[forms.BaseForm]
    label: Any
    anchor: str


KINDS = {
    "activity": Kind(Activity, ActivityForm, gettext_lazy("Hoạt động"), "activities"),
    "target": Kind(Target, TargetForm, gettext_lazy("Mục tiêu"), "targets"),
    "reporting": Kind(
        ReportingRequirement, ReportingForm, gettext_lazy("Yêu cầu báo cáo"), "reporting"
    ),
    "event": Kind(PlanEvent, EventForm, gettext_lazy("Sự kiện"), "events"),
    "responsibility": Kind(
        Responsibility, ResponsibilityForm, gettext_lazy("Nhiệm vụ của cơ quan"), "responsibilities"
    ),
}


def _initial(kind: str, item: Any) -> dict[str, Any]:
    if item is None:
        return {}
    if kind == "reporting":
        due = (
            item.due_date.isoformat()
            if item.due_date
            else (f"{item.due_month:02d}-{item.due_day:02d}" if item.due_month else "")
        )
        return {
            "kind": item.kind,
            "due": due_display(due),
            "to": item.recipient_name,
            "text": item.text,
        }
    if kind == "responsibility":
        return {"agency": item.name, "duties": "\n".join(item.duties)}
    return {}


def _form(kind: str, item: Any, data: Any) -> forms.BaseForm:
    spec = KINDS[kind]
    if issubclass(spec.form, forms.ModelForm):
        return spec.form(data, instance=item)
    return spec.form(data, initial=_initial(kind, item))


def _save(kind: str, plan: Plan, item: Any, form: forms.BaseForm, actor: Any = None) -> None:
    data = form.cleaned_data
    index = services.AgencyIndex(plan.unit)
    if isinstance(form, forms.ModelForm):
        obj = form.save(commit=False)
        obj.plan = plan
        if kind == "activity" and obj.order == 0 and not obj.pk:
            obj.order = plan.activities.count()
        obj.save()
        if kind == "activity":
            _activity_links(obj, data, index)
        if kind == "target":  # a confirmed target's unit targets follow its new value and year
            targets.plan_target_changed(obj, actor)
        return
    if kind == "reporting":
        services.requirement_create(
            plan,
            {"kind": data["kind"], "due": data["due"], "to": data["to"], "text": data["text"]},
            index.match(data["to"]),
            requirement=item,  # updated in place: its dates keep their sent reminders
        )
    elif kind == "responsibility":
        item = item or Responsibility(plan=plan)
        item.name, item.duties = data["agency"].strip(), lines_of(data["duties"])
        item.agency = index.match(item.name)
        item.save()


def _activity_links(activity: Activity, data: dict[str, Any], index: services.AgencyIndex) -> None:
    activity.agencies.all().delete()
    for role, key in ((Role.LEAD, "lead"), (Role.COORDINATING, "coordinating")):
        for name in lines_of(data.get(key, "")):
            ActivityAgency.objects.create(
                activity=activity, role=role, name=name[:300], agency=index.match(name)
            )
    activity.phases.all().delete()
    for p in phases(data.get("timeline", "")):
        Phase.objects.create(
            activity=activity,
            from_year=p["from_year"],
            to_year=p["to_year"],
            frequency=p.get("frequency", ""),
            text=p["text"],
        )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int, kind: str, item_pk: int | None = None) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    plan = selectors.plan_get(user=request.user, pk=pk, for_write=True)
    spec = KINDS[kind]
    item = spec.model.objects.filter(plan=plan, pk=item_pk).first() if item_pk else None
    if item_pk and item is None:
        raise Http404
    form = _form(kind, item, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            _save(kind, plan, item, form, request.user)
            services.plan_rebuild(plan)
            log_action(action=f"plans.{kind}.saved", actor=request.user, request=request, obj=plan)
        messages.success(request, _("Đã lưu."))
        return redirect(f"{plan.get_absolute_url()}#{spec.anchor}")
    context = {"plan": plan, "form": form, "kind": kind, "label": spec.label, "item": item}
    return render(request, "plans/item_form.html", context)


@login_required
@require_POST
def item_delete(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    plan = selectors.plan_get(user=request.user, pk=pk, for_write=True)
    item = KINDS[kind].model.objects.filter(plan=plan, pk=item_pk).first()
    if item is None:
        raise Http404
    with transaction.atomic():
        if kind == "target":  # the unit targets it gave go with it
            targets.plan_target_changed(item, request.user, deleting=True)
        item.delete()
        services.plan_rebuild(plan)
        log_action(action=f"plans.{kind}.deleted", actor=request.user, request=request, obj=plan)
    messages.success(request, _("Đã xóa."))
    return redirect(f"{plan.get_absolute_url()}#{KINDS[kind].anchor}")
