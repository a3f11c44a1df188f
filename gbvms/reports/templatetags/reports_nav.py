"""The "Báo cáo" menu item: shown to holders of reports.submit, reports.approve or
plans.manage (the same rule as the list page)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def may_use_reports(user: Any) -> bool:
    from gbvms.reports.views import may_use_reports as allowed

    return bool(user is not None and user.is_authenticated and allowed(user))
