"""TOTP second factor (django-otp): who must have one, enrolment and verification."""

from __future__ import annotations

import base64
import io
import time
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from gbvms.core.audit import log_action

# Session key of the secret being enrolled (hex, as TOTPDevice.key).
PENDING_ENROLMENT = "gbvms_totp_pending"


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def second_factor_required(user: Any) -> bool:
    """True when one of the user's active roles is in GBVMS_2FA_REQUIRED_ROLES."""
    required = set(settings.SECOND_FACTOR_REQUIRED_ROLES)
    if user.is_superuser and "administrator" in required:
        return True
    return user.memberships.filter(is_active=True, role__in=required).exists()


def needs_second_factor(user: Any) -> bool:
    """True for a signed-in session that must still set up or verify a second factor: it is
    refused everywhere but the enrolment and sign-out pages, on pages and on the API alike."""
    if not getattr(user, "is_authenticated", False):
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return second_factor_required(user)


def pending_device(request: HttpRequest) -> TOTPDevice:
    """The device being enrolled, not saved: its secret waits in the session until a first
    valid code confirms it, so showing the set-up page writes no device row."""
    key = request.session.get(PENDING_ENROLMENT)
    if not isinstance(key, str) or len(key) != 40:
        key = default_key()
        request.session[PENDING_ENROLMENT] = key
    return TOTPDevice(user=request.user, name="TOTP", key=key, confirmed=False)


def _verify_unsaved(device: TOTPDevice, token: str) -> bool:
    """Check a code against a device not yet saved (the device's own check saves it)."""
    try:
        value = int(token.strip())
    except ValueError:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(value, device.tolerance):
        return False
    device.last_t = totp.t()  # the code just used cannot be replayed at the next sign-in
    return True


def qr_svg_data_uri(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def twofactor_confirm(*, user: Any, token: str, request: HttpRequest) -> bool:
    """Confirm enrolment with a first valid code: the device is saved (replacing any other),
    and the session becomes verified."""
    device = pending_device(request)
    if not _verify_unsaved(device, token):
        log_action(action="core.twofactor.enrol_failed", actor=user, request=request)
        return False
    TOTPDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save()
    del request.session[PENDING_ENROLMENT]
    otp_login(request, device)
    log_action(action="core.twofactor.enrolled", actor=user, request=request, obj=device)
    return True


def twofactor_check(*, user: Any, token: str) -> TOTPDevice | None:
    device = confirmed_device(user)
    if device is not None and device.verify_token(token.strip()):
        return device
    return None
