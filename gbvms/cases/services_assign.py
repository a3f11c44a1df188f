"""Who works a case: supervisors assign and reassign, workers pick up what was offered to them,
and closure requests go to the supervisors, who approve or return them.

Assignment rows are the history: a row keeps when it started (``assigned_at``), who made it
(``assigned_by``; None for the offer made at intake), when the worker took it on
(``accepted_at``) and when it ended (``ended_at``); the access log keeps every change.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.cases.audit import log_case
from gbvms.cases.models import Case, CaseAssignment, ClosureRequest, ClosureStatus, Status
from gbvms.cases.services_care import (
    CLOSURE_REASONS,
    _check_closure,
    case_close,
    case_supervisors,
    notify,
)
from gbvms.core import scoping
from gbvms.orgs.models import Membership, User

ASSIGNABLE_ROLE = "case_worker"


def assignable_workers(case: Case) -> list[Any]:
    """The active case workers of the case's agency whose scope covers the case's commune,
    by name (one query)."""
    rows = (
        Membership.objects.filter(
            agency_id=case.owning_agency_id,
            role=ASSIGNABLE_ROLE,
            is_active=True,
            user__is_active=True,
        )
        .select_related("user", "scope_unit")
        .order_by("user__full_name", "user__username")
    )
    workers: dict[int, Any] = {}
    for m in rows:
        scope = m.scope_unit.path if m.scope_unit else scoping.NATIONAL
        if case.unit.path.startswith(scope):
            workers.setdefault(m.user_id, m.user)
    return list(workers.values())


def _end_others(case: Case, keep: Any, *, only_offers: bool = False) -> list[int]:
    """End the case's other active assignments (or only the unaccepted offers); their users."""
    others = CaseAssignment.objects.unscoped().filter(case=case, is_active=True).exclude(user=keep)
    if only_offers:
        others = others.filter(accepted_at__isnull=True)
    ended = list(others.values_list("user_id", flat=True))
    others.update(is_active=False, ended_at=timezone.now())
    return ended


def _take(case: Case, worker: Any, actor: Any) -> CaseAssignment:
    now = timezone.now()
    row, _created = CaseAssignment.objects.unscoped().update_or_create(
        case=case,
        user=worker,
        defaults={
            "is_active": True,
            "assigned_at": now,
            "assigned_by": actor,
            "accepted_at": now,
            "ended_at": None,
        },
    )
    return row


@transaction.atomic
def case_assign(
    *, actor: Any, case: Case, username: str, request: HttpRequest | None = None
) -> CaseAssignment:
    """A supervisor over the case's commune gives the case to one case worker of its agency
    (reassigning: the other workers' assignments end). The new worker is notified."""
    if not scoping.has_permission(actor, "cases.supervise", case.unit.path):
        raise PermissionDenied
    if case.status == Status.CLOSED:
        raise ValidationError(_("Vụ việc đã đóng: không phân công được."), code="closed")
    worker = next(
        (w for w in assignable_workers(case) if w.username == (username or "").strip()), None
    )
    if worker is None:
        raise ValidationError(
            {
                "username": ValidationError(
                    _(
                        "Người này không phải cán bộ quản lý trường hợp của %(agency)s phụ "
                        "trách địa bàn của vụ việc."
                    )
                    % {"agency": case.owning_agency.name},
                    code="not_case_worker",
                )
            }
        )
    current = CaseAssignment.objects.unscoped().filter(case=case, is_active=True)
    before = sorted(current.values_list("user_id", flat=True))
    ended = _end_others(case, worker)
    row = _take(case, worker, actor)
    if before != [worker.pk]:
        log_case(
            "cases.case.assigned",
            actor=actor,
            case=case,
            request=request,
            changes={"assignees": [before, [worker.pk]], "ended": [None, ended]},
        )
        if worker.pk != actor.pk:
            notify([worker], "case_assigned", case)
    return row


@transaction.atomic
def case_pick_up(*, actor: Any, case: Case, request: HttpRequest | None = None) -> CaseAssignment:
    """A case worker of the case's agency takes on a case offered to the commune (or left
    without anyone); the other workers' offers end. Refused once someone has taken it."""
    if actor.pk not in {w.pk for w in assignable_workers(case)}:
        raise PermissionDenied
    if case.status == Status.CLOSED:
        raise ValidationError(_("Vụ việc đã đóng."), code="closed")
    taken = (
        CaseAssignment.objects.unscoped()
        .filter(case=case, is_active=True, accepted_at__isnull=False)
        .exclude(user=actor)
        .exists()
    )
    if taken:
        raise ValidationError(_("Vụ việc đã có cán bộ khác nhận."), code="already_taken")
    ended = _end_others(case, actor, only_offers=True)
    row = _take(case, actor, actor)
    log_case(
        "cases.case.picked_up",
        actor=actor,
        case=case,
        request=request,
        changes={"assignees": [None, [actor.pk]], "ended": [None, ended]},
    )
    return row


