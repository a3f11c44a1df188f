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
    unit_path: str | None = None  # lookup from the model to the AdminUnit.path placing a record
    distinct: bool = False  # the lookup crosses a to-many relation
    need_to_know: NeedToKnow | None = None
    subtree_permission: dict[str, str] | None = None  # permission -> permission used for subtree
    via: str | None = None  # a relation to a registered parent whose rule decides (``case``)
    permissions: frozenset[str] | None = None  # the permissions this rule answers; others: deny


_RULES: dict[type[models.Model], ScopeRule] = {}


def register(
    model: type[models.Model],
    *,
    unit_path: str | None = None,
    distinct: bool = False,
    need_to_know: NeedToKnow | None = None,
    subtree_permission: dict[str, str] | None = None,
    via: str | None = None,
    permissions: set[str] | frozenset[str] | None = None,
) -> None:
    """How records of ``model`` are placed; see the module docstring.

    ``unit_path`` places a record in a unit's subtree; ``subtree_permission`` remaps the
    permission checked for that grant (cases: seeing *every* case of a subtree needs
    ``cases.supervise``, not ``cases.view``); ``via`` names a relation (forward or reverse) to
    a registered parent whose rule decides — a record is visible with the parent
    (``register(Need, via="case")``); ``need_to_know`` adds record-level grants such as an
    assignment, OR-ed with the others; ``permissions`` lists the permissions the rule answers
    (any other permission sees nothing). A rule needs at least one of unit_path, via and
    need_to_know.
    """
    if unit_path is None and via is None and need_to_know is None:
        raise ValueError(f"{model.__name__}: a rule needs unit_path, via or need_to_know")
    _RULES[model] = ScopeRule(
        unit_path,
        distinct,
        need_to_know,
        subtree_permission,
        via,
        frozenset(permissions) if permissions is not None else None,
    )


def rule_for(model: type[models.Model]) -> ScopeRule:
    try:
        return _RULES[model]
    except KeyError:
        raise LookupError(f"{model.__name__} has no scoping rule; register one") from None


def registered() -> dict[type[models.Model], ScopeRule]:
    """Every model with a scoping rule (for the tests that walk the models)."""
    return dict(_RULES)


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
    rows = user.__dict__.get("_gbvms_memberships")
    if rows is None:  # one query per request for every permission asked
        membership = apps.get_model("orgs", "Membership")
        rows = list(
            membership.objects.filter(
                user=user, is_active=True, agency__is_active=True
            ).values_list("role", "scope_unit__path")
        )
        user.__dict__["_gbvms_memberships"] = rows
    for role, path in rows:
        if permission in role_permissions(role):
            prefixes.add(path or NATIONAL)
    cache[permission] = _collapse(prefixes)
    return cache[permission]


def forget(user: Any) -> None:
    """Drop the per-request cache of grants after memberships change."""
    user.__dict__.pop("_gbvms_grants", None)
    user.__dict__.pop("_gbvms_memberships", None)


def has_permission(user: Any, permission: str, path: str | None = None) -> bool:
    """Whether ``user`` holds ``permission`` anywhere (or over the unit at ``path``)."""
    prefixes = grants(user, permission)
    if path is None:
        return bool(prefixes)
    return any(path.startswith(p) for p in prefixes)


def _either(first: Q | None, second: Q | None) -> Q | None:
    """OR of two grants where ``None`` is nothing and an empty ``Q()`` is everything."""
    if first is None or second is None:
        return second if first is None else first
    if not first or not second:
        return Q()
    return first | second


def _subtree(user: Any, permission: str, rule: ScopeRule, unit_path: str) -> Q | None:
    subtree_permission = (rule.subtree_permission or {}).get(permission, permission)
    prefixes = grants(user, subtree_permission)
    if NATIONAL in prefixes:
        return Q()
    if not prefixes:
        return None
    condition = Q()
    for prefix in prefixes:
        condition |= Q(**{f"{unit_path}__startswith": prefix})
    return condition


