"""Writes of inspections (đoàn kiểm tra): the inspection, its findings and recommendations.

Same rules as ``services``. A case verification may link the case it verifies: the caller
resolves the case through ``cases.selectors.case_get_for_user`` (so only a user who may see it
links it); the inspection never copies anything from the case. A recommendation is updated by
the inspection's recorders or by the responsible agency's recorders. The indicator keys of an
inspection cover its period and the years its recommendations are due or were closed (P06).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency
from gbvms.programme.models import Finding, Inspection, Recommendation
from gbvms.programme.selectors import recording_agencies
from gbvms.programme.services import (
    MAX_YEAR,
    MIN_YEAR,
    SOURCE,
    check_actor,
    check_codes,
    common,
    invalid,
    log,
    mark,
    may_record,
    record_keys,
    save_new,
)

UNCHANGED: Any = object()  # ``case`` not given: keep the link (a user who cannot see it edits)


def inspection_keys(inspection: Inspection) -> set[tuple[str, str, int]]:
    if inspection.pk is None:
        return set()
    keys = record_keys(inspection)
    for due, closed in inspection.recommendations.values_list("due_date", "closed_on"):
        keys |= {(SOURCE, inspection.unit.path, d.year) for d in (due, closed) if d}
    return keys


def _check_day(field: str, value: datetime.date) -> None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise invalid(field, _("Năm phải trong khoảng 2000–2100."), "bad_year")


def _entities(values: Iterable[str]) -> list[str]:
    clean = []
    for value in values:
        if not isinstance(value, str) or not value.strip() or len(value) > 300:
            raise invalid(
                "inspected_entities",
                _("Mỗi đối tượng được kiểm tra cần có tên (tối đa 300 ký tự)."),
                "bad_entity",
            )
        clean.append(value.strip())
    return list(dict.fromkeys(clean))


def _case_for(record: Inspection, kind: str, case: Any) -> Any:
    if case is UNCHANGED:
        return record.case if kind == "case_verification" else None
    if case is not None and kind != "case_verification":
        raise invalid(
            "case", _("Chỉ đoàn xác minh vụ việc mới gắn với vụ việc."), "case_not_allowed"
        )
    return case


@transaction.atomic
def inspection_save(*, actor: Any, inspection: Inspection | None = None, kind: str, title: str,
                    unit: AdminUnit, lead_agency: Agency, start: datetime.date,
                    end: datetime.date, decision: str = "",
                    member_agencies: Iterable[Agency] = (),
                    inspected_entities: Iterable[str] = (), topics: str = "",
                    case: Any = UNCHANGED, plan_activity: Any = None, status: str = "done",
                    note: str = "", request: HttpRequest | None = None) -> Inspection:  # fmt: skip
    """Create (``inspection=None``) or update an inspection. ``case`` (kind case_verification
    only) must come from ``case_get_for_user``; left out, an existing link is kept."""
    record = inspection or Inspection()
    before = inspection_keys(record)
    common(actor=actor, record=record, title=title, unit=unit, lead_agency=lead_agency,
           start=start, end=end, plan_activity=plan_activity, status=status, note=note)  # fmt: skip
    check_codes("kind", [kind], "inspection_kind")
    record.case = _case_for(record, kind, case)
    if record.pk and record.recommendations.filter(due_date__lt=start).exists():
        raise invalid("start", _("Có kiến nghị có hạn trước ngày bắt đầu mới."), "due_before_start")
    record.kind, record.decision, record.topics = kind, decision.strip(), topics.strip()
    record.inspected_entities = _entities(inspected_entities)
    record.full_clean(exclude=["code"] if not record.code else None)
    created = record.pk is None
    save_new(record, "inspection") if created else record.save()
    record.member_agencies.set(list(member_agencies))
    mark(before, inspection_keys(record))
    log("inspection.created" if created else "inspection.updated", actor=actor, record=record,
        request=request, changes={"case_linked": record.case_id is not None})  # fmt: skip
    return record


def _open(inspection: Inspection) -> None:
    if inspection.status == "cancelled":
        raise invalid("inspection", _("Đoàn kiểm tra đã bị hủy."), "cancelled")


@transaction.atomic
def finding_add(*, actor: Any, inspection: Inspection, text: str, severity: str = "medium",
                violation_type: str = "", legal_basis: str = "", handled_count: int = 0,
                request: HttpRequest | None = None) -> Finding:  # fmt: skip
    """Add a finding to an inspection."""
    check_actor(actor, inspection.lead_agency, inspection.unit)
    _open(inspection)
    if not text.strip():
        raise invalid("text", _("Nhập nội dung phát hiện."), "required")
    check_codes("severity", [severity], "severity")
    if violation_type:
        check_codes("violation_type", [violation_type], "violation_type")
    if handled_count < 0:
        raise invalid("handled_count", _("Số vụ không được âm."), "negative")
    finding = Finding(
        inspection=inspection, text=text.strip(), severity=severity,
        violation_type=violation_type, legal_basis=legal_basis.strip(),
        handled_count=handled_count,
    )  # fmt: skip
    finding.full_clean()
    finding.save()
    log("inspection.finding_added", actor=actor, record=inspection, request=request,
        changes={"finding": finding.pk, "severity": severity})  # fmt: skip
    return finding


@transaction.atomic
def recommendation_add(*, actor: Any, inspection: Inspection, text: str,
                       responsible_agency: Agency, due_date: datetime.date,
                       finding: Finding | None = None,
                       request: HttpRequest | None = None) -> Recommendation:  # fmt: skip
    """Add a recommendation for ``responsible_agency`` (an active agency of the inspected unit,
    of a unit within it or above it), due on or after the inspection's start."""
    check_actor(actor, inspection.lead_agency, inspection.unit)
    _open(inspection)
    if not text.strip():
        raise invalid("text", _("Nhập nội dung kiến nghị."), "required")
    if finding is not None and finding.inspection_id != inspection.pk:
        raise invalid(
            "finding", _("Không tìm thấy phát hiện của đoàn kiểm tra."), "finding_unknown"
        )
    place, agency_path = inspection.unit.path, responsible_agency.unit.path
    if not responsible_agency.is_active or not (
        agency_path.startswith(place) or place.startswith(agency_path)
    ):
        raise invalid(
            "responsible_agency",
            _("Cơ quan thực hiện không thuộc địa bàn được kiểm tra."),
            "agency_outside",
        )
    _check_day("due_date", due_date)
    if due_date < inspection.start:
        raise invalid(
            "due_date", _("Hạn khắc phục trước ngày bắt đầu kiểm tra."), "due_before_start"
        )
    recommendation = Recommendation(
        inspection=inspection, finding=finding, text=text.strip(),
        responsible_agency=responsible_agency, due_date=due_date,
    )  # fmt: skip
    recommendation.full_clean()
    recommendation.save()
    mark({(SOURCE, inspection.unit.path, due_date.year)})
    log("inspection.recommendation_added", actor=actor, record=inspection, request=request,
        changes={"recommendation": recommendation.pk,
                 "due_date": due_date.isoformat()})  # fmt: skip
    return recommendation


