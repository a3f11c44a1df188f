from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from gbvms.cases.models import Sex, Survivor, ViolenceForm

register = template.Library()
_VIOLENCE = dict(ViolenceForm.choices)


@register.filter
def violence_label(code: str) -> Any:
    """The label of a form of violence chosen at intake (the code itself when unknown)."""
    return _VIOLENCE.get(code, code)


@register.filter
def file_field_label(name: str) -> Any:
    """The label of a corrected field of the case file (the narrative, a survivor field)."""
    if name == "narrative":
        return _("Lời kể")
    try:
        return Survivor._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name


@register.filter
def file_value(value: Any, name: str) -> Any:
    """A value of a corrected field as a person reads it (a label, never a code)."""
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if name == "sex":
        return dict(Sex.choices).get(value, value)
    return value