def _through_parent(user: Any, permission: str, model: type[models.Model], via: str) -> Q | None:
    """Visible with the parent reached through ``via``: a subquery on the parent's rule."""
    field = model._meta.get_field(via)
    parent: Any = field.related_model
    condition = scope_filter(user, permission, parent)
    if condition is None or not condition:
        return condition
    if field.concrete:  # a foreign key (or one-to-one) to the parent
        return Q(**{f"{via}__in": parent._base_manager.filter(condition).values("pk")})
    # a reverse relation: the parent holds the key (a survivor is visible with its cases)
    key = field.field.attname  # type: ignore[union-attr]
    return Q(pk__in=parent._base_manager.filter(condition).values(key))


def scope_filter(user: Any, permission: str, model: type[models.Model]) -> Q | None:
    """The filter for ``model``; ``None`` means nothing is visible, ``Q()`` everything."""
    rule = rule_for(model)
    if rule.permissions is not None and permission not in rule.permissions:
        return None
    placed: Q | None = None
    if rule.unit_path is not None:
        placed = _subtree(user, permission, rule, rule.unit_path)
    if rule.via is not None:
        placed = _either(placed, _through_parent(user, permission, model, rule.via))
    if placed is not None and not placed:
        return placed  # everything already: no need-to-know query
    extra = rule.need_to_know(user, permission) if rule.need_to_know else None
    return _either(placed, extra)


def _queryset(source: Any) -> models.QuerySet[Any]:
    """A queryset from a queryset, a model's refusing manager or a model."""
    if isinstance(source, ScopedManager):
        return source.unscoped()
    if isinstance(source, type) and issubclass(source, models.Model):
        manager = source._default_manager
        return manager.unscoped() if isinstance(manager, ScopedManager) else manager.all()
    return source


def scoped(user: Any, permission: str, queryset: Any) -> models.QuerySet[Any]:
    """``queryset`` (or a model's ``objects``) narrowed to what ``user`` may see."""
    queryset = _queryset(queryset)
    model = queryset.model
    condition = scope_filter(user, permission, model)
    if condition is None:
        return queryset.none()
    narrowed = queryset.filter(condition)
    return narrowed.distinct() if rule_for(model).distinct and condition else narrowed


def get_for_user(user: Any, permission: str, queryset: Any, **lookup: Any) -> Any:
    """One record the user may see; 'does not exist' and 'not yours' are the same 404."""
    queryset = _queryset(queryset)
    try:
        return scoped(user, permission, queryset).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


# ------------------------------------------------------------------ managers that refuse


class UnscopedQueryError(RuntimeError):
    """A model holding survivor data was queried without a scope."""


class ScopedManager(models.Manager[Any]):
    """The ``objects`` of a model that holds or reveals survivor data: every read needs a scope.

    ``Model.objects.for_user(user, permission)`` is the scoped queryset;
    ``Model.objects.unscoped()`` is the explicit escape for migrations, commands, tests and
    services that already hold an authorized record (``case`` → its referrals). Anything else
    (``all()``, ``filter()``, ``get()``, ``count()`` …) raises ``UnscopedQueryError``.
    Creating rows reveals nothing and stays allowed (``create``, ``bulk_create``).

    Django's own machinery never goes through ``objects``: related managers, admin, model
    forms, unique checks and serializers use the model's default manager, and foreign-key
    access, saves and cascades its base manager — keep both plain (``Meta.default_manager_name``
    naming a plain ``models.Manager()``). Not used in migrations.
    """

    use_in_migrations = False

    def get_queryset(self) -> models.QuerySet[Any]:
        name = self.model.__name__
        raise UnscopedQueryError(
            f"{name}.objects refuses an unscoped query: use {name}.objects.for_user(user, "
            f"permission) (or a *_get_for_user fetcher), or {name}.objects.unscoped() where the "
            "code already acts on an authorized record"
        )

    def unscoped(self) -> models.QuerySet[Any]:
        return super().get_queryset()

    def for_user(self, user: Any, permission: str) -> models.QuerySet[Any]:
        return scoped(user, permission, self.unscoped())

    def get_for_user(self, user: Any, permission: str, **lookup: Any) -> Any:
        return get_for_user(user, permission, self.unscoped(), **lookup)

    def create(self, **kwargs: Any) -> Any:
        return self.unscoped().create(**kwargs)

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        return self.unscoped().bulk_create(objs, *args, **kwargs)