def may_update_recommendation(user: Any, recommendation: Recommendation) -> bool:
    """The inspection's recorders, or the responsible agency's members with programme.record."""
    inspection = recommendation.inspection
    if may_record(user, inspection.lead_agency, inspection.unit):
        return True
    return recording_agencies(user).filter(pk=recommendation.responsible_agency_id).exists()


def _rec_keys(recommendation: Recommendation) -> set[tuple[str, str, int]]:
    path = recommendation.inspection.unit.path
    days = (recommendation.due_date, recommendation.closed_on)
    return {(SOURCE, path, d.year) for d in days if d}


@transaction.atomic
def recommendation_update(*, actor: Any, recommendation: Recommendation, status: str,
                          closed_on: datetime.date | None = None, follow_up: str = "",
                          request: HttpRequest | None = None) -> Recommendation:  # fmt: skip
    """Set a recommendation's status. ``done`` needs a closing day (today when not given), not
    before the inspection's start; another status clears it. An empty ``follow_up`` keeps the
    text already recorded."""
    if not may_update_recommendation(actor, recommendation):
        raise PermissionDenied(_("Bạn không ghi nhận kết quả cho cơ quan này."))
    check_codes("status", [status], "recommendation_status")
    inspection = recommendation.inspection
    before, old = _rec_keys(recommendation), recommendation.status
    if status == "done":
        closed_on = closed_on or timezone.localdate()
        _check_day("closed_on", closed_on)
        if closed_on < inspection.start:
            raise invalid(
                "closed_on", _("Ngày khắc phục trước ngày bắt đầu kiểm tra."), "closed_before_start"
            )
        if closed_on > timezone.localdate():
            raise invalid(
                "closed_on", _("Ngày khắc phục xong không được sau hôm nay."), "closed_in_future"
            )
    else:
        closed_on = None
    recommendation.status, recommendation.closed_on = status, closed_on
    if follow_up.strip():
        recommendation.follow_up = follow_up.strip()
    recommendation.full_clean()
    recommendation.save()
    mark(before, _rec_keys(recommendation))
    log("inspection.recommendation_updated", actor=actor, record=inspection, request=request,
        changes={"recommendation": recommendation.pk, "status": [old, status]})  # fmt: skip
    return recommendation
