"""Errors the pages and the API map to statuses: ``Forbidden`` → 403, ``Conflict`` → 409
(a state or version that changed, a transition not allowed from the current state), any other
``ValidationError`` → 422. Each carries a stable ``code``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError


class Conflict(ValidationError):  # noqa: N818 - the name the API maps to 409
    """The record is not in the state (or version) the caller acted on."""


class Forbidden(PermissionDenied):
    """Visible, but this user may not do that."""

    def __init__(self, code: str = "forbidden") -> None:
        super().__init__(code)
        self.code = code


def code_of(error: ValidationError) -> str:
    """The first stable code of a validation error."""
    codes = [e.code for e in error.error_list] if hasattr(error, "error_list") else []
    return next((c for c in codes if c), "invalid")
