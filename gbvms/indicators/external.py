"""External and survey values (R05's denominator, SDG 5.2.1): entered with their provenance,
never computed. Readers of the figure see where it came from."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.core import scoping
from gbvms.indicators import periods
from gbvms.indicators.models import ExternalValue, Indicator

EDITORS = ("indicators.export", "plans.manage")  # statisticians and programme officers


def may_edit(user: Any, unit_path: str) -> bool:
    return any(scoping.has_permission(user, p, unit_path) for p in EDITORS)


def external_values_for_user(user: Any) -> QuerySet[ExternalValue]:
    """The external values over units the user may read aggregates of."""
    prefixes = scoping.grants(user, "indicators.view")
    qs = ExternalValue.objects.select_related("indicator", "entered_by").order_by(
        "indicator__order", "-period", "unit_path"
    )
    if "/" in prefixes:
        return qs
    from django.db.models import Q

    rule = Q(unit_path="/")
    for prefix in prefixes:
        rule |= Q(unit_path__startswith=prefix)
    return qs.filter(rule) if prefixes else qs.none()


def _check(indicator: Indicator, period: str, role: str, value: Decimal, source: str,
           source_year: int) -> None:  # fmt: skip
    errors: dict[str, str] = {}
    if indicator.kind != "external":
        errors["indicator"] = _("Chỉ tiêu này do GBVMS tính từ hồ sơ, không nhập tay.")
    if not periods.is_valid(period) or periods.parse(period).type != "Y" or period.endswith("C"):
        errors["year"] = _("Hãy nhập một năm (ví dụ 2026).")
    if role == "denominator" and indicator.code != "R05":
        errors["role"] = _("Chỉ tiêu này nhận giá trị, không nhận mẫu số.")
    if value < 0 or (role == "value" and value > 100):
        errors["value"] = _("Giá trị không hợp lệ (tỷ lệ từ 0 đến 100, số lượng không âm).")
    if len(source.strip()) < 5:
        errors["source"] = _("Hãy ghi rõ nguồn số liệu (tên cuộc điều tra, cơ quan công bố).")
    if not 1990 <= source_year <= timezone.localdate().year:
        errors["source_year"] = _("Năm của nguồn không hợp lệ.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def external_value_set(
    *, actor: Any, indicator: Indicator, unit_path: str, period: str, value: Decimal,
    source: str, source_year: int, method: str = "", role: str = "denominator",
) -> ExternalValue:  # fmt: skip
    """Enter or replace the external value of (indicator, unit, year, role)."""
    if not may_edit(actor, unit_path):
        raise PermissionDenied
    _check(indicator, period, role, value, source, source_year)
    row, _created = ExternalValue.objects.update_or_create(
        indicator=indicator, unit_path=unit_path, period=period, role=role,
        defaults={"value": value, "source": source.strip(), "source_year": source_year,
                  "method": method.strip(), "entered_by": actor,
                  "entered_at": timezone.now()},
    )  # fmt: skip
    return row
