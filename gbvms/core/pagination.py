from __future__ import annotations

import base64
import binascii
import datetime
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from gbvms.core import inputs

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PAGE_SIZE) -> Page:
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("after", None)
    return params.urlencode()


@dataclass
class KeysetPage:
    """One page of a list ordered by (-created_at, -id), with an opaque cursor to the next."""

    items: list[Any]
    next_cursor: str
    has_previous: bool


def _encode(at: datetime.datetime, pk: int) -> str:
    raw = f"{at.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime.datetime, int] | None:
    """The position of a cursor we wrote; anything else (edited, out of range) is the first
    page, never a database error."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at_text, pk_text = raw.split("|")
        at, pk = datetime.datetime.fromisoformat(at_text), int(pk_text)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return None
    if at.tzinfo is None or not inputs.date_in_range(at) or not 0 < pk <= inputs.INT_MAX:
        return None
    return at, pk


def keyset_page(
    queryset: QuerySet[Any], cursor: str = "", size: int = PAGE_SIZE, field: str = "created_at"
) -> KeysetPage:
    """No COUNT, no OFFSET: the next page starts after the last row of this one."""
    position = _decode(cursor) if cursor else None
    if position is not None:
        at, pk = position
        queryset = queryset.filter(Q(**{f"{field}__lt": at}) | Q(**{field: at, "pk__lt": pk}))
    rows = list(queryset.order_by(f"-{field}", "-pk")[: size + 1])
    items = rows[:size]
    next_cursor = _encode(getattr(items[-1], field), items[-1].pk) if len(rows) > size else ""
    return KeysetPage(items=items, next_cursor=next_cursor, has_previous=position is not None)
