from __future__ import annotations

from typing import Any

from django import template

from gbvms.cases.models import ViolenceForm

register = template.Library()
_VIOLENCE = dict(ViolenceForm.choices)


@register.filter
def violence_label(code: str) -> Any:
    """The label of a form of violence chosen at intake (the code itself when unknown)."""
    return _VIOLENCE.get(code, code)
