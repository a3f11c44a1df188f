"""Access-log entries about one case: the object is always the case, its id the case code."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gbvms.core.audit import log_action
from gbvms.core.models import AccessLog


def log_case(
    action: str,
    *,
    actor: Any,
    case: Any,
    request: HttpRequest | None = None,
    reason: str = "",
    reason_detail: str = "",
    changes: dict[str, Any] | None = None,
) -> AccessLog:
    return log_action(
        action=action,
        actor=actor,
        request=request,
        obj=case,
        object_id=case.code,
        reason=reason,
        reason_detail=reason_detail,
        changes=changes,
    )
