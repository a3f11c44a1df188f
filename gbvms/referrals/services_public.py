"""Anonymous help requests from the public site: routing, tracking code and PIN, status,
replies, triage (to a case or closed with a reason), and rate limiting without keeping
addresses."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.cases import services as case_services
from gbvms.cases import services_notify
from gbvms.cases.audit import log_case
from gbvms.cases.models import Case
from gbvms.core import phones
from gbvms.core.audit import log_action
from gbvms.core.clientip import client_ip
from gbvms.core.roles import roles_with
from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency, Membership
from gbvms.referrals.models import HelpReply, HelpRequest, HelpStatus, RateBucket, RoutingRule

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MAX_DESCRIPTION = 2000


# ------------------------------------------------------------------------------------ limits


def _client_key(purpose: str, value: str) -> str:
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def client_address(request: HttpRequest) -> str:
    """The client's address (behind a trusted proxy, from X-Forwarded-For); never stored."""
    return client_ip(request)


def rate_allowed(purpose: str, value: str, limit: int, window_minutes: int = 60) -> bool:
    """Count one more request for (purpose, value) in the current window; False past the
    limit. Only a keyed hash is stored, and rows older than the window are deleted."""
    now = timezone.now()
    window = datetime.timedelta(minutes=window_minutes)
    start = now - datetime.timedelta(seconds=now.timestamp() % window.total_seconds())
    RateBucket.objects.filter(window_start__lt=now - window).delete()
    key = _client_key(purpose, value)
    with transaction.atomic():
        updated = RateBucket.objects.filter(key=key, window_start=start).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    RateBucket.objects.create(key=key, window_start=start, count=1)
            except IntegrityError:
                RateBucket.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
    count = RateBucket.objects.get(key=key, window_start=start).count
    return count <= limit


# ------------------------------------------------------------------------------------ routing


def route(commune: AdminUnit, kind: str) -> Agency:
    """The configured rule for the commune or its province (by kind, then any kind), else the
    agency whose case workers cover the commune."""
    province = commune.parent
    for unit in (commune, province):
        for k in (kind, ""):
            rule = RoutingRule.objects.filter(unit=unit, kind=k).select_related("agency").first()
            if rule and rule.agency.is_active:
                return rule.agency
    local = (
        Membership.objects.filter(
            role="case_worker", is_active=True, scope_unit=commune, agency__is_active=True
        )
        .select_related("agency")
        .order_by("agency_id")
        .first()
    )
    if local:
        return local.agency
    wide = (
        Membership.objects.filter(
            role__in=["case_supervisor", "case_worker"],
            is_active=True,
            agency__is_active=True,
            scope_unit=province,
        )
        .select_related("agency")
        .order_by("agency_id")
        .first()
    )
    if wide:
        return wide.agency
    raise ValidationError(
        {"commune_code": _("Chưa có cơ quan tiếp nhận cho xã này; hãy gọi đường dây nóng.")}
    )


def intake_staff(agency: Agency) -> list[Any]:
    rows = Membership.objects.filter(
        agency=agency, role__in=roles_with("cases.intake"), is_active=True
    ).select_related("user")
    return [m.user for m in rows]


# ------------------------------------------------------------------------------------ create


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        if not HelpRequest.objects.unscoped().filter(tracking_code=code).exists():
            return code


@transaction.atomic
def help_request_create(
    *,
    kind: str,
    commune: AdminUnit,
    description: str = "",
    answers: list[str] | None = None,
    contact: dict[str, Any] | None = None,
) -> tuple[HelpRequest, str]:
    """Store the request (description and contact encrypted), route it, tell the inbox.
    Returns the request and the PIN, shown once to the requester."""
    if commune.level != "commune" or not commune.is_current:
        raise ValidationError({"commune_code": _("Hãy chọn một xã, phường, đặc khu hiện hành.")})
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError({"description": _("Tối đa %(n)s ký tự.") % {"n": MAX_DESCRIPTION}})
    contact = {k: str(v)[:200] for k, v in (contact or {}).items() if v}
    no_contact = bool(contact.pop("no_contact", False))
    if contact.get("phone"):
        contact["phone"] = phones.normalise_field(contact["phone"], "phone")
    agency = route(commune, kind)
    pin = f"{secrets.randbelow(10**6):06d}"
    item = HelpRequest.objects.create(
        tracking_code=_new_code(),
        pin_hash=make_password(pin),
        kind=kind,
        commune=commune,
        answers=list(answers or [])[:20],
        description=description.strip(),
        contact="" if no_contact else json.dumps(contact, ensure_ascii=False),
        no_contact=no_contact,
        agency=agency,
    )
    services_notify.help_request_received(  # danger-now: the supervisors too, urgent
        item, intake_staff(agency), reverse("referrals:help_detail", args=[item.pk])
    )
    log_action(
        action="referrals.help_request.received",
        username="public",
        obj=item,
        changes={"kind": [None, kind]},
    )
    return item, pin


