from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from gbvms.cases.models import Case
from gbvms.core import scoping
from gbvms.core.models import AccessLog

router = Router(tags=["audit"])


class LogFilter(Schema):
    object_code: str = Field("", max_length=64)
    action: str = Field("", max_length=80)
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0)


class EntryOut(Schema):
    action: str
    user: str
    at: datetime.datetime
    object_kind: str
    object_id: str
    reason: str


class EntryPage(Schema):
    count: int
    items: list[EntryOut]


def _entries(request: HttpRequest, object_code: str):  # type: ignore[no-untyped-def]
    """Administrators see the log of their scope; supervisors see the log of a case they may
    supervise."""
    user = request.user
    if scoping.has_permission(user, "audit.view"):
        return scoping.scoped(user, "audit.view", AccessLog.objects.all())
    if object_code and scoping.has_permission(user, "cases.supervise"):
        supervised = scoping.grants(user, "cases.supervise")
        case = Case.objects.filter(code=object_code).select_related("unit").first()
        if case and any(case.unit.path.startswith(p) for p in supervised):
            return AccessLog.objects.filter(object_id=object_code)
    raise PermissionDenied


@router.get("/audit/access-log", response=EntryPage, summary="Access log entries")
def access_log(request: HttpRequest, filters: Query[LogFilter]) -> EntryPage:
    entries = _entries(request, filters.object_code)
    if filters.object_code:
        entries = entries.filter(object_id=filters.object_code)
    if filters.action:
        entries = entries.filter(action__startswith=filters.action)
    entries = entries.order_by("-at", "-id")
    page = entries[filters.offset : filters.offset + filters.limit]
    return EntryPage(
        count=entries.count(),
        items=[
            EntryOut(
                action=e.action,
                user=e.actor_username,
                at=e.at,
                object_kind=e.object_kind,
                object_id=e.object_id,
                reason=e.reason,
            )
            for e in page
        ],
    )
