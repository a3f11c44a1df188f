"""Referrals: sending with the consent gate, the receiver's decisions, revocation, escalation
and timeliness figures."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.cases import services_care
from gbvms.cases.audit import log_case
from gbvms.cases.changes import case_touch
from gbvms.cases.models import Case, ConsentKind, Status
from gbvms.core.roles import ROLES
from gbvms.indicators import outbox
from gbvms.orgs.models import Membership
from gbvms.referrals import access
from gbvms.referrals.models import (
    Referral,
    ReferralStatus,
    Section,
    ServiceCode,
    ServiceProvider,
    Urgency,
)
from gbvms.referrals.notify import notify
from gbvms.referrals.services_directory import next_on_pathway

RECEIVE_ROLES = [code for code, role in ROLES.items() if "referrals.receive" in role.permissions]
MANAGER_ROLES = ["case_supervisor", "administrator"]
NEED_OF_SERVICE = {
    "health": "health",
    "psychosocial": "psychosocial",
    "legal_aid": "legal",
    "police_justice": "legal",
    "shelter": "shelter",
    "economic_social": "economic",
    "education": "education",
}


def covering_consents(case: Case, provider: ServiceProvider, services: list[str]) -> list[Any]:
    """The sharing consents in force (not withdrawn, not expired) that name this provider and
    every service (a guardian's or a recorded exception counts the same way)."""
    now = timezone.now()
    return [
        consent
        for consent in case.consents.filter(kind=ConsentKind.SHARING, withdrawn_at__isnull=True)
        if provider.pk in consent.provider_ids
        and set(services) <= set(consent.service_types)
        and (consent.expires_at is None or consent.expires_at > now)
    ]


def consent_covers(case: Case, provider: ServiceProvider, services: list[str]) -> bool:
    return bool(covering_consents(case, provider, services))


def receivers(provider: ServiceProvider) -> list[Any]:
    rows = Membership.objects.filter(
        agency=provider.agency_id, role__in=RECEIVE_ROLES, is_active=True
    ).select_related("user")
    return [m.user for m in rows]


def receiving_agencies(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(
        user=user, role__in=RECEIVE_ROLES, is_active=True, agency__is_active=True
    ).values("agency_id")


def managers(provider: ServiceProvider) -> list[Any]:
    rows = Membership.objects.filter(
        agency=provider.agency_id, role__in=MANAGER_ROLES, is_active=True
    ).select_related("user")
    return [m.user for m in rows]


def _link(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


@transaction.atomic
def referral_send(
    *,
    actor: Any,
    case: Case,
    provider: ServiceProvider,
    services: list[str],
    urgency: str,
    visible_sections: list[str],
    note: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """Refer the case (the caller fetched it for writing). Refused unless consent covers the
    provider and every service."""
    errors: dict[str, str] = {}
    if not services or any(s not in ServiceCode.values for s in services):
        errors["services"] = _("Chọn ít nhất một dịch vụ.")
    elif not set(services) <= set(provider.services):
        errors["services"] = _("Cơ sở này không cung cấp: %(s)s.") % {
            "s": ", ".join(sorted(set(services) - set(provider.services)))
        }
    if urgency not in Urgency.values:
        errors["urgency"] = _("Chọn mức độ khẩn.")
    if not visible_sections or any(s not in Section.values for s in visible_sections):
        errors["visible_sections"] = _("Chọn phần thông tin nơi nhận được xem.")
    if not provider.is_active:
        errors["provider"] = _("Cơ sở này không còn hoạt động.")
    if errors:
        raise ValidationError(errors)
    consents = covering_consents(case, provider, services)
    if not consents:
        raise ValidationError(
            _("Chưa có sự đồng ý chia sẻ thông tin với cơ sở này cho các dịch vụ đã chọn."),
            code="consent_required",
        )
    now = timezone.now()
    referral = Referral.objects.create(
        case=case,
        provider=provider,
        services=sorted(set(services)),
        urgency=urgency,
        note=note.strip(),
        visible_sections=sorted(set(visible_sections)),
        sent_by=actor,
        sent_at=now,
        respond_by=now + datetime.timedelta(hours=settings.REFERRAL_RESPONSE_HOURS[urgency]),
    )
    case_touch(case)  # refused on a closed case
    for service in services:
        case.needs.filter(kind=NEED_OF_SERVICE[service]).update(status="referred")
    log_case(
        "referrals.referral.sent",
        actor=actor,
        case=case,
        request=request,
        changes={
            "referral": [None, referral.pk],
            "provider": [None, provider.pk],
            "urgency": [None, urgency],
        },
    )
    access.access_grant(actor=actor, referral=referral, consents=consents, request=request)
    notify(receivers(provider), "referral_received", case.code, _link(referral))
    return referral


def can_receive(user: Any, referral: Referral) -> bool:
    return Membership.objects.filter(
        user=user, agency=referral.provider.agency_id, role__in=RECEIVE_ROLES, is_active=True
    ).exists()


def _decide(referral: Referral, actor: Any, from_status: str, **changes: Any) -> Referral:
    if not can_receive(actor, referral):
        raise PermissionDenied
    updated = (
        Referral.objects.unscoped().filter(pk=referral.pk, status=from_status).update(**changes)
    )
    if not updated:
        raise ValidationError(_("Chuyển gửi này không còn ở trạng thái đó."), code="state")
    outbox.mark_case(referral.case_id)  # referral timeliness (R10)
    referral.refresh_from_db()
    return referral


@transaction.atomic
def referral_accept(
    *, actor: Any, referral: Referral, request: HttpRequest | None = None
) -> Referral:
    if not access.referral_identity_visible(referral):
        raise ValidationError(
            _("Không thể nhận: quyền xem thông tin qua chuyển gửi này đã kết thúc."),
            code="access_ended",
        )
    _decide(
        referral,
        actor,
        ReferralStatus.SENT,
        status=ReferralStatus.ACCEPTED,
        accepted_at=timezone.now(),
        decided_by=actor,
    )
    log_case("referrals.referral.accepted", actor=actor, case=referral.case, request=request)
    notify([referral.sent_by], "referral_accepted", referral.case.code, _link(referral))
    return referral


@transaction.atomic
def referral_decline(
    *, actor: Any, referral: Referral, reason: str, request: HttpRequest | None = None
) -> Referral:
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Hãy ghi lý do từ chối.")}, code="reason")
    suggestion = next_on_pathway(referral.provider, referral.case.unit, referral.services)
    _decide(
        referral,
        actor,
        ReferralStatus.SENT,
        status=ReferralStatus.DECLINED,
        declined_at=timezone.now(),
        decline_reason=reason.strip()[:500],
        decided_by=actor,
        suggested_provider=suggestion,
    )
    if referral.case.status != Status.CLOSED:  # a closed case keeps its needs as closed
        case_touch(referral.case)
        for service in referral.services:
            referral.case.needs.filter(kind=NEED_OF_SERVICE[service], status="referred").update(
                status="planned"
            )
    log_case(
        "referrals.referral.declined",
        actor=actor,
        case=referral.case,
        request=request,
    )
    access.access_end_referral(referral=referral, actor=actor, request=request)
    notify([referral.sent_by], "referral_declined", referral.case.code, _link(referral))
    return referral


@transaction.atomic
def referral_complete(
    *, actor: Any, referral: Referral, outcome: str, request: HttpRequest | None = None
) -> Referral:
    if not outcome.strip():
        raise ValidationError({"outcome": _("Hãy ghi kết quả.")}, code="outcome")
    now = timezone.now()
    _decide(
        referral,
        actor,
        ReferralStatus.ACCEPTED,
        status=ReferralStatus.COMPLETED,
        completed_at=now,
        outcome=outcome.strip(),
    )
    for service in referral.services:  # the services delivered, on the case record
        services_care.service_record(
            actor=actor,
            case=referral.case,
            kind=NEED_OF_SERVICE[service],
            delivered_at=now,
            provider=referral.provider.agency,
            outcome=outcome.strip(),
        )
    log_case("referrals.referral.completed", actor=actor, case=referral.case, request=request)
    notify([referral.sent_by], "referral_completed", referral.case.code, _link(referral))
    return referral


@transaction.atomic
def referral_revoke(
    *, actor: Any, referral: Referral, request: HttpRequest | None = None
) -> Referral:
    """The sender's side withdraws the referral: the receiver loses access at once."""
    updated = (
        Referral.objects.unscoped()
        .filter(pk=referral.pk, status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED])
        .update(status=ReferralStatus.REVOKED, revoked_at=timezone.now())
    )
    if not updated:
        raise ValidationError(_("Chuyển gửi này không còn ở trạng thái đó."), code="state")
    referral.refresh_from_db()
    log_case("referrals.referral.revoked", actor=actor, case=referral.case, request=request)
    access.access_end_referral(referral=referral, actor=actor, request=request)
    notify(receivers(referral.provider), "referral_revoked", referral.case.code, _link(referral))
    return referral


def escalate_overdue(now: datetime.datetime | None = None) -> int:
    """Referrals not answered by their deadline: the sender's supervisors and the receiving
    provider's managers are told, once, even when two runs overlap (each referral is claimed
    by a conditional update before anyone is told)."""
    now = now or timezone.now()
    overdue = Referral.objects.unscoped().filter(
        status=ReferralStatus.SENT, respond_by__lt=now, escalated_at__isnull=True
    )
    return sum(_escalate(pk, now) for pk in list(overdue.values_list("pk", flat=True)))


@transaction.atomic
def _escalate(pk: int, now: datetime.datetime) -> int:
    claimed = (
        Referral.objects.unscoped()
        .filter(pk=pk, status=ReferralStatus.SENT, escalated_at__isnull=True)
        .update(escalated_at=now)
    )
    if not claimed:  # another run escalated it (or it was answered) in the meantime
        return 0
    referral = (
        Referral.objects.unscoped().select_related("case", "case__unit", "provider").get(pk=pk)
    )
    # the sender too: it is their referral that nobody answered (issue 13)
    people = [referral.sent_by, *services_care.case_supervisors(referral.case)]
    people += managers(referral.provider)
    notify(people, "referral_overdue", referral.case.code, _link(referral))
    return 1


# ------------------------------------------------------------------------------------ figures


@dataclass
class Timeliness:
    label: str
    sent: int = 0
    accepted: int = 0
    declined: int = 0
    completed: int = 0
    answered_in_time: int = 0
    hours_to_accept: list[float] = field(default_factory=list)
    hours_to_complete: list[float] = field(default_factory=list)
    decline_reasons: Counter[str] = field(default_factory=Counter)

    @property
    def in_time_pct(self) -> int | None:
        answered = self.accepted + self.declined
        return round(100 * self.answered_in_time / answered) if answered else None

    @property
    def reasons(self) -> list[tuple[str, int]]:
        return self.decline_reasons.most_common()

    @property
    def median_accept(self) -> float | None:
        return round(statistics.median(self.hours_to_accept), 1) if self.hours_to_accept else None

    @property
    def median_complete(self) -> float | None:
        data = self.hours_to_complete
        return round(statistics.median(data), 1) if data else None


def _hours(a: datetime.datetime, b: datetime.datetime) -> float:
    return (b - a).total_seconds() / 3600


def timeliness(referrals: QuerySet[Referral], by: str = "provider") -> list[Timeliness]:
    """Per provider (or per commune of the case): time to accept and to complete, share
    answered within the deadline, decline reasons."""
    rows: dict[str, Timeliness] = {}
    for r in referrals.select_related("provider", "case__unit"):
        label = r.provider.name if by == "provider" else r.case.unit.name
        t = rows.setdefault(label, Timeliness(label))
        t.sent += 1
        answered_at = r.accepted_at or r.declined_at
        if r.accepted_at:
            t.accepted += 1
            t.hours_to_accept.append(_hours(r.sent_at, r.accepted_at))
        if r.declined_at:
            t.declined += 1
            t.decline_reasons[r.decline_reason[:80]] += 1
        if answered_at and answered_at <= r.respond_by:
            t.answered_in_time += 1
        if r.completed_at:
            t.completed += 1
            t.hours_to_complete.append(_hours(r.sent_at, r.completed_at))
    return sorted(rows.values(), key=lambda t: t.label)
