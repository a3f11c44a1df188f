from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from gbvms.api.schema import MAX_LIMIT, PageQuery
from gbvms.core.selectors import access_log_for_user, may_read_details

router = Router(tags=["audit"])


class LogFilter(PageQuery):
    object_code: str = Field("", max_length=64)
    action: str = Field("", max_length=80)
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


class EntryOut(Schema):
    action: str
    user: str
    at: datetime.datetime
    object_kind: str
    object_id: str
    reason: str = Field(description="a reason code (for a closure: the closure reason)")
    reason_label: str = Field(description="the label of the reason code")
    reason_detail: str = Field(
        description="free text only the log keeps (break-glass, reopening reason), stored "
        "encrypted; given only to those who may read the access log (audit.view), else empty"
    )


class EntryPage(Schema):
    count: int
    items: list[EntryOut]


@router.get("/audit/access-log", response=EntryPage, summary="Access log entries")
def access_log(request: HttpRequest, filters: Query[LogFilter]) -> EntryPage:
    # the same rule as the access-log page: administrators read their scope, the people who
    # may see a case read its log (supervisors) or its timeline (its assigned workers)
    entries = access_log_for_user(request.user, object_code=filters.object_code)
    if filters.action:
        entries = entries.filter(action__startswith=filters.action)
    entries = entries.order_by("-at", "-id")
    page = entries[filters.offset : filters.offset + filters.limit]
    readers = may_read_details(request.user)  # may read the free text
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
                reason_label=e.reason_label,
                reason_detail=e.reason_detail if readers else "",
            )
            for e in page
        ],
    )
