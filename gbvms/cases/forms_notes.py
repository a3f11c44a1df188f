"""Forms of the case file: a progress note, the narrative, the survivor's details."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gbvms.cases.models import Sex, Survivor
from gbvms.cases.services_notes import NOTE_MAX_LENGTH
from gbvms.cases.services_survivor import FLAGS, NARRATIVE_MAX_LENGTH
from gbvms.core.forms_util import GuardedForm
from gbvms.core.phones import PhoneField


class NoteForm(GuardedForm):
    text = forms.CharField(
        label=_("Ghi chú tiến trình"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Chỉ người có quyền xem vụ việc đọc được; bạn sửa được trong 24 giờ."),
    )


class NoteEditForm(NoteForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NarrativeForm(GuardedForm):
    narrative = forms.CharField(
        label=_("Lời kể sự việc (theo lời người bị bạo lực)"),
        max_length=NARRATIVE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Ghi lại điều đã xảy ra bằng lời của người bị bạo lực; bản cũ được lưu lại."),
    )


class SurvivorForm(GuardedForm):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200, required=False)
    phone = PhoneField(label=_("Điện thoại"), required=False)
    birth_year = forms.IntegerField(
        label=_("Năm sinh"), min_value=1900, max_value=2100, required=False
    )
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices)
    address = forms.CharField(
        label=_("Địa chỉ"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    ethnicity = forms.CharField(label=_("Dân tộc"), max_length=60, required=False)
    nationality = forms.CharField(label=_("Quốc tịch"), max_length=60, required=False)
    disability = forms.BooleanField(label=_("Khuyết tật"), required=False)
    pregnant = forms.BooleanField(label=_("Đang mang thai"), required=False)
    raising_child_under_36m = forms.BooleanField(
        label=_("Đang nuôi con dưới 36 tháng"), required=False
    )
    unable_to_self_care = forms.BooleanField(
        label=_("Không có khả năng tự chăm sóc"), required=False
    )

    @classmethod
    def initial_for(cls, survivor: Survivor) -> dict[str, Any]:
        fields = ["full_name", "phone", "birth_year", "sex", "address", "ethnicity",
                  "nationality", *FLAGS]  # fmt: skip
        return {name: getattr(survivor, name) for name in fields}
