from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from gbvms.core import inputs

T = TypeVar("T")
_MULTILINE_WIDGETS = (forms.Textarea, forms.HiddenInput)
_DATE_FIELDS = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)


def guard_field(field: forms.Field) -> None:
    """Give ``field`` the input bounds of ``core.inputs``: no control characters in text (new
    lines only in a text area or a hidden field), no date outside ``DATE_MIN`` … ``DATE_MAX``, no
    integer a 64-bit column cannot hold."""
    if isinstance(field, forms.CharField):
        multiline = isinstance(field.widget, _MULTILINE_WIDGETS)
        field.validators.append(inputs.TextValidator(multiline=multiline))
    elif isinstance(field, _DATE_FIELDS):
        field.validators.append(inputs.DateRangeValidator())
    elif isinstance(field, forms.IntegerField):
        field.validators.append(inputs.IntegerRangeValidator())


class InputGuardMixin:
    """Every field of the form is bounded (see ``guard_field``): a form error, never a 500."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            guard_field(field)


class GuardedForm(InputGuardMixin, forms.Form):
    """The base of every form of the project."""


class GuardedModelForm(InputGuardMixin, forms.ModelForm):
    """The base of every model form of the project."""


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (unknown fields: form-wide)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def submit(form: forms.Form, service: Callable[..., T], **kwargs: Any) -> T | None:
    """Validate ``form`` and call ``service(**kwargs, **cleaned_data)``.

    Returns what the service wrote, or ``None`` with the errors (the form's or the service's
    ``ValidationError``) placed on the form, so a view never half-saves.
    """
    if not form.is_valid():
        return None
    try:
        return service(**kwargs, **form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
