"""The caller's notifications (issue 13): kind, case code, link and urgency, never a name.
The page (``cases.views_notifications``) and this read the same selector."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from gbvms.api.schema import PageQuery
from gbvms.cases import services_notify

router = Router(tags=["notifications"])
LIMIT = 100


class NotificationOut(Schema):
    id: int
    kind: str
    label: str
    created_at: datetime.datetime
    read: bool
    link: str
    case_code: str | None
    urgent: bool


class NotificationsOut(Schema):
    items: list[NotificationOut]


class NotificationsQuery(PageQuery):
    unread: bool = False
    limit: int = Field(LIMIT, ge=1, le=LIMIT)


@router.get(
    "/notifications",
    response=NotificationsOut,
    summary="The caller's notifications (unread urgent first, then newest; ?unread=1 for unread)",
)
def notifications(request: HttpRequest, query: Query[NotificationsQuery]) -> NotificationsOut:
    rows = services_notify.notifications_for(request.user, unread=query.unread)
    rows = rows[query.offset : query.offset + query.limit]
    return NotificationsOut(
        items=[
            NotificationOut(
                id=n.pk,
                kind=n.kind,
                label=n.label,
                created_at=n.created_at,
                read=n.read_at is not None,
                link=services_notify.target_of(n),
                case_code=n.case_code or None,
                urgent=n.urgent,
            )
            for n in rows
        ]
    )