class RateLimitedError(Exception):
    """Too many requests from this client (or for this tracking code) in the window."""

    code = "rate_limited"


def help_status(tracking_code: str, pin: str, *, address: str) -> HelpRequest | None:
    """The request for a tracking code and PIN (None when either is wrong). Checks are limited
    per tracking code (``GBVMS_PUBLIC_STATUS_CHECKS_PER_HOUR``) and per client address (three
    times that), here, so the page and the API share the limit; raises ``RateLimitedError``."""
    code = tracking_code.strip().upper()[:12]
    limit = settings.PUBLIC_STATUS_CHECKS_PER_HOUR
    if not (
        rate_allowed("status_code", code, limit) and rate_allowed("status_ip", address, limit * 3)
    ):
        raise RateLimitedError
    item = HelpRequest.objects.unscoped().filter(tracking_code=code).first()
    if item is None or not check_password(pin.strip(), item.pin_hash):
        return None
    return item


# ------------------------------------------------------------------------------------ triage


def can_triage(user: Any, item: HelpRequest) -> bool:
    return Membership.objects.filter(
        user=user, agency=item.agency_id, is_active=True, role__in=roles_with("cases.intake")
    ).exists()


def _first_response(item: HelpRequest) -> None:
    HelpRequest.objects.unscoped().filter(pk=item.pk, first_response_at__isnull=True).update(
        first_response_at=timezone.now()
    )
    HelpRequest.objects.unscoped().filter(pk=item.pk, status=HelpStatus.NEW).update(
        status=HelpStatus.IN_PROGRESS
    )
    item.refresh_from_db()


@transaction.atomic
def help_reply(*, actor: Any, item: HelpRequest, text: str) -> HelpReply:
    if not can_triage(actor, item):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("Hãy viết nội dung trả lời.")})
    reply = HelpReply.objects.create(request=item, text=text.strip()[:2000], created_by=actor)
    _first_response(item)
    log_action(action="referrals.help_request.replied", actor=actor, obj=item)
    return reply


@transaction.atomic
def help_close(*, actor: Any, item: HelpRequest, reason: str) -> HelpRequest:
    if not can_triage(actor, item):
        raise PermissionDenied
    if len(reason.strip()) < 3:
        raise ValidationError({"reason": _("Hãy ghi lý do đóng.")})
    _first_response(item)
    HelpRequest.objects.unscoped().filter(pk=item.pk).update(
        status=HelpStatus.CLOSED, closed_reason=reason.strip()[:300]
    )
    item.refresh_from_db()
    log_action(action="referrals.help_request.closed", actor=actor, obj=item)
    return item


@transaction.atomic
def help_convert(*, actor: Any, item: HelpRequest, request: HttpRequest | None = None) -> Any:
    """Open a case from the request (channel: public web request), prefilled with the commune,
    the contact details and what happened; the request links to it."""
    if not can_triage(actor, item):
        raise PermissionDenied
    if item.case_id:
        raise ValidationError(_("Yêu cầu này đã được mở thành vụ việc."), code="converted")
    contact = json.loads(item.contact) if item.contact else {}
    safe = contact.get("safe_times", "")
    if item.no_contact:
        safe = _("Người gửi không muốn được liên lạc lại.")
    opened = case_services.case_open(
        actor=actor,
        channel="public_web",
        commune=item.commune,
        detected_at=item.created_at,
        survivor=case_services.SurvivorData(phone=contact.get("phone", "")),
        immediate_danger="danger_now" in item.answers,
        safe_contact=safe[:500],
        incident=case_services.IncidentData(
            violence_forms=[
                a for a in item.answers if a in {"the_chat", "tinh_than", "tinh_duc", "kinh_te"}
            ]
        ),
        request=request,
    )
    # what the requester wrote becomes the narrative; "the victim is a child" starts the
    # child-protection timeline before any birth year is known
    Case.objects.unscoped().filter(pk=opened.case.pk).update(
        summary=item.description, reported_child="child" in item.answers
    )
    opened.case.summary, opened.case.reported_child = item.description, "child" in item.answers
    _first_response(item)
    HelpRequest.objects.unscoped().filter(pk=item.pk).update(
        status=HelpStatus.CONVERTED, case=opened.case
    )
    item.refresh_from_db()
    log_case("referrals.help_request.converted", actor=actor, case=opened.case, request=request)
    return opened.case
