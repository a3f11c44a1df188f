"""Writing the access log. Called by the code that acts, inside its transaction."""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.http import HttpRequest

from gbvms.core import clientip
from gbvms.core.models import AccessLog

# What the ``reason`` column may hold: a code, never a sentence.
REASON_CODE = re.compile(r"[a-z0-9_]{1,40}")
# Field names whose values never go into the log, whatever the model.
MASKED_FIELDS = {"password", "token", "token_hash", "key", "secret"}
MASK = "•••"


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address for the log (see ``gbvms.core.clientip``), None without one."""
    return (clientip.client_ip(request) or None) if request is not None else None


def log_action(
    *,
    action: str,
    actor: Any = None,
    request: HttpRequest | None = None,
    obj: models.Model | None = None,
    object_kind: str = "",
    object_id: str | int = "",
    reason: str = "",
    reason_detail: str = "",
    changes: dict[str, Any] | None = None,
    username: str = "",
) -> AccessLog:
    """Append one entry. ``action`` is namespaced: ``orgs.agency.created``, ``core.login``.

    ``reason`` is a code (``needs_met``); free text goes to ``reason_detail``, which is stored
    encrypted. A reason that is not a code is moved there rather than written in clear."""
    if reason and not REASON_CODE.fullmatch(reason):
        reason, reason_detail = "", "\n".join(filter(None, [reason_detail, reason]))
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        object_kind = object_kind or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""
    return AccessLog.objects.create(
        actor=actor,
        actor_username=(actor.get_username() if actor else username)[:150],
        action=action,
        object_kind=object_kind,
        object_id=str(object_id),
        ip=client_ip(request),
        user_agent=user_agent,
        reason=reason,
        reason_detail=reason_detail.strip()[:2000],
        changes=changes or {},
    )


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Old/new pairs for changed fields, with secrets masked."""
    changed: dict[str, Any] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in MASKED_FIELDS:
            changed[name] = [MASK, MASK]
        else:
            changed[name] = [old, new]
    return changed
