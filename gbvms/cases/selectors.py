"""Reads of cases: always scoped, every read of one case written to the access log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.cases.audit import log_case
from gbvms.cases.models import Case, CaseAssignment, FollowUp, Incident, Survivor
from gbvms.core import scoping
from gbvms.core.crypto import blind_index
from gbvms.orgs.models import Membership


def case_need_to_know(user: Any, permission: str) -> Q | None:
    """Assigned workers holding the permission somewhere see the cases assigned to them."""
    if permission not in {"cases.view", "cases.edit"} or not scoping.grants(user, permission):
        return None
    # a correlated EXISTS on the (case, user) unique index, not a join (no DISTINCT) nor an
    # IN-list of every assignment of the user (which grows with their caseload)
    assigned = CaseAssignment.objects.unscoped().filter(
        case=OuterRef("pk"), user=user, is_active=True
    )
    return Q(Exists(assigned))


def case_list(
    *,
    user: Any,
    status: str = "",
    unit_code: str = "",
    code: str = "",
    risk: str = "",
    gbv_type: str = "",
    worker: Any = None,
    overdue: bool = False,
) -> QuerySet[Case]:
    qs = Case.objects.for_user(user, "cases.view").select_related(
        "unit", "owning_agency", "survivor"
    )
    if status:
        qs = qs.filter(status=status)
    if unit_code:
        qs = qs.filter(unit__code=unit_code)
    if code:
        qs = qs.filter(code__iexact=code.strip())
    if risk:
        qs = qs.filter(risk_level=risk)
    if gbv_type:
        qs = qs.filter(
            Exists(Incident.objects.unscoped().filter(case=OuterRef("pk"), gbv_type=gbv_type))
        )
    if worker is not None:
        assigned = CaseAssignment.objects.unscoped().filter(
            case=OuterRef("pk"), user_id=worker, is_active=True
        )
        qs = qs.filter(Exists(assigned))
    if overdue:
        late = FollowUp.objects.unscoped().filter(
            case=OuterRef("pk"), done_at__isnull=True, due_on__lt=timezone.localdate()
        )
        qs = qs.filter(Exists(late))
    return qs.order_by("-created_at", "-id")


def case_workers_supervised(user: Any) -> list[tuple[int, str]]:
    """(id, name) of the case workers and supervisors of agencies inside the units the user
    supervises (the choices of the list's 'worker' filter); empty without supervision. One
    query from the memberships, so a province's list stays cheap."""
    prefixes = scoping.grants(user, "cases.supervise")
    if not prefixes:
        return []
    members = Membership.objects.filter(
        is_active=True, user__is_active=True, role__in=["case_worker", "case_supervisor"]
    )
    if scoping.NATIONAL not in prefixes:
        within = Q()
        for prefix in prefixes:
            within |= Q(agency__unit__path__startswith=prefix)
        members = members.filter(within)
    rows = members.values_list("user_id", "user__full_name", "user__username").distinct()
    return sorted(((pk, name or username) for pk, name, username in rows), key=lambda r: r[1])


def case_search_by_identity(*, user: Any, name: str = "", phone: str = "") -> QuerySet[Case]:
    """Cases whose survivor matches a name or phone, through the blind indexes."""
    condition = Q(pk__in=[])
    if name.strip():
        condition |= Q(survivor__name_index=blind_index(name, kind="name"))
    if phone.strip():
        condition |= Q(survivor__phone_index=blind_index(phone, kind="phone"))
    return case_list(user=user).filter(condition)


def case_get_for_user(
    *,
    user: Any,
    code: str,
    request: HttpRequest | None = None,
    for_write: bool = False,
    action: str = "cases.case.viewed",
    reason: str = "",
) -> Case:
    """One case the user may see (404 otherwise), logged as read."""
    permission = "cases.edit" if for_write else "cases.view"
    case = scoping.get_for_user(
        user,
        permission,
        Case.objects.unscoped().select_related("unit", "owning_agency", "survivor"),
        code=code,
    )
    log_case(action, actor=user, case=case, request=request, reason=reason)
    return case


def case_get_for_supervisor(*, user: Any, code: str, request: HttpRequest | None = None) -> Case:
    """A case the user supervises, opened for a supervisor's action (assigning it). Someone
    who may not see it gets 404; someone who sees it but does not supervise its commune, 403 —
    and the refusal undoes the 'opened' log row, so a refused request writes nothing."""
    from django.core.exceptions import PermissionDenied

    with transaction.atomic():
        case = case_get_for_user(user=user, code=code, request=request, action="cases.case.opened")
        if not scoping.has_permission(user, "cases.supervise", case.unit.path):
            raise PermissionDenied
    return case


def case_item_get_for_user(
    *, user: Any, code: str, model: type[models.Model], item_id: int | None, request: HttpRequest
) -> tuple[Case, Any]:
    """A case opened for writing and one of its records (a follow-up, a consent …), in one
    transaction: a 404 on the record undoes the case's 'opened' log row, so a refused request
    writes nothing."""
    with transaction.atomic():
        case = case_get_for_user(
            user=user, code=code, request=request, for_write=True, action="cases.case.opened"
        )
        item = model._default_manager.filter(pk=item_id, case=case).first()
        if item is None:
            raise Http404
    return case, item


@dataclass
class Duplicates:
    visible_codes: list[str]
    hidden_count: int

    @property
    def any(self) -> bool:
        return bool(self.visible_codes or self.hidden_count)


def case_duplicates(*, user: Any, survivor: Survivor, province_path: str) -> Duplicates:
    """Other cases with the same phone, or the same name and birth year, in the province.

    Only the codes the user may see are returned; the others are only counted.
    """
    condition = Q(pk__in=[])
    if survivor.phone_index:
        condition |= Q(survivor__phone_index=survivor.phone_index)
    if survivor.name_index and survivor.birth_year:
        condition |= Q(
            survivor__name_index=survivor.name_index, survivor__birth_year=survivor.birth_year
        )
    matches = (
        Case.objects.unscoped()
        .filter(condition, unit__path__startswith=province_path)
        .exclude(survivor=survivor)
    )
    visible = set(scoping.scoped(user, "cases.view", matches).values_list("code", flat=True))
    total = matches.count()
    return Duplicates(sorted(visible), total - len(visible))


def case_break_glass(*, user: Any, code: str, reason: str, request: HttpRequest | None) -> Case:
    """Emergency read of a case outside need-to-know: supervisors only, with a written reason,
    logged as ``cases.case.break_glass`` for review. Anyone else gets the same 404."""
    if not scoping.grants(user, "cases.supervise"):
        raise Http404
    if len(reason.strip()) < 10:
        raise ValidationError(
            {"reason": _("Hãy ghi rõ lý do (ít nhất 10 ký tự).")}, code="reason_too_short"
        )
    case = (
        Case.objects.unscoped()
        .select_related("unit", "owning_agency", "survivor")
        .filter(code=code)
        .first()
    )
    if case is None:
        raise Http404
    log_case(
        "cases.case.break_glass",
        actor=user,
        case=case,
        request=request,
        reason_detail=reason.strip(),  # encrypted; only the access log's readers see it
    )
    return case
