"""How long a referral lets the receiving provider see the survivor's identity.

A referral grants the receiver the sections the sender chose (name, safe contact, needs, safety
plan …) from the moment it is sent, with a sharing consent that names the provider and covers
every service. That access ends — for good: a new referral is needed — at the first of:

- the referral is declined or revoked;
- no sharing consent in force covers it any more (withdrawn, or past its ``expires_at``);
- the case is closed;
- ``GBVMS_REFERRAL_ACCESS_DAYS`` (default 30) after the referral was completed.

The rule is evaluated at every read (``access_state``), so access ends on time even before
anything is written. Each end is also written — once — to the referral (``access_ended_at``,
``access_end_reason``) and to the access log (``referrals.referral.access_ended`` with a reason
code): by the service that ends it (consent withdrawal, case closure, revoke, decline) and, for
the ends that come with time (a consent's expiry, the days after completion), by the periodic
command ``end_referral_access`` with the moment access actually ended. A denied read writes
nothing. After the end the provider keeps its own record: the referral's code, dates, services,
status and outcome, without the survivor's identity.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from gbvms.cases.audit import log_case
from gbvms.cases.models import ConsentKind, Status
from gbvms.referrals.models import Referral, ReferralStatus

END_REASONS = (
    "declined",
    "revoked",
    "consent_withdrawn",
    "consent_expired",
    "case_closed",
    "completed",  # the configured days after completion have passed
)
GRANTING = [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED]


@dataclass(frozen=True)
class AccessState:
    visible: bool
    reason: str = ""  # why not visible (one of END_REASONS), empty while visible
    ended_at: datetime.datetime | None = None


def access_days() -> datetime.timedelta:
    return datetime.timedelta(days=settings.REFERRAL_ACCESS_DAYS)


def covering_consents(referral: Referral, at: datetime.datetime) -> list[Any]:
    """The sharing consents of the case that name the provider and cover every service of
    the referral, not withdrawn before ``at`` (expired ones included: the caller checks)."""
    wanted = set(referral.services)
    return [
        c
        for c in referral.case.consents.filter(kind=ConsentKind.SHARING)
        if referral.provider_id in c.provider_ids
        and wanted <= set(c.service_types)
        and (c.withdrawn_at is None or c.withdrawn_at > at)
    ]


def _consent_end(referral: Referral, at: datetime.datetime) -> AccessState | None:
    consents = covering_consents(referral, at)
    if any(c.expires_at is None or c.expires_at > at for c in consents):
        return None
    if consents:  # covered until the last of them expired
        return AccessState(False, "consent_expired", max(c.expires_at for c in consents))
    withdrawn = [
        c.withdrawn_at
        for c in referral.case.consents.filter(kind=ConsentKind.SHARING, withdrawn_at__isnull=False)
        if referral.provider_id in c.provider_ids
    ]
    return AccessState(False, "consent_withdrawn", max(withdrawn, default=None))


def access_state(referral: Referral, at: datetime.datetime | None = None) -> AccessState:
    """Whether the receiver may see the survivor's identity through this referral at ``at``
    (now by default), and if not why and since when."""
    at = at or timezone.now()
    if referral.access_ended_at is not None and referral.access_ended_at <= at:
        return AccessState(False, referral.access_end_reason, referral.access_ended_at)
    if referral.status == ReferralStatus.DECLINED:
        return AccessState(False, "declined", referral.declined_at)
    if referral.status == ReferralStatus.REVOKED:
        return AccessState(False, "revoked", referral.revoked_at)
    if referral.case.status == Status.CLOSED:
        return AccessState(False, "case_closed")  # written by the closure, at that moment
    if referral.completed_at is not None and at >= referral.completed_at + access_days():
        return AccessState(False, "completed", referral.completed_at + access_days())
    return _consent_end(referral, at) or AccessState(True)


def referral_identity_visible(referral: Referral, at: datetime.datetime | None = None) -> bool:
    return access_state(referral, at).visible


# ------------------------------------------------------------------------------------ writes


def access_grant(
    *, actor: Any, referral: Referral, consents: list[Any], request: HttpRequest | None = None
) -> None:
    log_case(
        "referrals.referral.access_granted",
        actor=actor,
        case=referral.case,
        request=request,
        changes={
            "referral": [None, referral.pk],
            "provider": [None, referral.provider_id],
            "consents": [None, sorted(c.pk for c in consents)],
        },
    )


def _end(
    referral: Referral,
    state: AccessState,
    *,
    actor: Any = None,
    request: HttpRequest | None = None,
    now: datetime.datetime,
) -> bool:
    ended_at = state.ended_at or now
    updated = (
        Referral.objects.unscoped()
        .filter(pk=referral.pk, access_ended_at__isnull=True)
        .update(access_ended_at=ended_at, access_end_reason=state.reason)
    )
    if not updated:  # someone else wrote this end already
        return False
    referral.access_ended_at, referral.access_end_reason = ended_at, state.reason
    log_case(
        "referrals.referral.access_ended",
        actor=actor,
        case=referral.case,
        request=request,
        changes={
            "referral": [referral.pk, None],
            "reason": [None, state.reason],
            "ended_at": [None, ended_at.isoformat()],
        },
    )
    return True


def open_accesses(qs: QuerySet[Referral] | None = None) -> QuerySet[Referral]:
    qs = Referral.objects.unscoped() if qs is None else qs
    return qs.filter(access_ended_at__isnull=True).select_related("case", "provider")


def access_end_for_case(*, case: Any, actor: Any = None, request: HttpRequest | None = None) -> int:
    """After a change to the case (consent withdrawn, case closed, …): write the end of every
    referral access of the case that the rule no longer allows. Returns how many ended."""
    now = timezone.now()
    count = 0
    for referral in open_accesses(case.referrals.all()):
        referral.case = case
        state = access_state(referral, now)
        if not state.visible:
            count += _end(referral, state, actor=actor, request=request, now=now)
    return count


def access_end_referral(
    *, referral: Referral, actor: Any = None, request: HttpRequest | None = None
) -> bool:
    """After a decision on the referral (declined, revoked): write its end of access."""
    now = timezone.now()
    state = access_state(referral, now)
    return False if state.visible else _end(referral, state, actor=actor, request=request, now=now)


def access_end_lapsed(now: datetime.datetime | None = None) -> int:
    """The periodic sweep (``manage.py end_referral_access``): write the ends that came with
    time — consents past their expiry, the days after completion — with the moment each
    access actually ended. Reads already stopped at that moment; this makes it auditable."""
    now = now or timezone.now()
    count = 0
    for referral in open_accesses():
        state = access_state(referral, now)
        if not state.visible:
            count += _end(referral, state, now=now)
    return count
