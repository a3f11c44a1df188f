from __future__ import annotations

from collections.abc import Iterable

from django import template

from gbvms.cases.models import ServiceCode

register = template.Library()


@register.filter
def service_labels(codes: Iterable[str] | None) -> str:
    """The translated names of service codes (a referral's or a provider's), comma-separated;
    an unknown code is shown as it is."""
    labels = dict(ServiceCode.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or [])
