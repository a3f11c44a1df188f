"""Case page actions for protective measures, perpetrator interventions and the child timeline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gbvms.cases import selectors, services_measures
from gbvms.cases.models import InterventionKind, MeasureType, ProtectiveMeasure
from gbvms.core.forms_util import submit

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]


class MeasureRequestForm(forms.Form):
    type = forms.ModelChoiceField(
        label=gettext_lazy("Biện pháp"), queryset=MeasureType.objects.filter(is_active=True)
    )
    requester = forms.ChoiceField(
        label=gettext_lazy("Người đề nghị"),
        choices=ProtectiveMeasure._meta.get_field("requester").choices,
    )
    survivor_consent = forms.BooleanField(
        label=gettext_lazy("Người bị hại/giám hộ đồng ý"), required=False, initial=True
    )
    danger_to_life = forms.BooleanField(
        label=gettext_lazy("Có căn cứ nguy hiểm sức khỏe, tính mạng"), required=False
    )


class MeasureDecideForm(forms.Form):
    grant = forms.TypedChoiceField(
        label=gettext_lazy("Quyết định"),
        choices=[("yes", gettext_lazy("Áp dụng")), ("no", gettext_lazy("Từ chối"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    starts_at = forms.DateTimeField(label=gettext_lazy("Bắt đầu"), required=False,
                                    widget=DATETIME, input_formats=FORMATS)  # fmt: skip
    ends_at = forms.DateTimeField(label=gettext_lazy("Kết thúc"), required=False,
                                  widget=DATETIME, input_formats=FORMATS)  # fmt: skip
    refusal_reason = forms.CharField(label=gettext_lazy("Lý do từ chối"), max_length=500,
                                     required=False)  # fmt: skip


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Biện pháp với người gây bạo lực"),
                             choices=InterventionKind.choices)  # fmt: skip
    done_on = forms.DateField(label=gettext_lazy("Ngày thực hiện"),
                              widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    outcome = forms.CharField(label=gettext_lazy("Kết quả"), max_length=500, required=False)


class ChildStepForm(forms.Form):
    step = forms.ChoiceField(
        label=gettext_lazy("Bước"),
        choices=[("emergency", gettext_lazy("Can thiệp khẩn cấp")),
                 ("plan", gettext_lazy("Kế hoạch hỗ trợ được duyệt"))],
    )  # fmt: skip
    at = forms.DateTimeField(label=gettext_lazy("Thời điểm"), widget=DATETIME,
                             input_formats=FORMATS)  # fmt: skip


def measure_forms() -> dict[str, Any]:
    return {
        "measure_form": MeasureRequestForm(),
        "decide_form": MeasureDecideForm(),
        "intervention_form": InterventionForm(),
        "child_form": ChildStepForm(),
    }


def _handle(request: HttpRequest, code: str, form: forms.Form, service: Any, name: str,
            done: str, measure_pk: int | None = None) -> HttpResponse:  # fmt: skip
    """Fetch the case for writing, call one service (on the case, or on one of its measures)."""
    from gbvms.cases.views_care import case_page_context

    case = selectors.case_get_for_user(
        user=request.user, code=code, request=request, for_write=True, action="cases.case.opened"
    )
    target: dict[str, Any] = {"case": case}
    if measure_pk is not None:
        target = {"measure": get_object_or_404(ProtectiveMeasure, pk=measure_pk, case=case)}
    if submit(form, service, actor=request.user, request=request, **target) is not None:
        messages.success(request, done)
        return redirect("cases:detail", code=case.code)
    return render(request, "cases/detail.html", case_page_context(case) | {name: form}, status=400)


@login_required
@require_POST
def measure_request(request: HttpRequest, code: str) -> HttpResponse:
    done = _("Đã ghi nhận đề nghị.")
    form = MeasureRequestForm(request.POST)
    return _handle(request, code, form, services_measures.measure_request, "measure_form", done)


@login_required
@require_POST
def measure_decide(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _handle(request, code, MeasureDecideForm(request.POST),
                   services_measures.measure_decide, "decide_form", _("Đã ghi nhận quyết định."),
                   measure_pk=pk)  # fmt: skip


@login_required
@require_POST
def intervention(request: HttpRequest, code: str) -> HttpResponse:
    return _handle(request, code, InterventionForm(request.POST),
                   services_measures.intervention_record, "intervention_form",
                   _("Đã ghi nhận biện pháp với người gây bạo lực."))  # fmt: skip


@login_required
@require_POST
def child_step(request: HttpRequest, code: str) -> HttpResponse:
    done = _("Đã ghi nhận.")
    form = ChildStepForm(request.POST)
    return _handle(request, code, form, services_measures.child_step_record, "child_form", done)
