"""External and survey values: the list (with provenance) and the entry form. The rules live in
gbvms/indicators/external.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gbvms.core import scoping
from gbvms.core.forms_util import GuardedForm, add_service_errors
from gbvms.core.pagination import paginate
from gbvms.indicators import external, selectors
from gbvms.indicators.models import ExternalValue, Indicator

ROLE_FIELDS = {"indicator", "unit", "year", "role", "value", "source", "source_year", "method"}


class ExternalValueForm(GuardedForm):
    indicator = forms.ModelChoiceField(
        label=gettext_lazy("Chỉ tiêu"),
        queryset=Indicator.objects.filter(kind="external", is_active=True),
        to_field_name="code",
    )
    unit = forms.CharField(
        label=gettext_lazy("Mã đơn vị"), max_length=5, required=False,
        help_text=gettext_lazy("Mã tỉnh (2 số) hoặc xã (5 số); để trống: toàn quốc."),
    )  # fmt: skip
    year = forms.IntegerField(label=gettext_lazy("Năm áp dụng"), min_value=2000, max_value=2100)
    role = forms.ChoiceField(label=gettext_lazy("Loại số liệu"), choices=ExternalValue.ROLES)
    value = forms.DecimalField(label=gettext_lazy("Giá trị"), max_digits=14, decimal_places=2)
    source = forms.CharField(
        label=gettext_lazy("Nguồn"), max_length=300,
        help_text=gettext_lazy("Tên cuộc điều tra hoặc văn bản, cơ quan công bố."),
    )  # fmt: skip
    source_year = forms.IntegerField(label=gettext_lazy("Năm của nguồn"), min_value=1990,
                                     max_value=2100)  # fmt: skip
    method = forms.CharField(
        label=gettext_lazy("Phương pháp"), max_length=300, required=False,
        help_text=gettext_lazy("Ví dụ: tỷ lệ hiện mắc 12 tháng × dân số nữ 15–64 tuổi."),
    )  # fmt: skip

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].label_from_instance = lambda i: i.name_vi
        self.fields["year"].initial = timezone.localdate().year


def _may_open(user: object) -> bool:
    return any(scoping.grants(user, p) for p in (*external.EDITORS, "indicators.view"))


@login_required
@require_http_methods(["GET", "POST"])
def external_values(request: HttpRequest) -> HttpResponse:
    if not _may_open(request.user):
        raise PermissionDenied
    can_edit = any(scoping.grants(request.user, p) for p in external.EDITORS)
    form = ExternalValueForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                path = selectors.unit_path_of(data["unit"])
                external.external_value_set(
                    actor=request.user, indicator=data["indicator"], unit_path=path,
                    period=str(data["year"]), value=data["value"], source=data["source"],
                    source_year=data["source_year"], method=data["method"], role=data["role"],
                )  # fmt: skip
            except Http404:
                form.add_error("unit", _("Không có đơn vị với mã này."))
            except PermissionDenied:
                form.add_error("unit", _("Đơn vị này ngoài phạm vi của bạn."))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu số liệu kèm nguồn."))
                return redirect("indicators:external")
    rows = external.external_values_for_user(request.user)
    names = _unit_names({r.unit_path for r in rows[:200]})
    page = paginate(request, rows, per_page=50)
    for row in page.object_list:
        row.unit_name = names.get(row.unit_path, _("Toàn quốc"))
    return render(request, "indicators/external.html", {"form": form, "page": page})


def _unit_names(paths: set[str]) -> dict[str, str]:
    from gbvms.geo.models import AdminUnit

    return dict(AdminUnit.objects.filter(path__in=paths).values_list("path", "name"))
