"""A plan's training requirements (P01), added, edited and removed by a plans manager."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gbvms.core.forms_util import GuardedForm, add_service_errors
from gbvms.geo.models import AdminUnit
from gbvms.plans import selectors, services_training
from gbvms.plans.models import Activity, Plan
from gbvms.programme import vocab
from gbvms.programme.models import TrainingRequirement


class TrainingRequirementForm(GuardedForm):
    target_group = forms.ChoiceField(
        label=gettext_lazy("Nhóm đối tượng"), choices=vocab.TargetGroup.choices
    )
    per_year = forms.IntegerField(
        label=gettext_lazy("Số lần tối thiểu mỗi năm"), min_value=1, max_value=12, initial=1
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Mỗi đơn vị cấp"), choices=vocab.TrainingLevel.choices, initial="commune"
    )
    unit_scope = forms.ModelChoiceField(
        label=gettext_lazy("Phạm vi"),
        queryset=AdminUnit.objects.none(),
        required=False,
        help_text=gettext_lazy("Để trống: toàn bộ địa bàn của kế hoạch."),
    )
    activity = forms.ModelChoiceField(
        label=gettext_lazy("Hoạt động"), queryset=Activity.objects.none(), required=False
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = AdminUnit.objects.filter(valid_to__isnull=True)
        if plan.unit is not None:
            units = units.filter(path__startswith=plan.unit.path)
        self.fields["unit_scope"].queryset = units.order_by("path")
        self.fields["activity"].queryset = plan.activities.order_by("order")


def _requirement(plan: Plan, req_pk: int | None) -> TrainingRequirement | None:
    if req_pk is None:
        return None
    requirement = TrainingRequirement.objects.filter(plan=plan, pk=req_pk).first()
    if requirement is None:
        raise Http404
    return requirement


@login_required
@require_http_methods(["GET", "POST"])
def requirement_edit(request: HttpRequest, pk: int, req_pk: int | None = None) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk, for_write=True)
    requirement = _requirement(plan, req_pk)
    initial = {}
    if requirement is not None:
        initial = {
            "target_group": requirement.target_group,
            "per_year": requirement.per_year,
            "level": requirement.level,
            "unit_scope": requirement.unit_scope_id,
            "activity": requirement.activity_id,
        }
    form = TrainingRequirementForm(request.POST or None, initial=initial, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services_training.training_requirement_save(
                actor=request.user, plan=plan, requirement=requirement, request=request,
                **form.cleaned_data,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu yêu cầu tập huấn."))
            return redirect(f"{plan.get_absolute_url()}#training-requirements")
    context = {"plan": plan, "form": form, "requirement": requirement,
               "label": _("Yêu cầu tập huấn")}  # fmt: skip
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/training_requirement_form.html", context, status=status)


@login_required
@require_POST
def requirement_delete(request: HttpRequest, pk: int, req_pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk, for_write=True)
    requirement = _requirement(plan, req_pk)
    services_training.training_requirement_delete(
        actor=request.user, requirement=requirement, request=request
    )
    messages.success(request, _("Đã xóa."))
    return redirect(f"{plan.get_absolute_url()}#training-requirements")
