from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.cases import classification
from gbvms.cases.models import GBV_TYPE_CHOICES, Channel, RiskLevel, Sex, Status, ViolenceForm
from gbvms.cases.selectors import case_workers_supervised
from gbvms.cases.services import intake_channel_default
from gbvms.core.forms_util import GuardedForm
from gbvms.core.phones import PhoneField
from gbvms.geo.models import AdminUnit
from gbvms.geo.pickers import picker_url
from gbvms.geo.selectors import units_within_grant


def intake_communes(user: Any) -> QuerySet[AdminUnit]:
    """Current communes inside the user's cases.intake scope."""
    units = units_within_grant(user, "cases.intake").filter(level="commune")
    return units.select_related("parent").order_by("parent__name", "name")


class CommuneField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdminUnit) -> str:
        return f"{obj.name} — {obj.parent.name}" if obj.parent_id else obj.name


class QuickIntakeForm(GuardedForm):
    """The two-minute intake: enough to open a case safely; the rest is completed later."""

    channel = forms.ChoiceField(label=_("Kênh tiếp nhận"), choices=[("", "—"), *Channel.choices])
    # one per displayed form: a second POST of the same form opens no second case
    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)
    commune = CommuneField(
        label=_("Xã, phường nơi xảy ra"),
        queryset=AdminUnit.objects.none(),
        widget=forms.Select(attrs={"data-picker": picker_url("cases.intake")}),
    )
    violence_forms = forms.MultipleChoiceField(
        label=_("Chuyện gì đã xảy ra?"),
        choices=ViolenceForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    immediate_danger = forms.TypedChoiceField(
        label=_("Có đang gặp nguy hiểm tức thời không?"),
        choices=[("no", _("Không")), ("yes", _("Có"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="no",
    )
    safe_contact = forms.CharField(
        label=_("Cách liên lạc an toàn"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: chỉ gọi sau 17 giờ; không nhắn tin; không liên lạc."),
    )
    full_name = forms.CharField(label=_("Họ và tên (nếu người báo tin đồng ý)"), max_length=200,
                                required=False)  # fmt: skip
    phone = PhoneField(label=_("Số điện thoại"), required=False)
    birth_year = forms.IntegerField(
        label=_("Năm sinh"), min_value=1900, max_value=2100, required=False
    )
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices, initial=Sex.FEMALE)
    detected_at = forms.DateTimeField(
        label=_("Thời điểm phát hiện"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("detected_at", timezone.localtime().replace(microsecond=0))
        kwargs["initial"].setdefault("channel", intake_channel_default(actor))
        kwargs["initial"].setdefault("submission", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = intake_communes(actor)  # type: ignore[attr-defined]

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        if year and year > timezone.localdate().year:
            raise forms.ValidationError(_("Năm sinh không thể ở tương lai."))
        return year


class CaseFilterForm(GuardedForm):
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", _("— Tất cả —")), *Status.choices], required=False
    )
    risk = forms.ChoiceField(
        label=_("Rủi ro"),
        choices=[("", _("— Tất cả —")), *[c for c in RiskLevel.choices if c[0]]],
        required=False,
    )
    unit_code = forms.CharField(
        label=_("Mã xã, phường"),
        max_length=5,
        required=False,
        widget=forms.TextInput(
            attrs={"data-picker": picker_url("cases.view"), "data-picker-value": "code"}
        ),
    )
    gbv_type = forms.ChoiceField(
        label=_("Loại bạo lực"),
        choices=[("", _("— Tất cả —")), *GBV_TYPE_CHOICES],
        required=False,
    )
    code = forms.CharField(label=_("Mã vụ việc"), max_length=20, required=False)
    worker = forms.TypedChoiceField(
        label=_("Cán bộ phụ trách"), coerce=int, empty_value=None, required=False, choices=[]
    )
    overdue = forms.BooleanField(label=_("Có lịch theo dõi quá hạn"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workers = case_workers_supervised(user)
        if workers:
            self.fields["worker"].choices = [("", _("— Tất cả —")), *workers]  # type: ignore[attr-defined]
        else:
            del self.fields["worker"]  # a worker sees only their own cases anyway


class IdentitySearchForm(GuardedForm):
    """Posted, never in a URL: names and phone numbers stay out of logs and history."""

    name = forms.CharField(label=_("Họ và tên"), max_length=200, required=False)
    phone = PhoneField(label=_("Số điện thoại"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name") and not data.get("phone"):
            raise forms.ValidationError(_("Nhập họ tên hoặc số điện thoại."))
        return data


YES_NO = [("yes", _("Có")), ("no", _("Không"))]


class ClassifyStepForm(GuardedForm):
    """One wizard step: the answers so far travel as hidden fields, one new answer is asked."""

    def __init__(self, *args: Any, answers: dict[str, bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, value in answers.items():
            self.fields[f"a_{code}"] = forms.CharField(
                widget=forms.HiddenInput, initial="yes" if value else "no"
            )
        question = classification.next_question(answers)
        self.question = question
        if question is not None:
            self.fields["answer"] = forms.ChoiceField(
                label=question.label, help_text=question.help, choices=YES_NO,
                widget=forms.RadioSelect,
            )  # fmt: skip


class ClassifySaveForm(GuardedForm):
    occurred_on = forms.DateField(
        label=_("Ngày xảy ra"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    relationships = forms.MultipleChoiceField(
        label=_("Quan hệ của người gây bạo lực với người bị hại"),
        choices=list(classification.RELATIONSHIPS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    exchange = forms.BooleanField(label=_("Có trao đổi tiền, hàng hóa, lợi ích"), required=False)
    abduction = forms.BooleanField(label=_("Người bị hại bị bắt cóc"), required=False)
    harmful_traditional_practice = forms.BooleanField(
        label=_("Là hủ tục có hại (chỉ đánh dấu khi người bị hại xác nhận)"), required=False
    )

    def clean_occurred_on(self) -> datetime.date | None:
        day = self.cleaned_data.get("occurred_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("Ngày xảy ra không thể ở tương lai."))
        return day


def answers_from(data: Any) -> dict[str, bool]:
    """Answers carried by a wizard form, in question order, stopping at the first gap."""
    answers: dict[str, bool] = {}
    for question in classification.QUESTIONS:
        value = data.get(f"a_{question.code}")
        if value not in {"yes", "no"}:
            break
        answers[question.code] = value == "yes"
        if value == "yes":
            break
    return answers
