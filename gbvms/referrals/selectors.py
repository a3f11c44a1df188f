"""Reads for referrals and help requests, each scoped in one place."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from gbvms.cases.audit import log_case
from gbvms.core import scoping
from gbvms.core.roles import roles_with
from gbvms.orgs.models import Membership
from gbvms.referrals.access import referral_identity_visible
from gbvms.referrals.models import HelpRequest, Referral, ReferralStatus
from gbvms.referrals.services import receiving_agencies

OPEN_TO_RECEIVER = [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED]


def referral_need_to_know(user: Any, permission: str) -> Q | None:
    """The receiving side of the referral rule (registered with the scoping kernel; the sending
    side is the case's own rule, through ``via="case"``): with ``referrals.receive``, the staff
    of a provider's agency see the referrals to that provider. The one place to narrow what a
    receiver may see."""
    if permission != "referrals.receive" or not scoping.grants(user, "referrals.receive"):
        return None
    return Q(provider__agency__in=receiving_agencies(user))


def inbox(user: Any, status: str = "") -> QuerySet[Referral]:
    """Referrals to the providers of the user's receiving agencies."""
    qs = Referral.objects.for_user(user, "referrals.receive").select_related(
        "provider", "case", "case__unit"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "respond_by")


def sent_for_cases(user: Any) -> QuerySet[Referral]:
    """Referrals of the cases the user may see (the sender's side)."""
    return Referral.objects.for_user(user, "cases.view").select_related(
        "provider", "case", "case__unit"
    )


def referral_for_user(
    *, user: Any, pk: int, request: HttpRequest | None = None, side: str = "", log: bool = True
) -> tuple[Referral, str]:
    """The referral and the side the user is on ('receiver' or 'sender'); 404 otherwise. With
    ``side``, only that side counts (the other gets the same 404). A receiver sees it only while
    it is open to them (not declined or revoked). Nothing is logged unless the referral is
    returned; a receiver's read is logged against the case only while the survivor's identity
    is visible to them (``referral_identity_visible``); ``log=False`` for a write whose service
    logs it, or whose fetcher logs the case."""
    referral = None
    if side in ("", "receiver"):
        referral = inbox(user).filter(pk=pk, status__in=OPEN_TO_RECEIVER).first()
        found = "receiver"
    if referral is None and side in ("", "sender"):
        referral = sent_for_cases(user).filter(pk=pk).first()
        found = "sender"
    if referral is None:
        raise Http404
    if not log:
        return referral, found
    if found == "sender":
        log_case("cases.case.viewed", actor=user, case=referral.case, request=request)
    elif referral_identity_visible(referral):
        log_case(
            "cases.case.viewed_via_referral",
            actor=user,
            case=referral.case,
            request=request,
            changes={"referral": [None, referral.pk]},
        )
    return referral, found


def help_request_need_to_know(user: Any, permission: str) -> Q | None:
    """The commune inbox: with ``cases.intake``, the members of the agency a help request was
    routed to see it (registered with the scoping kernel)."""
    if permission != "cases.intake" or not scoping.grants(user, "cases.intake"):
        return None
    agencies = Membership.objects.filter(
        user=user, is_active=True, role__in=roles_with("cases.intake")
    ).values("agency_id")
    return Q(agency__in=agencies)


def help_inbox(user: Any, status: str = "") -> QuerySet[HelpRequest]:
    qs = HelpRequest.objects.for_user(user, "cases.intake").select_related("commune", "agency")
    return qs.filter(status=status) if status else qs


def help_for_user(*, user: Any, pk: int, request: HttpRequest | None = None) -> HelpRequest:
    from gbvms.core.audit import log_action

    item = help_inbox(user).filter(pk=pk).first()
    if item is None:
        raise Http404
    log_action(action="referrals.help_request.viewed", actor=user, request=request, obj=item)
    return item


def supervised_referrals(user: Any) -> QuerySet[Referral]:
    """Referrals of cases in the units the user supervises, or to their own providers."""
    return Referral.objects.for_user(user, "cases.supervise") | Referral.objects.for_user(
        user, "referrals.receive"
    )
