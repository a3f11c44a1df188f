"""Telling people that something needs them: in-app, by e-mail and by SMS. Messages carry a
kind, a code and a link only, never a name or what happened."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from gbvms.cases.models import NOTIFICATION_LABELS, Notification

log = logging.getLogger("gbvms.sms")


class ConsoleSMSBackend:
    """Writes the message to the log instead of sending it (development, tests)."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, message: str) -> None:
        self.sent.append((phone, message))
        log.info("SMS to …%s: %s", phone[-3:], message)


class NoSMSBackend:
    """Sends no SMS (an explicit choice where there is no gateway: e-mail and in-app only)."""

    def send(self, phone: str, message: str) -> None:
        return None


def sms_backend() -> Any:
    return import_string(settings.SMS_BACKEND)()


def notify(users: list[Any], kind: str, code: str, link: str) -> int:
    unique = [u for u in {u.pk: u for u in users}.values() if u.is_active]
    Notification.objects.bulk_create(
        [Notification(user=u, kind=kind, case_code=code, link=link[:200]) for u in unique]
    )
    label = str(NOTIFICATION_LABELS.get(kind, kind))
    text = f"[GBVMS] {label}: {code} {settings.SITE_URL}{link}"
    emails = [u.email for u in unique if u.email]
    if emails:
        send_mail(
            subject=f"[GBVMS] {label}: {code}",
            message=text,
            from_email=None,
            recipient_list=emails,
            fail_silently=True,
        )
    backend = sms_backend()
    for user in unique:
        if user.phone:
            backend.send(user.phone, text)
    return len(unique)
