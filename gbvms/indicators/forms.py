"""Forms of the indicator pages: a unit's yearly target, the link of a plan target to an
indicator (on the plan page and on the import review screen)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.core.forms_util import GuardedForm
from gbvms.indicators.models import Indicator, UnitTarget

RULE_CHOICES = [
    ("and", _("Được tư vấn và có hình thức xử lý (cả hai)")),
    ("or", _("Được tư vấn hoặc có hình thức xử lý (ít nhất một)")),
]


def indicator_choices(blank: Any = None) -> list[tuple[str, str]]:
    """The catalogue as select choices, named in Vietnamese (the code in brackets)."""
    rows = Indicator.objects.filter(is_active=True).order_by("order", "code")
    choices = [(i.code, f"{i.name_vi} ({i.code})") for i in rows.only("code", "name_vi")]
    return [("", blank or _("— Không liên kết chỉ tiêu —")), *choices]


def indicator_label(code: str, names: dict[str, str] | None = None) -> str:
    """The Vietnamese name of an indicator code ("" for none), never the raw code alone."""
    if not code:
        return ""
    if names is None:
        names = dict(Indicator.objects.filter(code=code).values_list("code", "name_vi"))
    name = names.get(code)
    return f"{name} ({code})" if name else code


def link_error(code: str, unit: str) -> str:
    """Why a plan target in ``unit`` ("%" or "count") cannot measure indicator ``code``."""
    kind = Indicator.objects.filter(code=code).values_list("kind", flat=True).first()
    if kind is not None and (unit == "%") != (kind in {"ratio", "external"}):
        return str(_("Đơn vị của mục tiêu không khớp với loại chỉ tiêu đã chọn."))
    return ""


class UnitTargetForm(GuardedForm):
    """One indicator's own target for a unit and year (the rules live in the service)."""

    comparator = forms.ChoiceField(label=_("So sánh"), choices=UnitTarget.COMPARATORS)
    value = forms.DecimalField(
        label=_("Giá trị"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    rule = forms.ChoiceField(
        label=_("Cách tính"), choices=RULE_CHOICES, required=False, initial="and"
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if indicator.code != "R07":
            del self.fields["rule"]
        if indicator.kind in {"ratio", "external"}:
            self.fields["value"].help_text = _("Tỷ lệ phần trăm, từ 0 đến 100.")

    def params(self) -> dict[str, Any]:
        rule = self.cleaned_data.get("rule")
        return {"rule": rule} if rule else {}


class TargetYearForm(GuardedForm):
    """The unit and year the targets page shows."""

    unit = forms.ChoiceField(label=_("Đơn vị"), required=False)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units

    def chosen(self, default_unit: str) -> tuple[str, int]:
        year = timezone.localdate().year
        if self.is_valid():
            return (
                self.cleaned_data.get("unit") or default_unit,
                self.cleaned_data.get("year") or year,
            )
        return default_unit, year


class PlanTargetLinkForm(GuardedForm):
    """The indicator a plan target measures, as the officer confirms or changes it."""

    indicator = forms.ChoiceField(label=_("Chỉ tiêu đo mục tiêu này"), required=False)
    rule = forms.ChoiceField(
        label=_("Cách tính (chỉ tiêu R07)"), choices=RULE_CHOICES, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicator_choices()
