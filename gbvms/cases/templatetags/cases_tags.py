from __future__ import annotations

from typing import Any

from django import template

from gbvms.cases.classification import CONTEXTS
from gbvms.cases.models import ContextFlag

register = template.Library()
_LABELS: dict[str, Any] = {**CONTEXTS, **dict(ContextFlag.choices)}


@register.filter
def code_label(code: str) -> Any:
    """The translated label of a context or flag code (the code itself when unknown)."""
    return _LABELS.get(code, code)
