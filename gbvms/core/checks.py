"""System checks of GBVMS's own settings (``manage.py check``; they also run before migrate)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string

CONSOLE_SMS = "gbvms.referrals.notify.ConsoleSMSBackend"


@register(Tags.security)
def sms_backend_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Outside development the console SMS backend, which only writes messages to the log, is
    refused: the people who must act on an escalation would never be told."""
    if settings.DEBUG:
        return []
    try:
        backend = import_string(settings.SMS_BACKEND)
    except ImportError:
        return [
            Error(
                f"GBVMS_SMS_BACKEND {settings.SMS_BACKEND!r} cannot be imported.",
                hint="A dotted path to a class with send(phone, message); see "
                "docs/configuration.md.",
                id="gbvms.E002",
            )
        ]
    console = import_string(CONSOLE_SMS)
    if isinstance(backend, type) and issubclass(backend, console):
        return [
            Error(
                "The console SMS backend is not allowed in production: it logs messages "
                "instead of sending them.",
                hint="Set GBVMS_SMS_BACKEND to your SMS gateway's class, or to "
                "gbvms.referrals.notify.NoSMSBackend to send no SMS at all (e-mail and in-app "
                "notifications still go out); see docs/configuration.md.",
                id="gbvms.E001",
            )
        ]
    return []