def user_by_username(username: str) -> Any:
    return User.objects.filter(username=(username or "").strip()[:150]).first()


# ------------------------------------------------------------------------- closure requests


@transaction.atomic
def closure_request(
    *, actor: Any, case: Case, reason: str, explanation: str = "", version: int | None = None,
    request: HttpRequest | None = None,
) -> ClosureRequest:  # fmt: skip
    """A case worker asks the supervisors to close the case (checked now with the rules the
    closure will apply, so the supervisor is not sent what cannot be approved)."""
    if reason not in CLOSURE_REASONS:
        raise ValidationError({"reason": _("Hãy chọn lý do đóng vụ việc.")}, code="reason")
    if case.status == Status.CLOSED:
        raise ValidationError(_("Vụ việc đã đóng."), code="already_closed")
    pending = ClosureRequest.objects.unscoped().filter(case=case, status=ClosureStatus.PENDING)
    if pending.exists():
        raise ValidationError(_("Đã có đề nghị đóng đang chờ duyệt."), code="pending")
    if reason == "needs_met" and case.follow_ups.filter(done_at__isnull=True).exists():
        raise ValidationError(_("Còn lần theo dõi chưa hoàn thành."), code="open_follow_ups")
    _check_closure(case, reason, explanation)
    item = ClosureRequest(
        case=case,
        reason=reason,
        explanation=explanation.strip()[:500] if reason == "other" else "",
        requested_by=actor,
    )
    item.full_clean()
    item.save()
    log_case(
        "cases.closure.requested",
        actor=actor,
        case=case,
        request=request,
        reason=reason,
        changes={"reason": [None, reason]},
    )
    notify(case_supervisors(case), "closure_requested", case)
    return item


def case_close_or_request(
    *, actor: Any, case: Case, reason: str, version: int, explanation: str = "",
    request: HttpRequest | None = None,
) -> Case | ClosureRequest:  # fmt: skip
    """The case page's 'close' form: a supervisor closes; a worker, when closing needs a
    supervisor (GBVMS_CASE_CLOSURE_NEEDS_SUPERVISOR), sends a closure request."""
    supervises = scoping.has_permission(actor, "cases.supervise", case.unit.path)
    if settings.CASE_CLOSURE_NEEDS_SUPERVISOR and not supervises:
        return closure_request(
            actor=actor, case=case, reason=reason, explanation=explanation, request=request
        )
    return case_close(
        actor=actor, case=case, reason=reason, version=version, explanation=explanation,
        request=request,
    )  # fmt: skip


def _decide(item: ClosureRequest, actor: Any, status: str, note: str = "") -> None:
    updated = (
        ClosureRequest.objects.unscoped()
        .filter(pk=item.pk, status=ClosureStatus.PENDING)
        .update(status=status, decided_by=actor, decided_at=timezone.now(), return_note=note)
    )
    if not updated:
        raise ValidationError(_("Đề nghị này đã được xử lý."), code="decided")
    item.refresh_from_db()


@transaction.atomic
def closure_approve(
    *, actor: Any, closure: ClosureRequest, request: HttpRequest | None = None
) -> ClosureRequest:
    """A supervisor approves: the case is closed with the requested reason (the same closure
    service and checks as closing from the case page)."""
    case = closure.case
    if not scoping.has_permission(actor, "cases.supervise", case.unit.path):
        raise PermissionDenied
    _decide(closure, actor, ClosureStatus.APPROVED)
    case_close(
        actor=actor, case=case, reason=closure.reason, version=case.version,
        explanation=closure.explanation, request=request,
    )  # fmt: skip
    notify([closure.requested_by], "closure_approved", case)
    return closure


@transaction.atomic
def closure_return(
    *, actor: Any, closure: ClosureRequest, note: str, request: HttpRequest | None = None
) -> ClosureRequest:
    """A supervisor returns the request with what is still to do; the worker is notified."""
    case = closure.case
    if not scoping.has_permission(actor, "cases.supervise", case.unit.path):
        raise PermissionDenied
    note = (note or "").strip()
    if len(note) < 5:
        raise ValidationError(
            {"note": ValidationError(_("Hãy ghi rõ việc còn phải làm."), code="note_required")}
        )
    _decide(closure, actor, ClosureStatus.RETURNED, note[:500])
    log_case("cases.closure.returned", actor=actor, case=case, request=request)
    notify([closure.requested_by], "closure_returned", case)
    return closure
