"""Reads of the access log: one rule for the access-log page and ``GET /api/v1/audit/access-log``.

Who may read which entries:

- with ``audit.view``: the entries of the people in their scope (the scoping rule of
  ``AccessLog``, registered by the orgs app);
- otherwise, the entries of one case the user may see (``object_code``): a supervisor of the
  case's unit reads its whole log, anyone else who may see the case (its assigned worker) its
  timeline — what was done, not who read it — exactly as the case page shows it;
- nobody else reads anything (``PermissionDenied``).

The case is found through the scoping kernel (``Case.objects.for_user``); the model is looked
up in the app registry, so ``core`` imports no app code.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from gbvms.core import scoping
from gbvms.core.models import AccessLog

# reads of a case: in its log for the supervisors and auditors, not in its timeline
CASE_READS = ("cases.case.viewed", "cases.case.opened")


def case_log(code: str) -> QuerySet[AccessLog]:
    """Every entry about the case ``code``; for a caller that already holds the case."""
    return AccessLog.objects.unscoped().filter(object_id=code)


def case_timeline(code: str) -> QuerySet[AccessLog]:
    """What was done on the case ``code`` (its reads left out), oldest first: the case page's
    timeline and what its assigned workers read of the log."""
    return case_log(code).exclude(action__in=CASE_READS).order_by("at", "id")


def _case_entries(user: Any, object_code: str) -> QuerySet[AccessLog] | None:
    case_model = apps.get_model("cases", "Case")
    case = (
        case_model.objects.for_user(user, "cases.view")
        .filter(code=object_code)
        .select_related("unit")
        .first()
    )
    if case is None:
        return None
    if scoping.has_permission(user, "cases.supervise", case.unit.path):
        return case_log(case.code)
    return case_timeline(case.code)


def access_log_for_user(user: Any, *, object_code: str = "") -> QuerySet[AccessLog]:
    """The access-log entries ``user`` may read (narrowed to ``object_code`` when given);
    ``PermissionDenied`` when there are none to read. See the module docstring."""
    if scoping.has_permission(user, "audit.view"):
        entries = scoping.scoped(user, "audit.view", AccessLog.objects)
        return entries.filter(object_id=object_code) if object_code else entries
    if object_code:
        entries = _case_entries(user, object_code)
        if entries is not None:
            return entries
    raise PermissionDenied


def may_read_details(user: Any) -> bool:
    """Whether ``user`` reads the free text the log keeps (break-glass, reopening reasons)."""
    return scoping.has_permission(user, "audit.view")
