from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gbvms.core.forms_util import GuardedForm


class LoginForm(GuardedForm):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(GuardedForm):
    token = forms.RegexField(
        label=_("Mã xác thực 6 chữ số"),
        regex=r"^\s*\d{6}\s*$",
        max_length=10,
        error_messages={"invalid": _("Mã gồm đúng 6 chữ số.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class AccessLogFilterForm(GuardedForm):
    action = forms.CharField(label=_("Hành động"), max_length=80, required=False)
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150, required=False)
    object_kind = forms.CharField(label=_("Loại đối tượng"), max_length=80, required=False)
    object_code = forms.CharField(label=_("Mã đối tượng"), max_length=64, required=False)
    date_from = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
