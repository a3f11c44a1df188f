"""Reads for agencies, users and memberships — always through core.scoping."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from gbvms.core import scoping
from gbvms.core.text import fold
from gbvms.orgs.models import Agency, Membership, User


def agency_list(*, user: Any, q: str = "", kind: str = "") -> QuerySet[Agency]:
    qs = scoping.scoped(user, "orgs.view", Agency.objects.select_related("unit", "parent"))
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    return qs.order_by("unit__path", "name")


def _writable(user: Any, obj: Any, queryset: QuerySet[Any]) -> Any:
    """Visible but not manageable is 403, not 404."""
    if not scoping.scoped(user, "orgs.manage", queryset.filter(pk=obj.pk)).exists():
        raise PermissionDenied
    return obj


def agency_get(*, user: Any, pk: int, for_write: bool = False) -> Agency:
    agency = scoping.get_for_user(user, "orgs.view", Agency.objects.select_related("unit"), pk=pk)
    return _writable(user, agency, Agency.objects.all()) if for_write else agency


def agencies_manageable(*, user: Any) -> QuerySet[Agency]:
    return scoping.scoped(user, "orgs.manage", Agency.objects.filter(is_active=True)).order_by(
        "name"
    )


def user_list(*, user: Any, q: str = "") -> QuerySet[User]:
    qs = scoping.scoped(user, "orgs.view", User.objects.all())
    if q:
        folded = fold(q)
        qs = qs.filter(
            Q(username__icontains=q) | Q(full_name__icontains=q) | Q(email__icontains=folded)
        )
    return qs.order_by("username")


def user_get(*, user: Any, pk: int, for_write: bool = False) -> User:
    member = scoping.get_for_user(user, "orgs.view", User.objects.all(), pk=pk)
    return _writable(user, member, User.objects.all()) if for_write else member


def membership_list_for(*, user: Any, member: User) -> QuerySet[Membership]:
    return scoping.scoped(
        user,
        "orgs.view",
        Membership.objects.filter(user=member).select_related("agency", "scope_unit"),
    )


def membership_get(*, user: Any, pk: int) -> Membership:
    qs = Membership.objects.select_related("user", "agency", "scope_unit")
    return scoping.get_for_user(user, "orgs.manage", qs, pk=pk)


def memberships_of(member: User) -> QuerySet[Membership]:
    """The caller's own memberships (for /me and the home page)."""
    return Membership.objects.filter(user=member, is_active=True).select_related(
        "agency", "scope_unit"
    )


# Permissions whose holders pick agencies: administrators (orgs.view) and plan reviewers
# linking a document's agency names (plans.manage); each sees the agencies of their scope.
AGENCY_PICKER_PERMISSIONS = ("orgs.view", "plans.manage")


def agency_search(*, user: Any, q: str = "") -> list[Agency]:
    """Agencies in the user's scope whose name or short name holds ``q`` without diacritics."""
    held = [p for p in AGENCY_PICKER_PERMISSIONS if scoping.has_permission(user, p)]
    if not held:
        raise PermissionDenied
    qs = Agency.objects.none()
    for permission in held:
        qs = qs | scoping.scoped(user, permission, Agency.objects.select_related("unit"))
    needle = fold(q)
    agencies = qs.distinct().order_by("unit__path", "name")
    return [a for a in agencies if needle in fold(f"{a.name} {a.short_name}")]
