"""Transfer of ownership between agencies (the receiving agency must accept)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.cases import services_notify
from gbvms.cases.audit import log_case
from gbvms.cases.changes import case_touch
from gbvms.cases.models import Case, CaseAssignment, CaseTransfer, TransferStatus
from gbvms.cases.services_care import notify
from gbvms.core import scoping
from gbvms.geo.models import AdminUnit, Level
from gbvms.orgs.models import Agency, Membership

RECEIVING_ROLES = ("case_worker", "case_supervisor")


def receivers_of(agency: Agency) -> list[Any]:
    rows = Membership.objects.filter(agency=agency, role__in=RECEIVING_ROLES, is_active=True)
    return [m.user for m in rows.select_related("user") if m.user.is_active]


def province_prefix(path: str) -> str:
    return "/" + path.strip("/").split("/")[0] + "/"


def commune_needed(transfer: CaseTransfer) -> bool:
    """A case moving to another province gets a commune there when it is accepted; the
    receiver chooses it unless their agency is itself a commune's."""
    to_unit = transfer.to_agency.unit
    if transfer.case.unit.path.startswith(province_prefix(to_unit.path)):
        return False
    return to_unit.level != Level.COMMUNE


def _new_commune(transfer: CaseTransfer, commune_code: str) -> AdminUnit | None:
    """The case's commune after acceptance (None: it stays where it is)."""
    to_unit = transfer.to_agency.unit
    if transfer.case.unit.path.startswith(province_prefix(to_unit.path)):
        return None
    if to_unit.level == Level.COMMUNE:
        return to_unit
    commune = (
        AdminUnit.objects.current()
        .filter(level=Level.COMMUNE, code=commune_code.strip(), path__startswith=to_unit.path)
        .first()
    )
    if commune is None:
        raise ValidationError(
            {
                "commune_code": _(
                    "Nhập mã xã, phường nơi người bị bạo lực đang sống, trong "
                    "địa bàn của cơ quan bạn."
                )
            },
            code="commune",
        )
    return commune


def can_receive(user: Any, agency: Agency) -> bool:
    return Membership.objects.filter(
        user=user, agency=agency, role__in=RECEIVING_ROLES, is_active=True
    ).exists()


@transaction.atomic
def transfer_request(
    *, actor: Any, case: Case, to_agency: Agency, reason: str, request: HttpRequest | None = None
) -> CaseTransfer:
    if to_agency.pk == case.owning_agency_id:
        raise ValidationError({"to_agency": _("Vụ việc đã thuộc cơ quan này.")}, code="same")
    if not receivers_of(to_agency):
        raise ValidationError(
            {"to_agency": _("Cơ quan này chưa có cán bộ quản lý trường hợp.")}, code="no_receiver"
        )
    if CaseTransfer.objects.unscoped().filter(case=case, status=TransferStatus.PENDING).exists():
        raise ValidationError(_("Vụ việc đang chờ chuyển giao."), code="pending")
    transfer = CaseTransfer(case=case, from_agency=case.owning_agency, to_agency=to_agency,
                            reason=reason.strip(), requested_by=actor)  # fmt: skip
    transfer.full_clean()
    transfer.save()
    case_touch(case)
    notify(receivers_of(to_agency), "transfer_requested", case)
    log_case(
        "cases.transfer.requested",
        actor=actor,
        case=case,
        request=request,
        changes={"to_agency": [None, to_agency.pk]},
    )
    return transfer


@transaction.atomic
def transfer_decide(
    *, actor: Any, transfer: CaseTransfer, accept: bool, decline_reason: str = "",
    commune_code: str = "", request: HttpRequest | None = None,
) -> CaseTransfer:  # fmt: skip
    """Accept (ownership moves, the accepting user is assigned, old assignments end; a case
    from another province moves to a commune of the receiver's) or decline."""
    if not can_receive(actor, transfer.to_agency):
        raise PermissionDenied
    if not accept and len(decline_reason.strip()) < 5:
        raise ValidationError({"decline_reason": _("Hãy ghi lý do từ chối.")}, code="reason")
    new_commune = _new_commune(transfer, commune_code) if accept else None
    status = TransferStatus.ACCEPTED if accept else TransferStatus.DECLINED
    pending = CaseTransfer.objects.unscoped().filter(pk=transfer.pk, status=TransferStatus.PENDING)
    updated = pending.update(
        status=status, decided_by=actor, decided_at=timezone.now(),
        decline_reason=decline_reason.strip(),
    )  # fmt: skip
    if not updated:
        raise ValidationError(_("Yêu cầu chuyển giao này đã được xử lý."), code="decided")
    transfer.refresh_from_db()
    case = transfer.case
    if accept:
        moved = {"unit": new_commune} if new_commune else {}
        case_touch(case)
        Case.objects.unscoped().filter(pk=case.pk).update(owning_agency=transfer.to_agency, **moved)
        now = timezone.now()  # the old assignments end; the accepting worker has it
        CaseAssignment.objects.unscoped().filter(case=case, is_active=True).update(
            is_active=False, ended_at=now
        )
        CaseAssignment.objects.unscoped().update_or_create(case=case, user=actor, defaults={
            "is_active": True, "assigned_at": now, "assigned_by": actor, "accepted_at": now,
            "ended_at": None,
        })  # fmt: skip
    notify([transfer.requested_by], f"transfer_{status}", case)
    if accept:  # the case arrives in the receiving commune
        arrived = Case.objects.unscoped().select_related("unit").get(pk=case.pk)
        services_notify.case_new(arrived, actor=actor, transferred=True)
    log_case(
        f"cases.transfer.{status}",
        actor=actor,
        case=case,
        request=request,
        changes={"commune": [case.unit.code, new_commune.code]} if new_commune else None,
    )
    return transfer


def _receiving_agencies(user: Any) -> Any:
    return Membership.objects.filter(user=user, role__in=RECEIVING_ROLES, is_active=True).values(
        "agency_id"
    )


def transfer_need_to_know(user: Any, permission: str) -> Q | None:
    """The receiving side of the transfer rule (the sending side is the case's own rule): the
    case workers and supervisors of the agency a case is offered to see the transfer."""
    if permission not in {"cases.view", "cases.edit"} or not scoping.grants(user, permission):
        return None
    return Q(to_agency__in=_receiving_agencies(user))


def transfers_inbox(user: Any) -> Any:
    """Pending transfers to the agencies where the user receives cases."""
    return (
        CaseTransfer.objects.for_user(user, "cases.edit")
        .filter(to_agency__in=_receiving_agencies(user), status=TransferStatus.PENDING)
        .select_related("case", "case__unit", "from_agency")
    )
