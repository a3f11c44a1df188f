"""Case page actions for protective measures, perpetrator interventions and the child timeline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gbvms.cases import services_measures
from gbvms.cases.models import InterventionKind, MeasureType, ProtectiveMeasure
from gbvms.cases.views_care import case_action

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
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Bắt đầu"), required=False, widget=DATETIME, input_formats=FORMATS
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Kết thúc"), required=False, widget=DATETIME, input_formats=FORMATS
    )
    refusal_reason = forms.CharField(
        label=gettext_lazy("Lý do từ chối"), max_length=500, required=False
    )


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Biện pháp với người gây bạo lực"), choices=InterventionKind.choices
    )
    done_on = forms.DateField(
        label=gettext_lazy("Ngày thực hiện"), widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.CharField(label=gettext_lazy("Kết quả"), max_length=500, required=False)


class ChildStepForm(forms.Form):
    step = forms.ChoiceField(
        label=gettext_lazy("Bước"),
        choices=[
            ("emergency", gettext_lazy("Can thiệp khẩn cấp")),
            ("plan", gettext_lazy("Kế hoạch hỗ trợ được duyệt")),
        ],
    )
    at = forms.DateTimeField(
        label=gettext_lazy("Thời điểm"), widget=DATETIME, input_formats=FORMATS
    )


@login_required
@require_POST
def measure_request(request: HttpRequest, code: str) -> HttpResponse:
    done = _("Đã ghi nhận đề nghị.")
    return case_action(
        request,
        code,
        lambda d, c: MeasureRequestForm(d),
        services_measures.measure_request,
        "measure",
        done,
    )


@login_required
@require_POST
def measure_decide(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    def measure(case: Any) -> dict[str, Any]:
        return {"measure": get_object_or_404(ProtectiveMeasure, pk=pk, case=case)}

    return case_action(
        request,
        code,
        lambda d, c: MeasureDecideForm(d),
        services_measures.measure_decide,
        "decide_form",
        _("Đã ghi nhận quyết định."),
        target=measure,
    )


@login_required
@require_POST
def intervention(request: HttpRequest, code: str) -> HttpResponse:
    return case_action(
        request,
        code,
        lambda d, c: InterventionForm(d),
        services_measures.intervention_record,
        "intervention",
        _("Đã ghi nhận biện pháp với người gây bạo lực."),
    )


@login_required
@require_POST
def child_step(request: HttpRequest, code: str) -> HttpResponse:
    return case_action(
        request,
        code,
        lambda d, c: ChildStepForm(d),
        services_measures.child_step_record,
        "child",
        _("Đã ghi nhận."),
    )
