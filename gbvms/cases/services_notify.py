"""Who is told what, and by which channel (issue 13, "Work reaches people").

One door for every notice of the project: ``deliver``. It writes the in-app notice in the
caller's transaction (it rolls back with the change, and nobody else can read it before the
commit) and sends e-mail and SMS only once that transaction commits
(``transaction.on_commit``): a change that rolls back tells nobody. Each user's preferences
(``NotificationPreference``, one row per kind; no row means every channel) choose the
channels; an urgent notice is always in-app.

A message names the kind, a case code (or a help request's tracking code, or a report's
name) and a link, never a survivor's name, phone, address or what happened.

Triggers (called by the services that act):
- ``case_new``: a case opened in a commune (hotline, public request converted, intake by
  another agency) or transferred in → the commune's case workers and the supervisors covering
  it, except the person who did it; urgent when the case is marked immediate danger;
- ``help_request_received``: a public request → the routed inbox; marked danger-now →
  the inbox **and** the supervisors covering the commune, urgent;
- ``followups_digest``: once a day (``manage.py send_reminders``), each worker assigned to
  open cases with follow-ups due today or overdue gets one notice with the counts.
Closure requests, assignments, referrals and reports call ``deliver`` through their own
modules (``services_care.notify``, ``referrals.notify.notify``, ``reports.notify.send``).
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Case as Rank
from django.db.models import IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gbvms.cases.models import (
    NOTIFICATION_LABELS,
    Case,
    CaseAssignment,
    FollowUp,
    Notification,
    NotificationPreference,
)
from gbvms.cases.models.care import NOTIFICATION_FALLBACK
from gbvms.orgs.models import Membership

log = logging.getLogger("gbvms.sms")

# kinds a user may tune on the preferences page, in the order shown
URGENT_KINDS = {"help_request_danger"}
CASE_ROLES = ("case_worker", "case_supervisor")


def label_of(kind: str) -> str:
    return str(NOTIFICATION_LABELS.get(kind, NOTIFICATION_FALLBACK))


def channels_for(user: Any, kind: str, *, urgent: bool = False) -> tuple[bool, bool, bool]:
    """(in-app, e-mail, SMS) for ``user`` and ``kind``; in-app is forced on when urgent."""
    pref = NotificationPreference.objects.filter(user=user, kind=kind).first()
    if pref is None:
        return True, True, True
    return pref.in_app or urgent, pref.email, pref.sms


def preferences_of(user: Any) -> dict[str, NotificationPreference]:
    return {p.kind: p for p in NotificationPreference.objects.filter(user=user)}


@transaction.atomic
def preferences_set(*, actor: Any, choices: dict[str, dict[str, bool]]) -> int:
    """Store the actor's channels per kind (unknown kinds are refused by being ignored)."""
    written = 0
    for kind, channel in choices.items():
        if kind not in NOTIFICATION_LABELS:
            continue
        in_app = bool(channel.get("in_app", True)) or kind in URGENT_KINDS
        NotificationPreference.objects.update_or_create(
            user=actor,
            kind=kind,
            defaults={
                "in_app": in_app,
                "email": bool(channel.get("email", False)),
                "sms": bool(channel.get("sms", False)),
            },
        )
        written += 1
    return written


def deliver(
    users: list[Any], kind: str, *, case_code: str = "", link: str = "", urgent: bool = False,
    title: str = "", subject: str = "", text: str = "",
) -> int:  # fmt: skip
    """Tell ``users`` (deduplicated, active only). Returns how many were told on any channel.
    ``title`` (shown after the label when there is no case code: a report's name, counts),
    ``subject``/``text`` (the e-mail and SMS wording) must carry no identity."""
    unique = [u for u in {u.pk: u for u in users if u is not None}.values() if u.is_active]
    label = label_of(kind)
    flag = "KHẨN — " if urgent and not label.startswith("KHẨN") else ""
    head = f"[GBVMS] {flag}{label}"
    subject = subject or f"{head}: {case_code or title}".rstrip(": ")
    text = text or f"{subject} {settings.SITE_URL}{link}"
    rows, emails, phones = [], [], []
    for user in unique:
        in_app, email, sms = channels_for(user, kind, urgent=urgent)
        if in_app:
            rows.append(
                Notification(
                    user=user,
                    kind=kind,
                    case_code=case_code[:20],
                    link=link[:200],
                    urgent=urgent,
                    subject=title[:200],
                )
            )
        if email and user.email:
            emails.append(user.email)
        if sms and getattr(user, "phone", ""):
            phones.append(user.phone)
    Notification.objects.bulk_create(rows)
    if emails or phones:
        transaction.on_commit(lambda: _send(subject, text, sorted(set(emails)), phones))
    return len(unique)


def _send(subject: str, text: str, emails: list[str], phones: list[str]) -> None:
    from gbvms.referrals.notify import sms_backend

    if emails:  # one message each: staff addresses are not shown to one another
        send_mass_mail([(subject, text, None, [e]) for e in emails], fail_silently=True)
    if not phones:
        return
    backend = sms_backend()
    for phone in phones:
        try:
            backend.send(phone, text)
        except Exception:  # one failed SMS must not stop the others (the change is saved)
            log.exception("SMS to …%s failed", phone[-3:])


