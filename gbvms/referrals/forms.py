from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gbvms.core import phones
from gbvms.core.forms_util import GuardedForm, GuardedModelForm
from gbvms.core.phones import PhoneField
from gbvms.geo.pickers import local_picker_attrs
from gbvms.indicators import outbox
from gbvms.referrals.models import (
    HelpKind,
    ProviderType,
    Section,
    ServiceCode,
    ServiceProvider,
    Urgency,
)


class ReferralForm(GuardedForm):
    provider = forms.ModelChoiceField(
        label=_("Cơ sở nhận"), queryset=ServiceProvider.objects.none()
    )
    services = forms.MultipleChoiceField(
        label=_("Dịch vụ"), choices=ServiceCode.choices, widget=forms.CheckboxSelectMultiple
    )
    urgency = forms.ChoiceField(
        label=_("Mức độ khẩn"), choices=Urgency.choices, initial=Urgency.URGENT
    )
    visible_sections = forms.ChoiceField(
        label=_("Nơi nhận được xem"),
        choices=Section.choices,
        initial=Section.SUMMARY,
        widget=forms.RadioSelect,
        help_text=_("Chỉ chia sẻ những gì nơi nhận cần để cung cấp dịch vụ."),
    )
    note = forms.CharField(
        label=_("Ghi chú cho nơi nhận"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, providers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        field.queryset = ServiceProvider.objects.filter(pk__in=[m.provider.pk for m in providers])  # type: ignore[attr-defined]
        labels = {m.provider.pk: m for m in providers}

        def label(p: ServiceProvider) -> str:
            m = labels.get(p.pk)
            services = ", ".join(
                str(ServiceCode(s).label) for s in p.services if s in ServiceCode.values
            )
            where = {
                "commune": _("tại xã"),
                "province": _("cấp tỉnh"),
                "national": _("toàn quốc"),
            }.get(m.tier if m else "", "")
            return f"{p.name} — {services} ({where})"

        field.label_from_instance = label  # type: ignore[attr-defined]


class DeclineForm(GuardedForm):
    reason = forms.CharField(
        label=_("Lý do từ chối"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CompleteForm(GuardedForm):
    outcome = forms.CharField(
        label=_("Kết quả"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProviderForm(GuardedModelForm):
    services = forms.MultipleChoiceField(
        label=_("Dịch vụ"), choices=ServiceCode.choices, widget=forms.CheckboxSelectMultiple
    )
    coverage_codes = forms.CharField(
        label=_("Địa bàn (mã tỉnh hoặc xã, cách nhau bởi dấu phẩy)"),
        required=False,
        help_text=_("Ví dụ: 51 (cả tỉnh) hoặc 23293, 23401."),
    )
    languages_text = forms.CharField(label=_("Ngôn ngữ (cách nhau bởi dấu phẩy)"), required=False)

    class Meta:
        model = ServiceProvider
        fields = [
            "agency",
            "name",
            "type",
            "national",
            "open_24_7",
            "public_phone",
            "public_address",
            "public_description",
            "internal_phone",
            "internal_email",
            "accessibility",
            "shelter_beds",
            "shelter_occupied",
            "criteria",
            "is_active",
        ]
        widgets = {
            "criteria": forms.CheckboxSelectMultiple,
            "public_description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["services"].initial = self.instance.services
            self.fields["coverage_codes"].initial = ", ".join(
                u.code for u in self.instance.coverage.all()
            )
            self.fields["languages_text"].initial = ", ".join(self.instance.languages)

    def clean_coverage_codes(self) -> list[Any]:
        from gbvms.geo.models import AdminUnit

        codes = [
            c.strip() for c in self.cleaned_data.get("coverage_codes", "").split(",") if c.strip()
        ]
        units = list(
            AdminUnit.objects.current().filter(code__in=codes, level__in=["province", "commune"])
        )
        missing = set(codes) - {u.code for u in units}
        if missing:
            raise forms.ValidationError(
                _("Không có đơn vị mã: %(c)s") % {"c": ", ".join(sorted(missing))}
            )
        return units

    def clean_public_phone(self) -> str:
        return phones.normalise(self.cleaned_data.get("public_phone"))

    def clean_internal_phone(self) -> str:
        return phones.normalise(self.cleaned_data.get("internal_phone"))

    @transaction.atomic
    def save(self, commit: bool = True) -> ServiceProvider:
        before = self.initial.get("agency")
        provider = super().save(commit=False)
        provider.services = self.cleaned_data["services"]
        provider.languages = [
            x.strip() for x in self.cleaned_data["languages_text"].split(",") if x.strip()
        ]
        provider.save()
        self.save_m2m()
        provider.coverage.set(self.cleaned_data["coverage_codes"])
        outbox.mark_programme_agencies(provider.agency_id, before)  # P08 reads the directory
        return provider


class DirectoryImportForm(GuardedForm):
    file = forms.FileField(
        label=_("Tệp CSV hoặc XLSX"),
        help_text=_("Cùng các cột như tệp xuất ra; dòng có mã (id) là cập nhật."),
    )


class FindHelpForm(GuardedForm):
    commune = forms.CharField(
        label=_("Mã hoặc tên xã, phường (hoặc tỉnh) nơi bạn ở"),
        max_length=100,
        widget=forms.TextInput(attrs=local_picker_attrs("any")),
    )
    service = forms.ChoiceField(label=_("Bạn cần gì?"), choices=ServiceCode.choices)


WHAT_HAPPENED = [
    ("the_chat", _("Bị đánh, bị làm đau")),
    ("tinh_than", _("Bị đe dọa, chửi bới, kiểm soát")),
    ("tinh_duc", _("Bị ép buộc hoặc xâm hại tình dục")),
    ("kinh_te", _("Bị lấy tiền, tài sản hoặc bị cấm đi làm")),
    ("danger_now", _("Tôi đang gặp nguy hiểm ngay lúc này")),
    ("child", _("Người bị hại là trẻ em")),
]


class HelpRequestForm(GuardedForm):
    kind = forms.ChoiceField(
        label=_("Bạn cần gì?"), choices=HelpKind.choices, widget=forms.RadioSelect
    )
    commune = forms.CharField(
        label=_("Mã xã, phường (xem danh sách bên dưới) hoặc tên"),
        max_length=100,
        widget=forms.TextInput(attrs=local_picker_attrs("commune")),
    )
    answers = forms.MultipleChoiceField(
        label=_("Điều gì đã xảy ra? (chọn nếu muốn)"),
        choices=WHAT_HAPPENED,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Bạn muốn kể thêm (không bắt buộc)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    phone = PhoneField(
        label=_("Số điện thoại an toàn để liên lạc (không bắt buộc)"), required=False
    )
    email = forms.EmailField(label=_("Thư điện tử (không bắt buộc)"), required=False)
    safe_times = forms.CharField(
        label=_("Khi nào liên lạc an toàn?"), required=False, max_length=200
    )
    no_contact = forms.BooleanField(
        label=_("Đừng liên lạc với tôi; tôi sẽ tự xem trả lời"), required=False
    )
    website = forms.CharField(
        required=False,
        label=_("Để trống ô này"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class StatusForm(GuardedForm):
    tracking_code = forms.CharField(label=_("Mã theo dõi"), max_length=12)
    pin = forms.CharField(
        label=_("Mã PIN"), max_length=6, widget=forms.PasswordInput(attrs={"inputmode": "numeric"})
    )


class ReplyForm(GuardedForm):
    text = forms.CharField(
        label=_("Trả lời (người gửi sẽ đọc được)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseHelpForm(GuardedForm):
    reason = forms.CharField(label=_("Lý do đóng"), max_length=300)


PROVIDER_TYPES = ProviderType.choices
