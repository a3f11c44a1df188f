"""The one door of every change to a case: optimistic locking and the closed-case guard.

Every service that changes a case (its own fields or anything hanging off it) calls
``case_touch`` first, inside its transaction: it refuses a closed case (``case_closed``;
only reopening passes), bumps the version and holds the row's write lock to the commit.
A form or an API call that edits existing state was read at a version: ``case_claim``
refuses it (``stale``) when the case has moved on since, and then holds the lock, so of two
concurrent saves from the same version exactly one gets through.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.cases.models import Case, Status
from gbvms.core.models import AccessLog
from gbvms.indicators import outbox

STALE = "stale"
CLOSED = "case_closed"
# access-log actions that read a case without changing it
READS = ("cases.case.viewed", "cases.case.opened", "cases.case.viewed_via_referral")
MAX_CHANGES = 20


def _rows(case: Case) -> Any:
    manager = Case.objects
    unscoped = getattr(manager, "unscoped", None)  # a scope-refusing manager's way out
    return (unscoped() if unscoped else manager).filter(pk=case.pk)


def stale_error() -> ValidationError:
    return ValidationError(
        _("Vụ việc vừa được người khác cập nhật. Hãy tải lại trang để xem thay đổi."),
        code=STALE,
    )


def closed_error() -> ValidationError:
    return ValidationError(
        _("Vụ việc đã đóng: không thể thay đổi. Hãy mở lại vụ việc trước."), code=CLOSED
    )


def case_touch(case: Case, *, expected_version: int | None = None, reopening: bool = False) -> None:
    """Bump the case's version (every change to a case goes through here). Refused when the
    case is closed (unless ``reopening``) or, with ``expected_version``, no longer at it."""
    rows = _rows(case)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not reopening:
        rows = rows.exclude(status=Status.CLOSED)
    if not rows.update(version=F("version") + 1, updated_at=timezone.now()):
        current = _rows(case).values_list("status", flat=True).first()
        raise closed_error() if current == Status.CLOSED and not reopening else stale_error()
    outbox.mark_case(case.pk)  # every change may change an indicator: its facts are rebuilt
    case.refresh_from_db(fields=["version", "updated_at", "status"])


def case_claim(case: Case, version: int | None) -> None:
    """Refuse an edit read at an older ``version`` (None: a form that does not say which
    version it was read at is refused too); otherwise write-lock the case row to the end of
    the transaction (an UPDATE that changes nothing), in which the service bumps the
    version."""
    if version is None:
        raise ValidationError(
            _("Biểu mẫu thiếu phiên bản của vụ việc; hãy tải lại trang rồi gửi lại."),
            code="version_required",
        )
    if not _rows(case).filter(version=version).update(version=F("version")):
        raise stale_error()


def current_version(case: Case) -> int:
    return _rows(case).values_list("version", flat=True).first() or case.version


def parse_version(value: Any) -> int | None:
    """A posted version ('7', or an ETag '"7"' / 'W/"7"'); None when absent or not a number."""
    text = str(value or "").strip()
    text = text.removeprefix("W/").strip('"')
    return int(text) if text.isdigit() and len(text) < 10 else None


def case_changes_since(
    case: Case, *, since: datetime.datetime | None = None, versions_behind: int | None = None
) -> list[AccessLog]:
    """What changed on the case (who did what, when) since a form was loaded (``since``), or
    the last ``versions_behind`` changes (one version per change) when only the version is
    known (the API); at most 20, oldest first."""
    entries = AccessLog.objects.unscoped().filter(object_id=case.code).exclude(action__in=READS)
    if since is not None:
        return list(entries.filter(at__gt=since).order_by("at", "id")[:MAX_CHANGES])
    count = MAX_CHANGES if versions_behind is None else min(max(versions_behind, 1), MAX_CHANGES)
    return list(reversed(entries.order_by("-at", "-id")[:count]))


def case_closure(case: Case) -> dict[str, Any] | None:
    """When and why a closed case was closed (from its access log), or None."""
    if case.status != Status.CLOSED:
        return None
    closings = AccessLog.objects.unscoped().filter(object_id=case.code, action="cases.case.closed")
    entry = closings.order_by("-at", "-id").first()
    if entry is None:
        return {"at": None, "reason": ""}
    reason = (entry.changes or {}).get("reason", [None, entry.reason])[-1] or entry.reason
    return {"at": entry.at, "reason": reason}
