"""Protective measures with their legal time limits, perpetrator interventions, and the
child-protection timeline (emergency intervention within 12 h, support plan in 5 working days)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.cases import timecheck
from gbvms.cases.audit import log_case
from gbvms.cases.changes import case_touch
from gbvms.cases.models import (
    Case,
    Decision,
    Intervention,
    MeasureType,
    Perpetrator,
    ProtectiveMeasure,
)
from gbvms.core.workdays import add_working_days

CHILD_AGE = 18
ELDERLY_AGE = 60
CHILD_EMERGENCY_HOURS = 12
CHILD_PLAN_WORKING_DAYS = 5
EXPIRY_WARNING = datetime.timedelta(hours=24)


def age_at(case: Case, when: datetime.datetime | None = None) -> int | None:
    year = case.survivor.birth_year
    if year is None:
        return None
    return (when or case.detected_at).year - year


def in_protected_group(case: Case) -> bool:
    """Children, pregnant women, women raising a child under 36 months, elderly people, people
    with disability or unable to care for themselves (Law 13/2022 Art. 24)."""
    survivor, age = case.survivor, age_at(case)
    return bool(
        (age is not None and (age < CHILD_AGE or age >= ELDERLY_AGE))
        or survivor.pregnant
        or survivor.raising_child_under_36m
        or survivor.disability
        or survivor.unable_to_self_care
    )


@transaction.atomic
def measure_request(
    *, actor: Any, case: Case, type: MeasureType, requester: str = "survivor",
    survivor_consent: bool = True, danger_to_life: bool = False,
    requested_at: datetime.datetime | None = None, request: HttpRequest | None = None,
) -> ProtectiveMeasure:  # fmt: skip
    if type.requires_protected_group_or_danger and not (danger_to_life or in_protected_group(case)):
        message = _("Biện pháp này chỉ áp dụng khi người bị hại thuộc nhóm được bảo vệ hoặc có "
                    "căn cứ nguy hiểm đến sức khỏe, tính mạng.")  # fmt: skip
        raise ValidationError({"type": ValidationError(message, code="not_applicable")})
    if requester == "agency" and not survivor_consent and not danger_to_life:
        raise ValidationError(
            {"survivor_consent": _("Đề nghị của cơ quan, tổ chức cần sự đồng ý của người bị hại "
                                   "hoặc người giám hộ.")},
            code="consent",
        )  # fmt: skip
    requested_at = requested_at or timezone.now()
    timecheck.check_after_detection(case, requested_at, "requested_at")
    measure = ProtectiveMeasure(
        case=case, type=type, requester=requester, survivor_consent=survivor_consent,
        danger_to_life=danger_to_life, requested_at=requested_at,
        recorded_by=actor,
    )  # fmt: skip
    measure.full_clean()
    measure.save()
    case_touch(case)
    log_case(
        "cases.measure.requested",
        actor=actor,
        case=case,
        request=request,
        changes={"type": [None, type.code]},
    )
    return measure


def decision_deadline(measure: ProtectiveMeasure) -> datetime.datetime | None:
    hours = measure.type.decision_hours
    return measure.requested_at + datetime.timedelta(hours=hours) if hours is not None else None


@transaction.atomic
def measure_decide(
    *, actor: Any, measure: ProtectiveMeasure, grant: bool,
    starts_at: datetime.datetime | None = None, ends_at: datetime.datetime | None = None,
    refusal_reason: str = "", request: HttpRequest | None = None,
) -> ProtectiveMeasure:  # fmt: skip
    """Record the decision. A grant with a legal maximum must end within it; a refusal needs
    its written reason."""
    if measure.decision != Decision.PENDING:
        raise ValidationError(_("Đề nghị này đã có quyết định."), code="decided")
    if not grant and len(refusal_reason.strip()) < 5:
        raise ValidationError({"refusal_reason": _("Từ chối phải có lý do bằng văn bản.")})
    if grant and starts_at is not None:
        timecheck.check_after_detection(measure.case, starts_at, "starts_at", future=True)
    limit = measure.type.max_duration_days
    if grant and limit is not None:
        if starts_at is None or ends_at is None:
            raise ValidationError({"ends_at": _("Hãy ghi thời điểm bắt đầu và kết thúc.")})
        if ends_at <= starts_at or ends_at - starts_at > datetime.timedelta(days=limit):
            message = _("Thời hạn tối đa của biện pháp này là %(d)s ngày.") % {"d": limit}
            raise ValidationError({"ends_at": ValidationError(message, code="too_long")})
    measure.decision = Decision.GRANTED if grant else Decision.REFUSED
    measure.decided_at = timezone.now()
    measure.starts_at, measure.ends_at = (starts_at, ends_at) if grant else (None, None)
    measure.refusal_reason = refusal_reason.strip()
    measure.full_clean()
    measure.save()
    case_touch(measure.case)
    log_case(f"cases.measure.{measure.decision}", actor=actor, case=measure.case, request=request,
         changes={"type": [None, measure.type.code]})  # fmt: skip
    return measure


def measure_alerts(measure: ProtectiveMeasure, now: datetime.datetime | None = None) -> list[str]:
    """'decision_overdue' past the legal decision time; 'expiring' within 24 h of the end."""
    now = now or timezone.now()
    alerts = []
    deadline = decision_deadline(measure)
    if measure.decision == Decision.PENDING and deadline is not None and now > deadline:
        alerts.append("decision_overdue")
    granted = measure.decision == Decision.GRANTED and measure.ends_at is not None
    if granted and now <= measure.ends_at <= now + EXPIRY_WARNING:  # type: ignore[operator]
        alerts.append("expiring")
    return alerts


@transaction.atomic
def intervention_record(
    *, actor: Any, case: Case, kind: str, done_on: datetime.date, outcome: str = "",
    perpetrator: Perpetrator | None = None, request: HttpRequest | None = None,
) -> Intervention:  # fmt: skip
    timecheck.check_after_detection(case, done_on, "done_on")
    item = Intervention(case=case, kind=kind, done_on=done_on, outcome=outcome.strip(),
                        perpetrator=perpetrator, recorded_by=actor)  # fmt: skip
    item.full_clean()
    item.save()
    case_touch(case)
    log_case(
        "cases.intervention.recorded",
        actor=actor,
        case=case,
        request=request,
        changes={"kind": [None, kind]},
    )
    return item


@dataclass
class ChildTimeline:
    emergency_due: datetime.datetime | None
    emergency_done: datetime.datetime | None
    plan_due: datetime.datetime
    plan_done: datetime.datetime | None

    def overdue(self, now: datetime.datetime | None = None) -> list[str]:
        now = now or timezone.now()
        late = []
        if self.emergency_due and not self.emergency_done and now > self.emergency_due:
            late.append("emergency")
        if not self.plan_done and now > self.plan_due:
            late.append("plan")
        return late


def child_timeline(case: Case) -> ChildTimeline | None:
    """For a child survivor: emergency intervention within 12 h when at serious risk, and a
    support plan approved within 5 working days (Decree 56/2017)."""
    age = age_at(case)
    if (age is None and not case.reported_child) or (age is not None and age >= CHILD_AGE):
        return None  # a child said so at intake (reported_child) until a birth year is known
    serious = case.immediate_danger or case.risk_level in {"high", "extreme"}
    emergency_due = (
        case.detected_at + datetime.timedelta(hours=CHILD_EMERGENCY_HOURS) if serious else None
    )
    return ChildTimeline(
        emergency_due=emergency_due,
        emergency_done=case.child_emergency_at,
        plan_due=add_working_days(case.detected_at, CHILD_PLAN_WORKING_DAYS),
        plan_done=case.child_plan_approved_at,
    )


@transaction.atomic
def child_step_record(
    *, actor: Any, case: Case, step: str, at: datetime.datetime,
    request: HttpRequest | None = None,
) -> Case:  # fmt: skip
    field = {"emergency": "child_emergency_at", "plan": "child_plan_approved_at"}.get(step)
    if field is None or child_timeline(case) is None:
        raise ValidationError(_("Chỉ áp dụng cho vụ việc trẻ em."), code="not_child")
    timecheck.check_after_detection(case, at, "at")
    Case.objects.unscoped().filter(pk=case.pk).update(**{field: at})
    setattr(case, field, at)
    case_touch(case)
    log_case(
        f"cases.child.{step}",
        actor=actor,
        case=case,
        request=request,
    )
    return case
