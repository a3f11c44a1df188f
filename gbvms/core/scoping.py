"""Who may see what: the one place that turns (user, permission, kind of record) into a queryset.

Every read of a scoped record starts here. A membership grants its role's permissions over
its scope unit's subtree (a materialised-path prefix match); a membership with no scope unit is
national. Superusers are national administrators (administrator permissions only — never case
access). When no rule matches, the answer is an empty queryset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.http import Http404

from gbvms.core.roles import ROLES, role_permissions

M = TypeVar("M", bound=models.Model)
NATIONAL = "/"


# A need-to-know rule: (user, permission) -> extra Q that also grants visibility (e.g. "assigned
# to this case"), or None. It is OR-ed with the unit-subtree grant; write it as a subquery
# (``pk__in=...``) so that no DISTINCT is needed.
NeedToKnow = Callable[[Any, str], "Q | None"]


@dataclass(frozen=True)
class ScopeRule:
    unit_path: str  # lookup from the model to the AdminUnit.path that places a record
    distinct: bool = False  # the lookup crosses a to-many relation
    need_to_know: NeedToKnow | None = None
    subtree_permission: dict[str, str] | None = None  # permission -> permission used for subtree


_RULES: dict[type[models.Model], ScopeRule] = {}


def register(
    model: type[models.Model],
    *,
    unit_path: str,
    distinct: bool = False,
    need_to_know: NeedToKnow | None = None,
    subtree_permission: dict[str, str] | None = None,
) -> None:
    """How records of ``model`` are placed; see the module docstring.

    ``subtree_permission`` remaps the permission checked for the unit-subtree grant (cases:
    seeing *every* case of a subtree needs ``cases.supervise``, not ``cases.view``);
    ``need_to_know`` adds record-level grants such as an assignment.
    """
    _RULES[model] = ScopeRule(unit_path, distinct, need_to_know, subtree_permission)


def rule_for(model: type[models.Model]) -> ScopeRule:
    try:
        return _RULES[model]
    except KeyError:
        raise LookupError(f"{model.__name__} has no scoping rule; register one") from None


def _collapse(prefixes: set[str]) -> list[str]:
    """Drop prefixes already covered by a shorter one."""
    kept: list[str] = []
    for prefix in sorted(prefixes, key=len):
        if not any(prefix.startswith(k) for k in kept):
            kept.append(prefix)
    return kept


def grants(user: Any, permission: str) -> list[str]:
    """Path prefixes over which ``user`` holds ``permission`` (``['/']`` means national)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cache = user.__dict__.setdefault("_gbvms_grants", {})
    if permission in cache:
        return cache[permission]
    prefixes: set[str] = set()
    if user.is_superuser and permission in ROLES["administrator"].permissions:
        prefixes.add(NATIONAL)
    membership = apps.get_model("orgs", "Membership")
    rows = membership.objects.filter(user=user, is_active=True, agency__is_active=True).values_list(
        "role", "scope_unit__path"
    )
    for role, path in rows:
        if permission in role_permissions(role):
            prefixes.add(path or NATIONAL)
    cache[permission] = _collapse(prefixes)
    return cache[permission]


def forget(user: Any) -> None:
    """Drop the per-request cache of grants after memberships change."""
    user.__dict__.pop("_gbvms_grants", None)


def has_permission(user: Any, permission: str, path: str | None = None) -> bool:
    """Whether ``user`` holds ``permission`` anywhere (or over the unit at ``path``)."""
    prefixes = grants(user, permission)
    if path is None:
        return bool(prefixes)
    return any(path.startswith(p) for p in prefixes)


def scope_filter(user: Any, permission: str, model: type[models.Model]) -> Q | None:
    """The filter for ``model``; ``None`` means nothing is visible."""
    rule = rule_for(model)
    subtree_permission = (rule.subtree_permission or {}).get(permission, permission)
    prefixes = grants(user, subtree_permission)
    extra = rule.need_to_know(user, permission) if rule.need_to_know else None
    if NATIONAL in prefixes:
        return Q()
    if not prefixes and extra is None:
        return None
    condition = Q()
    for prefix in prefixes:
        condition |= Q(**{f"{rule.unit_path}__startswith": prefix})
    if extra is not None:
        condition = condition | extra if prefixes else extra
    return condition


def scoped(user: Any, permission: str, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """``queryset`` narrowed to what ``user`` may see with ``permission``."""
    model = queryset.model
    condition = scope_filter(user, permission, model)
    if condition is None:
        return queryset.none()
    narrowed = queryset.filter(condition)
    return narrowed.distinct() if rule_for(model).distinct and condition else narrowed


def get_for_user(user: Any, permission: str, queryset: models.QuerySet[M], **lookup: Any) -> M:
    """One record the user may see; 'does not exist' and 'not yours' are the same 404."""
    try:
        return scoped(user, permission, queryset).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
