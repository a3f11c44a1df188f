"""The life of a submission (REPORTING §B.4).

draft → submitted → returned (reason required, notes per section) | accepted → approved →
locked; an upper approver reopens with a reason, which reopens the ancestors approved on top
of it. Every transition is a conditional update on the state the caller saw (0 rows:
``Conflict("state_changed")``), written with a ``Transition`` row and an access-log entry.

Errors: ``Forbidden`` (403), ``Conflict`` (409: ``invalid_transition``, ``state_changed``,
``stale``, ``not_editable``, ``children_pending``), ``ValidationError`` (422:
``reason_required``, ``unknown_section``, ``invalid_sections``).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from gbvms.core import scoping
from gbvms.core.audit import log_action
from gbvms.reports.errors import Conflict, Forbidden
from gbvms.reports.models import (
    EDITABLE,
    Status,
    Submission,
    SubmissionVersion,
    Transition,
)
from gbvms.reports.notify import notify_transition
from gbvms.reports.outline import outline_for
from gbvms.reports.selectors import APPROVE, SUBMIT, children_of, is_recipient, parents_of

MAX_TEXT = 20000
MAX_REASON = 2000


def _may(user: Any, permission: str, submission: Submission) -> bool:
    return scoping.scoped(user, permission, Submission.objects.filter(pk=submission.pk)).exists()


def _require(user: Any, permission: str, submission: Submission) -> None:
    if not _may(user, permission, submission):
        raise Forbidden("forbidden")


def _keys(submission: Submission) -> list[str]:
    kind = submission.obligation.requirement.kind
    return [key for key, _title in outline_for(submission.period, kind)]


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError("reason required", code="reason_required")
    if len(text) > MAX_REASON:
        raise ValidationError("reason too long", code="reason_too_long")
    return text


def _check_texts(submission: Submission, texts: dict[str, Any]) -> dict[str, str]:
    allowed = set(_keys(submission))
    for key, text in texts.items():
        if key not in allowed:
            raise ValidationError("unknown section", code="unknown_section")
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            raise ValidationError("invalid section text", code="invalid_sections")
    return texts


def _transition(
    submission: Submission,
    *,
    actor: Any,
    verb: str,
    allowed: set[str] | frozenset[str],
    to: str,
    reason: str = "",
    notes: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
    seen_version: int | None = None,
) -> Submission:
    old = submission.status
    if old not in allowed:
        raise Conflict("transition not allowed", code="invalid_transition")
    now = timezone.now()
    seen = Q(pk=submission.pk, status=old)
    if seen_version is not None:
        seen &= Q(version=seen_version)
    rows = Submission.objects.filter(seen).update(
        status=to, version=F("version") + 1, updated_at=now, **(extra or {})
    )
    if rows == 0:
        raise Conflict("state changed", code="state_changed")
    Transition.objects.create(
        submission=submission,
        from_status=old,
        to_status=to,
        actor=actor,
        at=now,
        reason=reason,
        notes=notes or {},
    )
    log_action(
        action=f"reports.submission.{verb}",
        actor=actor,
        obj=submission,
        changes={"status": [old, to]},
    )
    transaction.on_commit(partial(notify_transition, submission.pk, to))  # the other side
    submission.refresh_from_db()
    return submission


@transaction.atomic
def submission_save_sections(
    *, actor: Any, submission: Submission, sections: list[dict[str, Any]], version: int
) -> Submission:
    """Replace the text of the given sections (``[{"key", "text"}]``); the others stay."""
    _require(actor, SUBMIT, submission)
    if not isinstance(sections, list) or not all(isinstance(s, dict) for s in sections):
        raise ValidationError("sections must be a list", code="invalid_sections")
    texts = _check_texts(submission, {s.get("key"): s.get("text") for s in sections})
    if submission.status not in EDITABLE:
        raise Conflict("not editable", code="not_editable")
    if submission.version != version:
        raise Conflict("stale", code="stale")
    current = {s["key"]: s.get("text", "") for s in submission.sections}
    current.update(texts)
    merged = [{"key": key, "text": current.get(key, "")} for key in _keys(submission)]
    rows = Submission.objects.filter(pk=submission.pk, version=version, status__in=EDITABLE).update(
        sections=merged, version=F("version") + 1, updated_at=timezone.now()
    )
    if rows == 0:
        submission.refresh_from_db()
        code = "stale" if submission.status in EDITABLE else "not_editable"
        raise Conflict(code, code=code)
    log_action(
        action="reports.submission.saved",
        actor=actor,
        obj=submission,
        changes={"sections": sorted(texts)},
    )
    submission.refresh_from_db()
    return submission


def sections_with_titles(submission: Submission) -> list[dict[str, str]]:
    """``[{"key", "title", "text"}]`` in outline order, titles in Vietnamese."""
    texts = {s["key"]: s.get("text", "") for s in submission.sections}
    kind = submission.obligation.requirement.kind
    with translation.override("vi"):
        return [
            {"key": key, "title": str(title), "text": texts.get(key, "")}
            for key, title in outline_for(submission.period, kind)
        ]


@transaction.atomic
def submission_submit(
    *, actor: Any, submission: Submission, version: int | None = None
) -> SubmissionVersion:
    """Send the report: freezes its values and narrative as the next immutable version and
    sets ``first_submitted_at`` the first time."""
    from gbvms.reports.prefill import current_values

    _require(actor, SUBMIT, submission)
    if version is not None and submission.version != version:
        raise Conflict("stale", code="stale")
    now = timezone.now()
    sections = sections_with_titles(submission)
    values = current_values(submission)  # the figures at the moment of sending
    _transition(
        submission,
        actor=actor,
        verb="submitted",
        allowed=EDITABLE,
        to=Status.SUBMITTED,
        extra={
            "submitted_at": now,
            "first_submitted_at": Coalesce(F("first_submitted_at"), Value(now)),
            "values": values,
        },
        seen_version=submission.version,  # the snapshot is what is stored
    )
    number = submission.versions.count() + 1
    attached = sorted(submission.attachments.values_list("pk", flat=True))
    return SubmissionVersion.objects.create(
        submission=submission, number=number, values=values, sections=sections,
        attachments=attached, created_by=actor,
    )  # fmt: skip


@transaction.atomic
def submission_return(
    *, actor: Any, submission: Submission, reason: str, notes: dict[str, str] | None = None
) -> Submission:
    """Send it back to the submitter with a reason (required) and notes per section."""
    _require(actor, APPROVE, submission)
    text = _reason(reason)
    notes = _check_texts(submission, dict(notes or {}))
    return _transition(
        submission,
        actor=actor,
        verb="returned",
        allowed={Status.SUBMITTED, Status.ACCEPTED},
        to=Status.RETURNED,
        reason=text,
        notes=notes,
    )


@transaction.atomic
def submission_accept(*, actor: Any, submission: Submission) -> Submission:
    """Received and reviewed: the data no longer changes under the reviewer."""
    _require(actor, APPROVE, submission)
    return _transition(
        submission, actor=actor, verb="accepted", allowed={Status.SUBMITTED}, to=Status.ACCEPTED
    )


def pending_children(submission: Submission) -> list[Submission]:
    """Children neither approved (or locked) nor marked missing with a reason."""
    return list(
        children_of(submission)
        .exclude(status__in=[Status.APPROVED, Status.LOCKED])
        .filter(missing_reason="")
        .order_by("pk")
    )


@transaction.atomic
def submission_approve(*, actor: Any, submission: Submission) -> Submission:
    """Approve an accepted report, once every report it consolidates is approved or marked
    missing; its approved children are then locked."""
    _require(actor, APPROVE, submission)
    if submission.status == Status.ACCEPTED and pending_children(submission):
        raise Conflict("children pending", code="children_pending")
    approved = _transition(
        submission, actor=actor, verb="approved", allowed={Status.ACCEPTED}, to=Status.APPROVED
    )
    for child in children_of(submission).filter(status=Status.APPROVED):
        _transition(child, actor=actor, verb="locked", allowed={Status.APPROVED},
                    to=Status.LOCKED)  # fmt: skip
    return approved


@transaction.atomic
def submission_mark_missing(*, actor: Any, submission: Submission, reason: str) -> Submission:
    """The recipient records that a child report will not come, so its own can be approved."""
    if not is_recipient(actor, submission):
        raise Forbidden("forbidden")
    text = _reason(reason)
    if submission.status in (Status.APPROVED, Status.LOCKED):
        raise Conflict("already approved", code="invalid_transition")
    Submission.objects.filter(pk=submission.pk).update(
        missing_reason=text, missing_marked_by=actor, missing_marked_at=timezone.now()
    )
    log_action(action="reports.submission.marked_missing", actor=actor, obj=submission)
    submission.refresh_from_db()
    return submission


def _ancestors(submission: Submission) -> list[Submission]:
    found: dict[int, Submission] = {}
    todo = [submission]
    while todo:
        for parent in parents_of(todo.pop()).select_related("obligation"):
            if parent.pk not in found and parent.pk != submission.pk:
                found[parent.pk] = parent
                todo.append(parent)
    return list(found.values())


def _is_upper_approver(actor: Any, submission: Submission) -> bool:
    """An approver of a report that consolidates this one (at any level above)."""
    return any(is_recipient(actor, ancestor) for ancestor in _ancestors(submission))


@transaction.atomic
def submission_reopen(*, actor: Any, submission: Submission, reason: str) -> Submission:
    """Reopen an approved (by its approver or one above) or locked (one above only) report
    with a reason; the ancestors approved on top of it are reopened too."""
    text = _reason(reason)
    upper = _is_upper_approver(actor, submission)
    own = submission.status == Status.APPROVED and _may(actor, APPROVE, submission)
    if not (upper or own):
        raise Forbidden("forbidden")
    reopened = _transition(
        submission,
        actor=actor,
        verb="reopened",
        allowed={Status.APPROVED, Status.LOCKED},
        to=Status.REOPENED,
        reason=text,
    )
    for ancestor in _ancestors(submission):
        if ancestor.status in (Status.APPROVED, Status.LOCKED):
            _transition(ancestor, actor=actor, verb="reopened",
                        allowed={Status.APPROVED, Status.LOCKED}, to=Status.REOPENED,
                        reason=text)  # fmt: skip
    return reopened


@transaction.atomic
def lock_period(*, period: str, actor: Any = None) -> int:
    """Close a period: its approved reports are locked (all of them for the system; those
    the actor approves otherwise). Returns how many were locked."""
    queryset = Submission.objects.filter(period=period, status=Status.APPROVED)
    if actor is not None:
        queryset = scoping.scoped(actor, APPROVE, queryset)
    locked = 0
    for submission in queryset.order_by("pk"):
        try:
            _transition(submission, actor=actor, verb="locked", allowed={Status.APPROVED},
                        to=Status.LOCKED)  # fmt: skip
        except Conflict:
            continue
        locked += 1
    return locked


def returns_count(submissions: Any) -> int:
    """How many times these submissions were returned."""
    return Transition.objects.filter(
        Q(submission__in=submissions), to_status=Status.RETURNED
    ).count()
