"""Writes for the care of a case: risk, safety plan, needs, services, follow-ups, closure."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.cases.audit import log_case
from gbvms.cases.models import (
    Case,
    FollowUp,
    Need,
    Notification,
    RiskAssessment,
    RiskFactor,
    RiskThreshold,
    SafetyPlan,
    ServiceRecord,
    Status,
)
from gbvms.core import scoping
from gbvms.orgs.models import Agency, Membership

SAFETY_PLAN_LEVELS = {"high", "extreme"}


def _log(action: str, actor: Any, case: Case, request: HttpRequest | None, **changes: Any) -> None:
    log_case(
        action,
        actor=actor,
        case=case,
        request=request,
        changes={k: [None, v] for k, v in changes.items()},
    )


def _touch(case: Case, expected_version: int | None = None) -> None:
    """Bump the case version; with ``expected_version``, refuse a stale edit."""
    qs = Case.objects.filter(pk=case.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    if not qs.update(version=F("version") + 1, updated_at=timezone.now()):
        raise ValidationError(
            _("Vụ việc vừa được người khác cập nhật. Hãy tải lại trang để xem thay đổi."),
            code="stale",
        )
    case.refresh_from_db(fields=["version", "updated_at"])


def score_risk(answers: dict[str, bool]) -> tuple[int, str]:
    """Score the checklist (data) into a level; any critical factor means at least 'high'."""
    factors = {f.code: f for f in RiskFactor.objects.filter(is_active=True)}
    unknown = set(answers) - set(factors)
    if unknown:
        raise ValidationError({"answers": _("Yếu tố rủi ro không hợp lệ.")}, code="unknown_factor")
    yes = [factors[c] for c, v in answers.items() if v]
    score = sum(f.weight for f in yes)
    level = "low"
    for threshold in RiskThreshold.objects.order_by("min_score"):
        if score >= threshold.min_score:
            level = threshold.level
    order = ["low", "medium", "high", "extreme"]
    criticals = sum(1 for f in yes if f.critical)
    if criticals >= 2:
        level = "extreme"
    elif criticals == 1 and order.index(level) < order.index("high"):
        level = "high"
    return score, level


def case_supervisors(case: Case) -> list[Any]:
    rows = Membership.objects.filter(
        role="case_supervisor", is_active=True, agency__is_active=True
    ).select_related("scope_unit", "user")
    return [
        m.user
        for m in rows
        if m.user.is_active
        and case.unit.path.startswith(m.scope_unit.path if m.scope_unit else "/")
    ]


def notify(users: list[Any], kind: str, case: Case) -> int:
    """In-app notices with the case code only (no identifying data)."""
    unique = {u.pk: u for u in users}.values()
    Notification.objects.bulk_create(
        [Notification(user=u, kind=kind, case_code=case.code) for u in unique]
    )
    return len(unique)


@transaction.atomic
def risk_assess(
    *, actor: Any, case: Case, answers: dict[str, bool], request: HttpRequest | None = None
) -> RiskAssessment:
    score, level = score_risk(answers)
    assessment = RiskAssessment.objects.create(
        case=case, answers=answers, score=score, level=level, assessed_by=actor
    )
    Case.objects.filter(pk=case.pk).update(risk_level=level)
    case.risk_level = level
    _touch(case)
    _log("cases.risk.assessed", actor, case, request, level=level, score=score)
    if level in SAFETY_PLAN_LEVELS:
        notify(case_supervisors(case), f"risk_{level}", case)
    return assessment


def safety_plan_required(case: Case) -> bool:
    return (
        case.risk_level in SAFETY_PLAN_LEVELS and not SafetyPlan.objects.filter(case=case).exists()
    )


@transaction.atomic
def safety_plan_save(
    *, actor: Any, case: Case, request: HttpRequest | None = None, **fields: str
) -> SafetyPlan:
    plan = SafetyPlan.objects.filter(case=case).first() or SafetyPlan(case=case)
    for name, value in fields.items():
        setattr(plan, name, value.strip())
    plan.updated_by = actor
    plan.full_clean()
    plan.save()
    _touch(case)
    _log("cases.safety_plan.saved", actor, case, request)  # content never logged
    return plan


@transaction.atomic
def need_set(
    *, actor: Any, case: Case, kind: str, status: str, note: str = "",
    request: HttpRequest | None = None,
) -> Need:  # fmt: skip
    need = Need.objects.filter(case=case, kind=kind).first() or Need(case=case, kind=kind)
    need.status, need.note = status, note
    need.full_clean()
    need.save()
    _touch(case)
    _log("cases.need.set", actor, case, request, kind=kind, status=status)
    return need


@transaction.atomic
def service_record(
    *,
    actor: Any,
    case: Case,
    kind: str,
    delivered_at: datetime.datetime,
    provider: Agency,
    outcome: str = "",
    request: HttpRequest | None = None,
) -> ServiceRecord:
    """Record a service; the first one sets ``first_support_at`` and makes the case active."""
    if delivered_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"delivered_at": _("Thời điểm cung cấp không thể ở tương lai.")})
    if delivered_at < case.detected_at - datetime.timedelta(days=366):
        raise ValidationError({"delivered_at": _("Thời điểm cung cấp quá xa trước khi phát hiện.")})
    record = ServiceRecord(case=case, kind=kind, delivered_at=delivered_at, provider=provider,
                           outcome=outcome, recorded_by=actor)  # fmt: skip
    record.full_clean()
    record.save()
    first = case.services.order_by("delivered_at").values_list("delivered_at", flat=True)[0]
    Case.objects.filter(pk=case.pk).update(first_support_at=first)
    Case.objects.filter(pk=case.pk, status=Status.OPEN).update(status=Status.ACTIVE)
    Need.objects.filter(case=case, kind=kind, status="planned").update(status="provided")
    case.refresh_from_db(fields=["first_support_at", "status"])
    _touch(case)
    _log("cases.service.recorded", actor, case, request, kind=kind)
    return record


def supported_in_time(case: Case) -> bool | None:
    """First support within GBVMS_SUPPORT_IN_TIME_HOURS of detection (None: not yet)."""
    if case.first_support_at is None:
        return None
    limit = datetime.timedelta(hours=settings.SUPPORT_IN_TIME_HOURS)
    return case.first_support_at - case.detected_at <= limit


@transaction.atomic
def follow_up_add(
    *, actor: Any, case: Case, due_on: datetime.date, note: str = "",
    request: HttpRequest | None = None,
) -> FollowUp:  # fmt: skip
    if due_on < timezone.localdate(case.detected_at):
        raise ValidationError({"due_on": _("Hạn theo dõi không thể trước ngày phát hiện.")})
    follow_up = FollowUp(case=case, due_on=due_on, note=note, created_by=actor)
    follow_up.full_clean()
    follow_up.save()
    _touch(case)
    _log("cases.follow_up.added", actor, case, request, due_on=due_on.isoformat())
    return follow_up


@transaction.atomic
def follow_up_done(
    *, actor: Any, follow_up: FollowUp, request: HttpRequest | None = None
) -> FollowUp:
    done = FollowUp.objects.filter(pk=follow_up.pk, done_at__isnull=True).update(
        done_at=timezone.now()
    )
    if not done:
        raise ValidationError(_("Lần theo dõi này đã hoàn thành."), code="already_done")
    follow_up.refresh_from_db()
    _log("cases.follow_up.done", actor, follow_up.case, request)
    return follow_up


CLOSURE_REASONS = {
    "needs_met": _("Nhu cầu đã được đáp ứng"),
    "survivor_request": _("Theo yêu cầu của người bị hại"),
    "moved_away": _("Người bị hại chuyển đi nơi khác"),
    "transferred": _("Đã chuyển cơ quan khác quản lý"),
    "no_contact": _("Không liên lạc được"),
    "deceased": _("Người bị hại đã mất"),
    "other": _("Lý do khác"),
}


@transaction.atomic
def case_close(
    *, actor: Any, case: Case, reason: str, version: int, request: HttpRequest | None = None
) -> Case:
    """Close a case. With GBVMS_CASE_CLOSURE_NEEDS_SUPERVISOR, only a supervisor may close."""
    if reason not in CLOSURE_REASONS:
        raise ValidationError({"reason": _("Hãy chọn lý do đóng vụ việc.")}, code="reason")
    if settings.CASE_CLOSURE_NEEDS_SUPERVISOR and not scoping.has_permission(
        actor, "cases.supervise", case.unit.path
    ):
        raise ValidationError(_("Cần người giám sát duyệt đóng vụ việc."), code="needs_supervisor")
    if case.status == Status.CLOSED:
        raise ValidationError(_("Vụ việc đã đóng."), code="already_closed")
    open_follow_ups = case.follow_ups.filter(done_at__isnull=True).count()
    if open_follow_ups and reason == "needs_met":
        raise ValidationError(_("Còn lần theo dõi chưa hoàn thành."), code="open_follow_ups")
    _touch(case, expected_version=version)
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    case.status = Status.CLOSED
    _log("cases.case.closed", actor, case, request, reason=reason)
    return case


@transaction.atomic
def case_reopen(*, actor: Any, case: Case, reason: str, request: HttpRequest | None = None) -> Case:
    if case.status != Status.CLOSED:
        raise ValidationError(_("Chỉ mở lại được vụ việc đã đóng."), code="not_closed")
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Hãy ghi lý do mở lại.")}, code="reason")
    Case.objects.filter(pk=case.pk).update(status=Status.REOPENED)
    case.status = Status.REOPENED
    _touch(case)
    log_case("cases.case.reopened", actor=actor, case=case, request=request, reason=reason[:500])
    return case
