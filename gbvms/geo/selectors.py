"""Reads for administrative units (public data: no scoping needed)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from gbvms.core import scoping
from gbvms.core.text import fold
from gbvms.geo.models import AdminUnit, Kind, Level

LEVELS = {choice.value for choice in Level}
KINDS = {choice.value for choice in Kind}


def unit_search(
    *,
    q: str = "",
    kind: str = "",
    current: bool = True,
    parent_code: str = "",
) -> QuerySet[AdminUnit]:
    """Units matching a diacritic-insensitive name or code, filtered by level or kind.

    ``kind`` accepts a level (``province``, ``district``, ``commune``) or a precise kind
    (``xa``, ``phuong``, ``huyen``…). ``parent_code`` selects the children of a province (or, for
    historical units, of a district), in the same era as ``current``.
    """
    qs = AdminUnit.objects.select_related("parent").prefetch_related("successors")
    if current:
        qs = qs.filter(valid_to__isnull=True)
    if kind in LEVELS:
        qs = qs.filter(level=kind)
    elif kind in KINDS:
        qs = qs.filter(kind=kind)
    elif kind:
        return qs.none()
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    folded = fold(q)
    if folded:
        qs = qs.filter(Q(search_name__contains=folded) | Q(code=q.strip()))
    return qs.order_by("valid_to", "level", "code")


def unit_get(*, code: str, level: str, current: bool = True) -> AdminUnit | None:
    qs = AdminUnit.objects.filter(level=level, code=code)
    qs = qs.filter(valid_to__isnull=True) if current else qs.order_by("-valid_to")
    return qs.first()


def unit_by_pk(pk: int) -> AdminUnit | None:
    return AdminUnit.objects.select_related("parent").filter(pk=pk).first()


def current_units(level: str) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(level=level, valid_to__isnull=True).order_by("name")


def units_within_grant(user: Any, permission: str) -> QuerySet[AdminUnit]:
    """Current units inside the subtrees where ``user`` holds ``permission`` (none if no grant)."""
    prefixes = scoping.grants(user, permission)
    qs = AdminUnit.objects.current()
    if scoping.NATIONAL in prefixes:
        return qs
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(path__startswith=prefix)
    return qs.filter(condition)
