"""Case page actions: consent (with exceptions) and its withdrawal, DV acts and context flags,
how the report was received."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gbvms.cases import services
from gbvms.cases.models import (
    Consent,
    ConsentKind,
    ContextFlag,
    DvAct,
    NeedKind,
    ReceivedBy,
    Relationship,
    ReportChannel,
)
from gbvms.cases.views_care import case_action
from gbvms.orgs.models import User

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại đồng ý"), choices=ConsentKind.choices)
    service_types = forms.MultipleChoiceField(
        label=gettext_lazy("Loại dịch vụ"),
        choices=NeedKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    given_by = forms.ChoiceField(
        label=gettext_lazy("Người đồng ý"), choices=Consent._meta.get_field("given_by").choices
    )
    exception_reason = forms.CharField(
        label=gettext_lazy("Lý do ngoại lệ"), max_length=500, required=False
    )
    approved_by = forms.ModelChoiceField(
        label=gettext_lazy("Người giám sát phê duyệt (ngoại lệ đe dọa tính mạng)"),
        queryset=User.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approved_by"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            memberships__role="case_supervisor", memberships__is_active=True, is_active=True
        ).distinct()


class LegalForm(forms.Form):
    relationship = forms.ChoiceField(
        label=gettext_lazy("Quan hệ giữa người gây bạo lực và người bị hại"),
        choices=Relationship.choices,
    )
    dv_acts = forms.MultipleChoiceField(
        label=gettext_lazy("Hành vi bạo lực gia đình (Điều 3 Luật 13/2022/QH15)"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    context_flags = forms.MultipleChoiceField(
        label=gettext_lazy("Dấu hiệu bối cảnh"),
        choices=ContextFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dv_acts"].choices = [
            (a.code, f"{a.code}) {a.label}") for a in DvAct.objects.all()
        ]  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    received_by = forms.ChoiceField(label=gettext_lazy("Nơi tiếp nhận"), choices=ReceivedBy.choices)
    channel = forms.ChoiceField(
        label=gettext_lazy("Hình thức báo tin"), choices=ReportChannel.choices
    )
    received_at = forms.DateTimeField(
        label=gettext_lazy("Thời điểm tiếp nhận"), widget=DATETIME, input_formats=FORMATS
    )
    chair_notified_at = forms.DateTimeField(
        label=gettext_lazy("Đã báo Chủ tịch UBND xã lúc"),
        widget=DATETIME,
        input_formats=FORMATS,
        required=False,
    )
    content = forms.CharField(
        label=gettext_lazy("Nội dung tin báo (Mẫu số 03 đối với đường dây nóng)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        return {
            **{
                k: data.get(k)
                for k in ("received_by", "channel", "received_at", "chair_notified_at")
            },
            "form03": {"content": data.get("content", "")} if data.get("content") else {},
        }


@login_required
@require_POST
def consent(request: HttpRequest, code: str) -> HttpResponse:
    return case_action(
        request,
        code,
        lambda d, c: ConsentForm(d, case=c),
        services.consent_give,
        "consent",
        _("Đã ghi nhận sự đồng ý."),
    )


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    def target(case: Any) -> dict[str, Any]:
        return {"consent": get_object_or_404(Consent, pk=pk, case=case)}

    return case_action(
        request,
        code,
        lambda d, c: forms.Form(d),
        services.consent_withdraw,
        "consent_form",
        _("Đã ghi nhận việc rút lại sự đồng ý."),
        target=target,
    )


@login_required
@require_POST
def legal(request: HttpRequest, code: str) -> HttpResponse:
    return case_action(
        request,
        code,
        lambda d, c: LegalForm(d),
        services.incident_legal_set,
        "legal",
        _("Đã lưu hành vi và bối cảnh."),
    )


@login_required
@require_POST
def report(request: HttpRequest, code: str) -> HttpResponse:
    return case_action(
        request,
        code,
        lambda d, c: ReportForm(d),
        services.report_record,
        "report",
        _("Đã lưu thông tin tiếp nhận tin báo."),
    )
