from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gbvms.core import scoping
from gbvms.core.forms_util import GuardedForm
from gbvms.core.phones import PhoneField
from gbvms.core.roles import ROLE_CHOICES
from gbvms.geo.models import AdminUnit
from gbvms.geo.selectors import units_within_grant
from gbvms.orgs.models import Agency, AgencyKind, User
from gbvms.orgs.selectors import agencies_manageable


def units_manageable(user: Any) -> QuerySet[AdminUnit]:
    """Current units inside the user's orgs.manage scope (provinces first)."""
    return units_within_grant(user, "orgs.manage").order_by("level", "path")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdminUnit) -> str:
        return f"{obj.name} ({obj.code})"


class AgencyForm(GuardedForm):
    name = forms.CharField(label=_("Tên cơ quan"), max_length=200)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("Loại cơ quan"), choices=AgencyKind.choices)
    unit = UnitChoiceField(label=_("Đơn vị hành chính"), queryset=AdminUnit.objects.none())
    parent = forms.ModelChoiceField(
        label=_("Cơ quan cấp trên"), queryset=Agency.objects.none(), required=False
    )
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = PhoneField(label=_("Điện thoại"), required=False)
    is_active = forms.BooleanField(label=_("Đang hoạt động"), required=False, initial=True)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_manageable(actor)  # type: ignore[attr-defined]
        self.fields["parent"].queryset = scoping.scoped(  # type: ignore[attr-defined]
            actor, "orgs.view", Agency.objects.all()
        ).order_by("name")


class MembershipForm(GuardedForm):
    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=Agency.objects.none())
    role = forms.ChoiceField(label=_("Vai trò"), choices=ROLE_CHOICES)
    scope_unit = UnitChoiceField(
        label=_("Phạm vi"),
        queryset=AdminUnit.objects.none(),
        required=False,
        empty_label=_("— Toàn quốc —"),
        help_text=_("Quyền áp dụng cho đơn vị này và mọi đơn vị trực thuộc."),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_manageable(user=actor)  # type: ignore[attr-defined]
        self.fields["scope_unit"].queryset = units_manageable(actor)  # type: ignore[attr-defined]
        if scoping.NATIONAL not in scoping.grants(actor, "orgs.manage"):
            self.fields["scope_unit"].required = True


class UserCreateForm(MembershipForm):
    username = forms.RegexField(
        label=_("Tên đăng nhập"),
        regex=r"^[\w.@+-]+$",
        max_length=150,
        error_messages={"invalid": _("Chỉ dùng chữ, số và các ký tự @ . + - _")},
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = PhoneField(label=_("Điện thoại"), required=False)
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 10 ký tự, không quá phổ biến, không chỉ gồm chữ số."),
    )

    field_order = ["username", "full_name", "email", "phone", "password"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Tên đăng nhập này đã được dùng."))
        return username


class UserEditForm(GuardedForm):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = PhoneField(label=_("Điện thoại"), required=False)
    is_active = forms.BooleanField(label=_("Đang hoạt động"), required=False)


class PasswordForm(GuardedForm):
    password = forms.CharField(
        label=_("Mật khẩu mới"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
