"""Optimistic locking over the API: a client sends the case version it read (the ``ETag`` of
``GET /cases/{code}``, or the ``version`` field of the case) as ``If-Match`` or as a
``version`` field; an edit of existing state without it is refused (428), a stale one gets
409 with the changes made since (the list the case page shows), a closed case 409."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema, Status

from gbvms.cases import changes
from gbvms.cases.models import Case

T = TypeVar("T")
# a refusal because of the state the record is in now: 409 Conflict (the others are 422)
CONFLICT_CODES = frozenset({changes.STALE, changes.CLOSED, "state"})
VERSION_FIELD = Field(
    None, ge=1, description="the case version the edit was read at (or send If-Match)"
)


class ChangeOut(Schema):
    at: datetime.datetime
    actor: str
    action: str


class ConflictOut(Schema):
    code: str
    errors: dict[str, list[str]]
    version: int = Field(description="the case's version now: read it again, then retry")
    changes: list[ChangeOut] = Field(description="what changed since the version sent")


class VersionRequired(Schema):
    code: str
    errors: dict[str, list[str]]


def field_error_code(exc: ValidationError) -> str:
    """The code of a field error (the first one that has a code: ``before_detection``,
    ``invalid_phone``…), else ``validation_error``."""
    for errors in exc.error_dict.values():
        for error in errors:
            if error.code:
                return str(error.code)
    return "validation_error"


def error_body(exc: ValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        return {"code": field_error_code(exc), "errors": exc.message_dict}
    return {"code": exc.code or "validation_error", "errors": {"__all__": exc.messages}}


def conflict(exc: ValidationError, case: Case, expected: int | None) -> Status:
    """409 with the case's version now and the changes made since ``expected``."""
    now = changes.current_version(case)
    behind = now - expected if expected is not None else None
    entries = changes.case_changes_since(case, versions_behind=behind)
    return Status(
        409,
        ConflictOut(
            **error_body(exc),
            version=now,
            changes=[ChangeOut(at=e.at, actor=e.actor_username, action=e.action) for e in entries],
        ),
    )


def refusal(exc: ValidationError, case: Case, expected: int | None = None) -> Status:
    code = getattr(exc, "code", None)  # a field error (error_dict) has none
    if code == "version_required":
        return Status(428, VersionRequired(**error_body(exc)))
    if code in CONFLICT_CODES:
        return conflict(exc, case, expected)
    return Status(422, error_body(exc))


def case_write(
    request: HttpRequest, case: Case, call: Callable[[], T], *, version: int | None = None,
    required: bool,
) -> tuple[T | None, Status | None]:  # fmt: skip
    """Run ``call`` (one service) in a transaction that first claims the case at the version
    sent (``version`` field, else ``If-Match``): required for an edit of existing state,
    checked when given for an addition. Returns (result, None) or (None, the refusal)."""
    expected = version if version is not None else changes.parse_version(
        request.headers.get("If-Match")
    )  # fmt: skip
    try:
        with transaction.atomic():
            if required or expected is not None:
                changes.case_claim(case, expected)
            return call(), None
    except ValidationError as exc:
        return None, refusal(exc, case, expected)


def etag(response: HttpResponse, case: Case) -> None:
    """The case's version now, for the client's next edit."""
    response["ETag"] = f'"{changes.current_version(case)}"'
