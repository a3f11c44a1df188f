"""Forms of the case page's actions (the action registry in actions.py wires them to
services), and the break-glass form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Case as DbCase
from django.db.models import When
from django.utils.translation import gettext_lazy

from gbvms.cases.classification import RELATIONSHIPS
from gbvms.cases.forms_care import RiskForm
from gbvms.cases.models import (
    Consent,
    ConsentKind,
    ContextFlag,
    DvAct,
    InterventionKind,
    MeasureType,
    ProtectiveMeasure,
    ReceivedBy,
    Relationship,
    ReportChannel,
    ServiceCode,
    Sex,
)
from gbvms.cases.services import AGE_GROUPS
from gbvms.core.forms_util import GuardedForm
from gbvms.orgs.models import Agency, User

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]


class MeasureRequestForm(GuardedForm):
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


class MeasureDecideForm(GuardedForm):
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


class InterventionForm(GuardedForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Biện pháp với người gây bạo lực"), choices=InterventionKind.choices
    )
    done_on = forms.DateField(
        label=gettext_lazy("Ngày thực hiện"), widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.CharField(label=gettext_lazy("Kết quả"), max_length=500, required=False)


class ChildStepForm(GuardedForm):
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


class ConsentForm(GuardedForm):
    kind = forms.ChoiceField(label=gettext_lazy("Loại đồng ý"), choices=ConsentKind.choices)
    service_types = forms.MultipleChoiceField(
        label=gettext_lazy("Loại dịch vụ"),
        choices=ServiceCode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    provider_ids = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Chia sẻ với cơ sở (đồng ý chia sẻ)"),
        coerce=int,
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Các cơ sở trong danh bạ phục vụ xã của vụ việc."),
        # the same refusal as the service's (which holds the rule, for the API too)
        error_messages={
            "invalid_choice": gettext_lazy(
                "Chỉ chọn được cơ sở trong danh bạ phục vụ xã của vụ việc."
            )
        },
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
    expires_at = forms.DateTimeField(
        label=gettext_lazy("Hết hiệu lực lúc"),
        required=False,
        widget=DATETIME,
        input_formats=FORMATS,
        help_text=gettext_lazy("Để trống: có hiệu lực đến khi được rút lại."),
    )

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approved_by"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            memberships__role="case_supervisor", memberships__is_active=True, is_active=True
        ).distinct()
        from gbvms.referrals.services_directory import providers_serving

        self.fields["provider_ids"].choices = [  # type: ignore[attr-defined]
            (p.pk, p.name) for p in providers_serving(case.unit)
        ]


class LegalForm(GuardedForm):
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


class ReportForm(GuardedForm):
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


class TransferForm(GuardedForm):
    to_agency = forms.ModelChoiceField(
        label=gettext_lazy("Chuyển tới cơ quan"), queryset=Agency.objects.none()
    )
    reason = forms.CharField(label=gettext_lazy("Lý do chuyển"), max_length=500, min_length=5)

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # any agency that manages cases, those of the case's province first (a survivor who
        # moves to another province is transferred there)
        province = "/" + case.unit.path.split("/")[1] + "/"
        field = self.fields["to_agency"]
        field.queryset = (  # type: ignore[attr-defined]
            Agency.objects.filter(
                is_active=True,
                memberships__role="case_worker",
                memberships__is_active=True,
            )
            .exclude(pk=case.owning_agency_id)
            .select_related("unit")
            .annotate(elsewhere=DbCase(When(unit__path__startswith=province, then=0), default=1))
            .distinct()
            .order_by("elsewhere", "unit__path", "name")
        )
        field.label_from_instance = lambda a: f"{a.name} — {a.unit.name}"  # type: ignore[attr-defined]


class DeclineForm(GuardedForm):
    decline_reason = forms.CharField(label=gettext_lazy("Lý do từ chối"), max_length=500)


class AcceptForm(GuardedForm):
    """Shown for a case from another province when the receiver is not a commune's agency."""

    commune_code = forms.CharField(
        label=gettext_lazy("Mã xã, phường nơi người bị bạo lực đang sống"),
        max_length=5,
        help_text=gettext_lazy("Vụ việc chuyển từ tỉnh khác sang địa bàn của cơ quan bạn."),
    )


class BreakGlassForm(GuardedForm):
    code = forms.CharField(label=gettext_lazy("Mã vụ việc"), max_length=20)
    reason = forms.CharField(
        label=gettext_lazy("Lý do truy cập khẩn cấp"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Được ghi vào nhật ký truy cập và được xem xét lại."),
    )


class RiskAnswersForm(RiskForm):
    """The risk form exposes its answers as one service argument."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        return {"answers": self.answers()}


class PerpetratorForm(GuardedForm):
    relationship = forms.ChoiceField(
        label=gettext_lazy("Quan hệ với người bị hại"), choices=list(RELATIONSHIPS.items())
    )
    # no default: the worker chooses, "unknown" included
    sex = forms.ChoiceField(label=gettext_lazy("Giới tính"), choices=[("", "—"), *Sex.choices])
    age_group = forms.ChoiceField(
        label=gettext_lazy("Nhóm tuổi"),
        choices=[("", "—"), *[(g, g) for g in AGE_GROUPS if g != "unknown"],
                 ("unknown", gettext_lazy("Không rõ"))],
        required=False,
    )  # fmt: skip
    occupation = forms.CharField(label=gettext_lazy("Nghề nghiệp"), max_length=60, required=False)
    previous_incidents = forms.BooleanField(
        label=gettext_lazy("Đã từng gây bạo lực trước đây"), required=False
    )
