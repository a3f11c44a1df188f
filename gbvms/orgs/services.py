"""Writes for agencies, users and memberships: one function per use case, each logged."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.core import phones, scoping
from gbvms.core.audit import diff, log_action, snapshot
from gbvms.core.twofactor import second_factor_required
from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency, ApiToken, Membership, User, hash_token

AGENCY_FIELDS = ["name", "short_name", "kind", "unit", "parent", "email", "phone", "is_active"]
USER_FIELDS = ["username", "full_name", "email", "phone", "is_active"]


def _require_manage(actor: Any, path: str | None) -> None:
    """The actor must manage the unit at ``path`` (``None``: national)."""
    if path is None:
        if scoping.NATIONAL not in scoping.grants(actor, "orgs.manage"):
            raise PermissionDenied(_("Chỉ quản trị viên toàn quốc được làm việc này."))
    elif not scoping.has_permission(actor, "orgs.manage", path):
        raise PermissionDenied(_("Đơn vị này nằm ngoài phạm vi quản lý của bạn."))


def _check_agency_unit(unit: AdminUnit | None) -> None:
    if unit is not None and not unit.is_current:
        raise ValidationError(
            {"unit": _("Chỉ chọn được đơn vị hành chính đang có hiệu lực.")}, code="unit_historical"
        )


@transaction.atomic
def agency_create(*, actor: Any, request: HttpRequest | None = None, **data: Any) -> Agency:
    if "phone" in data:
        data["phone"] = phones.normalise_field(data["phone"], "phone")
    agency = Agency(**data)
    _check_agency_unit(agency.unit if agency.unit_id else None)
    agency.full_clean()
    _require_manage(actor, agency.unit.path)
    agency._change_reason = "created"  # type: ignore[attr-defined]
    agency.save()
    log_action(
        action="orgs.agency.created",
        actor=actor,
        request=request,
        obj=agency,
        changes=diff({}, snapshot(agency, AGENCY_FIELDS)),
    )
    return agency


@transaction.atomic
def agency_update(
    *, actor: Any, agency: Agency, request: HttpRequest | None = None, **data: Any
) -> Agency:
    _require_manage(actor, agency.unit.path)
    if "phone" in data:
        data["phone"] = phones.normalise_field(data["phone"], "phone")
    before = snapshot(agency, AGENCY_FIELDS)
    for name, value in data.items():
        setattr(agency, name, value)
    _check_agency_unit(agency.unit)
    agency.full_clean()
    _require_manage(actor, agency.unit.path)
    changes = diff(before, snapshot(agency, AGENCY_FIELDS))
    if changes:
        agency.save()
        log_action(
            action="orgs.agency.updated", actor=actor, request=request, obj=agency, changes=changes
        )
    return agency


def _check_membership(actor: Any, membership: Membership) -> None:
    if membership.scope_unit is not None:
        if not membership.scope_unit.is_current:
            raise ValidationError(
                {"scope_unit": _("Chỉ chọn được đơn vị hành chính đang có hiệu lực.")},
                code="unit_historical",
            )
        agency_path = membership.agency.unit.path
        if not (
            membership.scope_unit.path.startswith(agency_path)
            or agency_path.startswith(membership.scope_unit.path)
        ):
            raise ValidationError(
                {"scope_unit": _("Phạm vi phải cùng địa bàn với cơ quan.")}, code="scope_mismatch"
            )
    membership.full_clean()
    _require_manage(actor, membership.agency.unit.path)
    _require_manage(actor, membership.scope_unit.path if membership.scope_unit else None)


@transaction.atomic
def membership_create(
    *,
    actor: Any,
    user: User,
    agency: Agency,
    role: str,
    scope_unit: AdminUnit | None,
    request: HttpRequest | None = None,
) -> Membership:
    membership = Membership(user=user, agency=agency, role=role, scope_unit=scope_unit)
    _check_membership(actor, membership)
    membership.save()
    log_action(
        action="orgs.membership.created",
        actor=actor,
        request=request,
        obj=membership,
        changes={
            "user": [None, user.username],
            "agency": [None, agency.pk],
            "role": [None, role],
            "scope_unit": [None, scope_unit.code if scope_unit else None],
        },
    )
    scoping.forget(user)
    return membership


@transaction.atomic
def membership_set_active(
    *, actor: Any, membership: Membership, active: bool, request: HttpRequest | None = None
) -> Membership:
    _require_manage(actor, membership.agency.unit.path)
    _require_manage(actor, membership.scope_unit.path if membership.scope_unit else None)
    if membership.is_active != active:
        membership.is_active = active
        membership.save(update_fields=["is_active"])
        log_action(
            action="orgs.membership.activated" if active else "orgs.membership.deactivated",
            actor=actor,
            request=request,
            obj=membership,
            changes={"is_active": [not active, active]},
        )
    scoping.forget(membership.user)
    return membership


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    agency: Agency,
    role: str,
    scope_unit: AdminUnit | None,
    request: HttpRequest | None = None,
) -> User:
    """A user is created with a first membership, so no one exists outside every scope."""
    phone = phones.normalise_field(phone, "phone")
    user = User(username=username, full_name=full_name, email=email, phone=phone)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}, code="password_invalid") from exc
    user.set_password(password)
    user.full_clean()
    _require_manage(actor, agency.unit.path)
    user.save()
    log_action(
        action="orgs.user.created",
        actor=actor,
        request=request,
        obj=user,
        changes=diff({}, snapshot(user, USER_FIELDS)),
    )
    membership_create(
        actor=actor, user=user, agency=agency, role=role, scope_unit=scope_unit, request=request
    )
    return user


def _require_manage_user(actor: Any, user: User) -> None:
    if not scoping.scoped(actor, "orgs.manage", User.objects.filter(pk=user.pk)).exists():
        raise PermissionDenied(_("Người dùng này nằm ngoài phạm vi quản lý của bạn."))


@transaction.atomic
def user_update(*, actor: Any, user: User, request: HttpRequest | None = None, **data: Any) -> User:
    _require_manage_user(actor, user)
    if user.pk == getattr(actor, "pk", None) and data.get("is_active") is False:
        raise ValidationError({"is_active": _("Không thể tự khóa tài khoản của mình.")})
    if "phone" in data:
        data["phone"] = phones.normalise_field(data["phone"], "phone")
    before = snapshot(user, USER_FIELDS)
    for name, value in data.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    changes = diff(before, snapshot(user, USER_FIELDS))
    if changes:
        user.save()
        log_action(
            action="orgs.user.updated", actor=actor, request=request, obj=user, changes=changes
        )
    return user


@transaction.atomic
def user_set_password(
    *, actor: Any, user: User, password: str, request: HttpRequest | None = None
) -> User:
    if user.pk != getattr(actor, "pk", None):
        _require_manage_user(actor, user)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}, code="password_invalid") from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    log_action(
        action="orgs.user.password_set",
        actor=actor,
        request=request,
        obj=user,
        changes={"password": ["•••", "•••"]},
    )
    return user


@transaction.atomic
def token_create(
    *, actor: Any, user: User, name: str = "", allow_second_factor_role: bool = False
) -> tuple[ApiToken, str]:
    """A new API token; the raw value is returned once and never stored. A token skips the
    second factor, so a user whose role requires one gets a token only when explicitly allowed
    (and the access log says so)."""
    exempted = second_factor_required(user)
    if exempted and not allow_second_factor_role:
        raise ValidationError(
            _(
                "Vai trò của người dùng này bắt buộc xác thực hai lớp; mã API bỏ qua lớp đó. "
                "Chỉ cấp khi thật cần, với cờ cho phép rõ ràng."
            ),
            code="second_factor_role",
        )
    raw = "gbv_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, token_hash=hash_token(raw), prefix=raw[:8]
    )
    log_action(
        action="orgs.token.created",
        actor=actor,
        obj=token,
        username="system",
        reason="second_factor_role" if exempted else "",
        changes={"user": [None, user.get_username()]},
    )
    return token, raw


def token_authenticate(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
