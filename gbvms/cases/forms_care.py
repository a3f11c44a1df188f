from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gbvms.cases.models import NeedKind, NeedStatus, RiskFactor
from gbvms.cases.services_care import CLOSURE_REASONS, service_provider_agencies
from gbvms.core.forms_util import GuardedForm
from gbvms.orgs.models import Agency

RISK_ANSWERS = [("yes", _("Có")), ("no", _("Không")), ("", _("Chưa hỏi / không rõ"))]


class RiskForm(GuardedForm):
    """Yes / no / not asked for each active checklist item (the checklist is data): "no" and
    "not asked" are different answers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for factor in RiskFactor.objects.filter(is_active=True):
            self.fields[f"f_{factor.code}"] = forms.ChoiceField(
                label=factor.label, choices=RISK_ANSWERS, required=False, initial="",
                widget=forms.RadioSelect,
            )  # fmt: skip

    def answers(self) -> dict[str, bool | None]:
        return {
            name[2:]: {"yes": True, "no": False}.get(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("f_")
        }


class SafetyPlanForm(GuardedForm):
    concern = forms.CharField(
        label=_("Mối lo ngại (theo lời người bị hại)"), max_length=4000, widget=forms.Textarea
    )
    resources = forms.CharField(label=_("Nguồn lực, người hỗ trợ"), max_length=4000,
                                required=False, widget=forms.Textarea)  # fmt: skip
    strategies = forms.CharField(label=_("Biện pháp an toàn"), max_length=4000, required=False,
                                 widget=forms.Textarea)  # fmt: skip
    emergency_contacts = forms.CharField(label=_("Liên hệ khẩn cấp"), max_length=2000,
                                         required=False, widget=forms.Textarea)  # fmt: skip


class NeedForm(GuardedForm):
    kind = forms.ChoiceField(label=_("Nhu cầu"), choices=NeedKind.choices)
    status = forms.ChoiceField(label=_("Tình trạng"), choices=NeedStatus.choices)
    note = forms.CharField(label=_("Ghi chú"), max_length=1000, required=False)


class ServiceForm(GuardedForm):
    kind = forms.ChoiceField(label=_("Loại dịch vụ"), choices=NeedKind.choices)
    delivered_at = forms.DateTimeField(
        label=_("Thời điểm cung cấp"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    provider = forms.ModelChoiceField(
        label=_("Cơ quan cung cấp"),
        queryset=Agency.objects.none(),
        # the same refusal as the service's (which holds the rule, for the API too)
        error_messages={
            "invalid_choice": _("Cơ quan này không cung cấp dịch vụ ở địa bàn của vụ việc.")
        },
    )
    outcome = forms.CharField(label=_("Kết quả"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = (  # type: ignore[attr-defined]
            service_provider_agencies(case).order_by("name")
        )


class FollowUpForm(GuardedForm):
    due_on = forms.DateField(
        label=_("Hạn theo dõi"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=1000, required=False)


class CloseForm(GuardedForm):
    reason = forms.ChoiceField(label=_("Lý do đóng"), choices=list(CLOSURE_REASONS.items()))
    explanation = forms.CharField(
        label=_("Giải thích (bắt buộc với lý do khác)"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReopenForm(GuardedForm):
    reason = forms.CharField(label=_("Lý do mở lại"), max_length=500, min_length=5)