# ------------------------------------------------------------------------------ recipients


def _covering(
    unit_path: str, roles: tuple[str, ...], *, need_scope: bool, agency_id: int | None = None
) -> list[Any]:
    rows = Membership.objects.filter(
        role__in=roles, is_active=True, agency__is_active=True, user__is_active=True
    ).select_related("scope_unit", "user")
    if agency_id is not None:
        rows = rows.filter(agency_id=agency_id)
    found = {}
    for m in rows:
        if m.scope_unit_id is None and need_scope:
            continue
        scope = m.scope_unit.path if m.scope_unit_id else "/"
        if unit_path.startswith(scope):
            found[m.user_id] = m.user
    return list(found.values())


def commune_staff(unit_path: str, agency_id: int | None = None) -> list[Any]:
    """The case workers whose scope covers the commune (of ``agency_id`` when given), and
    the supervisors covering it."""
    workers = _covering(unit_path, ("case_worker",), need_scope=True, agency_id=agency_id)
    return workers + _covering(unit_path, ("case_supervisor",), need_scope=False)


def supervisors_of(unit_path: str) -> list[Any]:
    return _covering(unit_path, ("case_supervisor",), need_scope=False)


# -------------------------------------------------------------------------------- triggers


def case_new(case: Case, *, actor: Any, transferred: bool = False) -> int:
    """A case arrived in a commune: opened there (by anyone: its workers are told), or
    transferred in (the receiving agency's workers are told)."""
    agency_id = case.owning_agency_id if transferred else None
    staff = commune_staff(case.unit.path, agency_id)
    users = [u for u in staff if u.pk != getattr(actor, "pk", None)]
    link = reverse("cases:detail", args=[case.code])
    return deliver(
        users, "case_new", case_code=case.code, link=link, urgent=bool(case.immediate_danger)
    )


def help_request_received(item: Any, staff: list[Any], link: str) -> int:
    """A public request: its inbox; danger-now also to the supervisors, urgent."""
    if "danger_now" in (item.answers or []):
        users = list(staff) + supervisors_of(item.commune.path)
        return deliver(
            users, "help_request_danger", case_code=item.tracking_code, link=link, urgent=True
        )
    return deliver(staff, "help_request", case_code=item.tracking_code, link=link)


def followups_digest(today: datetime.date | None = None) -> int:
    """One notice a day per assigned worker with follow-ups due today or overdue (counts
    only). Returns how many were told; running twice a day tells nobody twice."""
    today = today or timezone.localdate()
    open_ups = FollowUp.internal_objects.filter(
        done_at__isnull=True, due_on__lte=today, case__closed_at__isnull=True
    ).values_list("case_id", "due_on")
    per_case: dict[int, list[int]] = {}
    for case_id, due_on in open_ups:
        counts = per_case.setdefault(case_id, [0, 0])
        counts[0 if due_on == today else 1] += 1
    per_user: dict[int, list[int]] = {}
    assignments = CaseAssignment.internal_objects.filter(case_id__in=per_case, is_active=True)
    for case_id, user_id in assignments.values_list("case_id", "user_id"):
        counts = per_user.setdefault(user_id, [0, 0])
        counts[0] += per_case[case_id][0]
        counts[1] += per_case[case_id][1]
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    told_today = set(
        Notification.objects.filter(kind="followups_due", created_at__gte=start).values_list(
            "user_id", flat=True
        )
    )
    from gbvms.orgs.models import User

    sent = 0
    for user in User.objects.filter(pk__in=set(per_user) - told_today, is_active=True):
        due, overdue = per_user[user.pk]
        with translation.override("vi"):
            title = _("%(due)s đến hạn hôm nay, %(overdue)s quá hạn") % {
                "due": due,
                "overdue": overdue,
            }
        with transaction.atomic():
            sent += deliver([user], "followups_due", link=reverse("cases:overdue"), title=title)
    return sent


# ----------------------------------------------------------------------------------- reads


def notifications_for(user: Any, *, unread: bool = False) -> Any:
    """The user's notices, unread urgent ones first, then newest first (page and API)."""
    rows = Notification.objects.filter(user=user)
    if unread:
        rows = rows.filter(read_at__isnull=True)
    first = Rank(
        When(urgent=True, read_at__isnull=True, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return rows.annotate(rank=first).order_by("rank", "-created_at", "-id")


def tunable_kinds() -> list[tuple[str, str]]:
    """(kind, label) of every kind a user can tune, sorted by label."""
    import gbvms.reports.notify  # noqa: F401  (registers the report kinds' labels)

    return sorted(((k, str(v)) for k, v in NOTIFICATION_LABELS.items()), key=lambda kv: kv[1])


def target_of(notification: Notification) -> str:
    """Where a notice leads: its link, else the transfers inbox or the case, else home."""
    if notification.link.startswith("/"):
        return notification.link
    if notification.kind == "transfer_requested":
        return reverse("cases:transfers")
    if notification.case_code:
        return reverse("cases:detail", args=[notification.case_code])
    return reverse("core:home")
