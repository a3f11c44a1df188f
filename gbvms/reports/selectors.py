"""Reads of reports, all through ``gbvms.core.scoping``.

Who sees a submission (registered in ``apps.py``):

- ``reports.submit``: the members of the submitter agency holding it, over their scope
  (drafts included) — they write it;
- ``reports.approve``: the members of the recipient agency holding it, over their scope, once
  it has left the draft state (a recipient never sees its children's drafts).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from gbvms.core import scoping
from gbvms.core.roles import roles_with
from gbvms.orgs.models import Membership
from gbvms.reports.models import Attachment, ReportingObligation, Status, Submission

SUBMIT, APPROVE = "reports.submit", "reports.approve"


def memberships_with(user: Any, permission: str) -> list[tuple[int, str]]:
    """(agency id, scope path) of the user's active memberships granting ``permission``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    rows = Membership.objects.filter(
        user=user, is_active=True, agency__is_active=True, role__in=roles_with(permission)
    ).values_list("agency_id", "scope_unit__path")
    return [(agency, path or scoping.NATIONAL) for agency, path in rows]


def _side(user: Any, permission: str, prefix: str) -> Q | None:
    side = "submitter" if permission == SUBMIT else "recipient"
    condition: Q | None = None
    for agency_id, path in memberships_with(user, permission):
        one = Q(**{f"{prefix}{side}_agency_id": agency_id,
                   f"{prefix}{side}_unit__path__startswith": path})  # fmt: skip
        condition = one if condition is None else condition | one
    return condition


def submission_need_to_know(user: Any, permission: str) -> Q | None:
    if permission not in (SUBMIT, APPROVE):
        return None
    condition = _side(user, permission, "obligation__")
    if condition is not None and permission == APPROVE:
        condition &= ~Q(status=Status.DRAFT)
    return condition


def obligation_need_to_know(user: Any, permission: str) -> Q | None:
    if permission not in (SUBMIT, APPROVE):
        return None
    return _side(user, permission, "")


def is_recipient(user: Any, submission: Submission) -> bool:
    """Whether ``user`` approves for the agency that receives ``submission`` (drafts too:
    marking a child missing acts on a report the recipient cannot read)."""
    obligation = submission.obligation
    path = obligation.recipient_unit.path
    return any(
        agency_id == obligation.recipient_agency_id and path.startswith(scope)
        for agency_id, scope in memberships_with(user, APPROVE)
    )


def submission_get_for_user(user: Any, pk: int, for_write: bool = False) -> Submission:
    """One submission: writing needs ``reports.submit`` (its submitter); reading either
    permission. Missing and not visible are the same 404."""
    queryset = Submission.objects.select_related(
        "obligation__requirement__plan",
        "obligation__submitter_agency",
        "obligation__submitter_unit",
        "obligation__recipient_agency",
        "obligation__recipient_unit",
    )
    if for_write:
        return scoping.get_for_user(user, SUBMIT, queryset, pk=pk)
    condition = _visible(user)
    if condition is None:
        raise Http404
    try:
        return queryset.filter(condition).get(pk=pk)
    except Submission.DoesNotExist:
        raise Http404 from None


def may_write(user: Any, submission: Submission) -> bool:
    """Whether ``user`` writes ``submission`` (a member of its submitter agency with
    ``reports.submit`` over its unit)."""
    return scoping.scoped(user, SUBMIT, Submission.objects.filter(pk=submission.pk)).exists()


def _visible(user: Any) -> Q | None:
    """Submitter's or recipient's view, OR-ed (None: nothing)."""
    condition: Q | None = None
    for permission in (SUBMIT, APPROVE):
        one = scoping.scope_filter(user, permission, Submission)
        if one is not None:
            condition = one if condition is None else condition | one
    return condition


def submission_list(
    user: Any, period: str | None = None, role: str | None = None
) -> QuerySet[Submission]:
    """The caller's submissions of ``period``: as ``submitter``, as ``recipient`` (its
    children's, drafts excluded), or both (``role`` None)."""
    base = Submission.objects.select_related(
        "obligation__requirement", "obligation__submitter_unit", "obligation__recipient_agency"
    )
    if period:
        base = base.filter(period=period)
    if role == "submitter":
        return scoping.scoped(user, SUBMIT, base).order_by("due_at", "pk")
    if role == "recipient":
        return scoping.scoped(user, APPROVE, base).order_by("due_at", "pk")
    condition = _visible(user)
    if condition is None:
        return base.none()
    return base.filter(condition).order_by("due_at", "pk")


def obligation_list(user: Any, permission: str = SUBMIT) -> QuerySet[ReportingObligation]:
    return scoping.scoped(user, permission, ReportingObligation)


def children_of(submission: Submission) -> QuerySet[Submission]:
    """The submissions this one consolidates: the same period, addressed to its submitter
    agency by an active obligation."""
    return Submission.objects.filter(
        period=submission.period,
        obligation__recipient_agency_id=submission.obligation.submitter_agency_id,
        obligation__active=True,
    ).exclude(pk=submission.pk)


def parents_of(submission: Submission) -> QuerySet[Submission]:
    """The submissions that consolidate this one (its recipient agency's, same period)."""
    return Submission.objects.filter(
        period=submission.period,
        obligation__submitter_agency_id=submission.obligation.recipient_agency_id,
    ).exclude(pk=submission.pk)


def attachment_get_for_user(user: Any, pk: int) -> Attachment:
    """A file of a report: its writers see every file; a reader of the report (the recipient)
    only the files sent with one of its snapshots. Missing and not visible are the same 404."""
    attachment = Attachment.objects.filter(pk=pk).select_related("submission").first()
    if attachment is None:
        raise Http404
    submission = submission_get_for_user(user, attachment.submission_id)
    if not may_write(user, submission):
        sent = submission.versions.values_list("attachments", flat=True)
        if not any(attachment.pk in (ids or []) for ids in sent):
            raise Http404
    return attachment
