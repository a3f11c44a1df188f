"""Telling people that something needs them: in-app, by e-mail and by SMS. Messages carry a
kind, a code and a link only, never a name or what happened."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

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
    """In-app notices now (in the caller's transaction); e-mail and SMS once it commits, so
    a change that rolls back tells nobody, and nobody is told before it is true. Per-user
    preferences choose the channels (``gbvms.cases.services_notify.deliver``)."""
    from gbvms.cases.services_notify import deliver

    return deliver(users, kind, case_code=code, link=link)


def _send(subject: str, text: str, emails: list[str], phones: list[str]) -> None:
    if emails:
        send_mail(
            subject=subject, message=text, from_email=None, recipient_list=emails,
            fail_silently=True,
        )  # fmt: skip
    backend = sms_backend()
    for phone in phones:
        try:
            backend.send(phone, text)
        except Exception:  # one failed SMS must not stop the others (the change is saved)
            log.exception("SMS to …%s failed", phone[-3:])
