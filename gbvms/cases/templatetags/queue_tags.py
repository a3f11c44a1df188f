"""Template filters of the work queues (the decision itself stays in the scoping kernel)."""

from __future__ import annotations

from typing import Any

from django import template

from gbvms.core import scoping

register = template.Library()


@register.filter
def supervises(user: Any, case: Any) -> bool:
    """Whether ``user`` supervises the commune of ``case`` (may assign it)."""
    return scoping.has_permission(user, "cases.supervise", case.unit.path)
