"""Reads of the programme delivery records, always through ``core.scoping``."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from gbvms.core import scoping
from gbvms.core.roles import ROLES
from gbvms.orgs.models import Agency, Membership
from gbvms.programme import models

RECORDERS = [code for code, role in ROLES.items() if "programme.record" in role.permissions]

KINDS: dict[str, type[Any]] = {
    "campaign": models.Campaign,
    "event": models.Event,
    "training": models.Event,
    "model": models.ProgrammeModel,
    "inspection": models.Inspection,
    "budget": models.BudgetLine,
}


def _mine(user: Any) -> QuerySet[Any]:
    """The ids of the agencies ``user`` records for (a subquery): active memberships of active
    agencies in a role holding ``programme.record``."""
    return Membership.objects.filter(
        user=user, is_active=True, agency__is_active=True, role__in=RECORDERS
    ).values("agency_id")


def recording_agencies(user: Any) -> QuerySet[Agency]:
    """The agencies whose delivery ``user`` records."""
    return Agency.objects.filter(pk__in=_mine(user))


def record_need_to_know(user: Any, permission: str) -> Q | None:
    if permission not in {"programme.view", "programme.record"}:
        return None
    if not scoping.grants(user, "programme.record"):
        return None
    return Q(lead_agency__in=_mine(user))


def recommendation_need_to_know(user: Any, permission: str) -> Q | None:
    if permission not in {"programme.view", "programme.record"}:
        return None
    if not scoping.grants(user, "programme.record"):
        return None
    return Q(responsible_agency__in=_mine(user))


def evidence_need_to_know(user: Any, permission: str) -> Q | None:
    if permission != "programme.record" or not scoping.grants(user, "programme.record"):
        return None
    return Q(agency__in=_mine(user))


def records(user: Any, kind: str, *, for_write: bool = False) -> QuerySet[Any]:
    """The records of ``kind`` the user may see (or, ``for_write``, change)."""
    model = KINDS[kind]
    permission = "programme.record" if for_write else "programme.view"
    qs = scoping.scoped(user, permission, model).select_related("unit", "lead_agency")
    if kind == "training":
        qs = qs.filter(kind="training").select_related("training")
    elif kind == "event":
        qs = qs.exclude(kind="training")
    return qs


def record_get_for_user(*, user: Any, kind: str, pk: int, for_write: bool = False) -> Any:
    """One record the user may see (or change); 'not yours' and 'does not exist' are one 404."""
    try:
        return records(user, kind, for_write=for_write).get(pk=pk)
    except KINDS[kind].DoesNotExist:
        raise Http404 from None


def record_list(*, user: Any, kind: str, unit_path: str = "", year: int | None = None,
                status: str = "", activity_id: int | None = None) -> QuerySet[Any]:  # fmt: skip
    """Filtered records: ``unit_path`` (the unit and its subtree), ``year`` (records that
    overlap it; budget lines by fiscal year), status, plan activity."""
    qs = records(user, kind)
    if unit_path:
        qs = qs.filter(unit__path__startswith=unit_path)
    if year:
        if kind == "budget":
            qs = qs.filter(fiscal_year=year)
        else:
            qs = qs.filter(start__year__lte=year, end__year__gte=year)
    if status:
        qs = qs.filter(status=status)
    if activity_id:
        qs = qs.filter(plan_activity_id=activity_id)
    return qs


def evidence_for(*, user: Any, kind: str, record_id: int) -> QuerySet[models.Evidence]:
    """The evidence files of a record that ``user`` may open (the recording agency's members)."""
    return scoping.scoped(user, "programme.record", models.Evidence).filter(
        record_kind=kind, record_id=record_id
    )


def evidence_get_for_user(*, user: Any, pk: int) -> models.Evidence:
    return scoping.get_for_user(user, "programme.record", models.Evidence, pk=pk)
