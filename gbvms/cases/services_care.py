"""Writes for the care of a case: risk, safety plan, needs, services, follow-ups, closure."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.cases import timecheck
from gbvms.cases.audit import log_case
from gbvms.cases.changes import case_touch
from gbvms.cases.models import (
    Case,
    FollowUp,
    Need,
    NeedStatus,
    RiskAssessment,
    RiskFactor,
    RiskThreshold,
    SafetyPlan,
    ServiceRecord,
    Status,
)
from gbvms.core import scoping
from gbvms.indicators import outbox
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
    """Bump the case version (refusing a closed case; with ``expected_version``, a stale
    edit): the one case-change door, ``changes.case_touch``."""
    case_touch(case, expected_version=expected_version)


def score_risk(answers: dict[str, bool | None]) -> tuple[int, str]:
    """Score the checklist (data) into a level; any critical factor means at least 'high'.

    An answer is True (yes), False (no) or None / missing (not asked, unknown). "No" to some
    factors is not "low risk" while others are unknown: the level is then '' (not assessed)."""
    factors = {f.code: f for f in RiskFactor.objects.filter(is_active=True)}
    unknown = set(answers) - set(factors)
    if unknown:
        raise ValidationError({"answers": _("Yếu tố rủi ro không hợp lệ.")}, code="unknown_factor")
    yes = [factors[c] for c, v in answers.items() if v is True]
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
    if level == "low" and risk_unanswered(answers, factors):
        level = ""  # some factors unknown: low is not established
    return score, level


def risk_unanswered(answers: dict[str, bool | None], factors: Any = None) -> list[str]:
    """The active factors without a yes or no."""
    codes = factors or RiskFactor.objects.filter(is_active=True).values_list("code", flat=True)
    return [code for code in codes if answers.get(code) not in (True, False)]


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


def notify(users: list[Any], kind: str, case: Case, *, urgent: bool = False) -> int:
    """Notices with the case code only (no identifying data): in-app now, e-mail and SMS
    after commit, per the users' preferences (``services_notify.deliver``)."""
    from gbvms.cases.services_notify import deliver

    return deliver(users, kind, case_code=case.code, urgent=urgent)


@transaction.atomic
def risk_assess(
    *, actor: Any, case: Case, answers: dict[str, bool | None],
    request: HttpRequest | None = None,
) -> RiskAssessment:  # fmt: skip
    """Store a checklist. An empty one (nothing answered yes or no) is refused: it would read
    as 'low risk'. With unknown factors and no risk found, the level stays '' (not assessed)."""
    answers = {code: value for code, value in answers.items() if value is not None}
    if not answers:
        raise ValidationError(
            _("Chưa trả lời câu hỏi nào (có hoặc không): chưa thể đánh giá mức rủi ro."),
            code="empty_checklist",
        )
    score, level = score_risk(answers)
    assessment = RiskAssessment.objects.create(
        case=case, answers=answers, score=score, level=level, assessed_by=actor
    )
    Case.objects.unscoped().filter(pk=case.pk).update(risk_level=level)
    case.risk_level = level
    _touch(case)
    _log("cases.risk.assessed", actor, case, request, level=level, score=score)
    if level in SAFETY_PLAN_LEVELS:
        notify(case_supervisors(case), f"risk_{level}", case)
    return assessment


def safety_plan_required(case: Case) -> bool:
    return (
        case.risk_level in SAFETY_PLAN_LEVELS
        and not SafetyPlan.objects.unscoped().filter(case=case).exists()
    )


@transaction.atomic
def safety_plan_save(
    *, actor: Any, case: Case, request: HttpRequest | None = None, **fields: str
) -> SafetyPlan:
    plan = SafetyPlan.objects.unscoped().filter(case=case).first() or SafetyPlan(case=case)
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
    need = Need.objects.unscoped().filter(case=case, kind=kind).first() or Need(
        case=case, kind=kind
    )
    need.status, need.note = status, note
    need.full_clean()
    need.save()
    _touch(case)
    _log("cases.need.set", actor, case, request, kind=kind, status=status)
    return need


def service_provider_agencies(case: Case) -> QuerySet[Agency]:
    """The agencies that may be recorded as having given a service on the case: active ones in
    the case's province, and those running an active provider that serves the case's commune
    (a national hotline, say)."""
    from gbvms.referrals.services_directory import providers_serving

    province = "/".join(case.unit.path.split("/")[:2]) + "/"
    serving = {p.agency_id for p in providers_serving(case.unit)}
    return Agency.objects.filter(is_active=True).filter(
        Q(unit__path__startswith=province) | Q(pk__in=serving)
    )


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
    """Record a service; the first one sets ``first_support_at`` and makes the case active.
    The provider is an agency of the case's province or one that runs a provider serving the
    case's commune (``service_provider_agencies``), whichever door the service comes through."""
    if not service_provider_agencies(case).filter(pk=provider.pk).exists():
        raise ValidationError(
            {"provider": _("Cơ quan này không cung cấp dịch vụ ở địa bàn của vụ việc.")},
            code="provider_out_of_area",
        )
    timecheck.check_after_detection(case, delivered_at, "delivered_at")
    record = ServiceRecord(case=case, kind=kind, delivered_at=delivered_at, provider=provider,
                           outcome=outcome, recorded_by=actor)  # fmt: skip
    record.full_clean()
    record.save()
    from gbvms.programme.aggregates import runs_social_assistance

    if runs_social_assistance(provider.pk):  # a public facility serving counts for P08
        outbox.mark_programme_agencies(provider.pk, years=[timezone.localtime(delivered_at).year])
    first = case.services.order_by("delivered_at").values_list("delivered_at", flat=True)[0]
    Case.objects.unscoped().filter(pk=case.pk).update(first_support_at=first)
    Case.objects.unscoped().filter(pk=case.pk, status=Status.OPEN).update(status=Status.ACTIVE)
    Need.objects.unscoped().filter(case=case, kind=kind, status="planned").update(status="provided")
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
    timecheck.check_after_detection(case, due_on, "due_on", future=True)
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
    done = (
        FollowUp.objects.unscoped()
        .filter(pk=follow_up.pk, done_at__isnull=True)
        .update(done_at=timezone.now())
    )
    if not done:
        raise ValidationError(_("Lần theo dõi này đã hoàn thành."), code="already_done")
    follow_up.refresh_from_db()
    _touch(follow_up.case)
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


# Closure reasons that explain why no service was delivered ("service_or_reason").
NO_SERVICE_REASONS = {"survivor_request", "moved_away", "transferred", "no_contact", "deceased"}


def _unclassified(case: Case, reason: str) -> bool:
    return not case.incidents.exclude(gbv_type="").exists()


def _unserved(case: Case, reason: str) -> bool:
    """No service delivered and no recorded reason for none (a declined need, the closure
    reason)."""
    if reason in NO_SERVICE_REASONS or case.services.exists():
        return False
    return not case.needs.filter(status=NeedStatus.DECLINED).exists()


CLOSURE_CHECKS = {
    "classified": (_unclassified, _("Chưa phân loại vụ việc (loại bạo lực)."), "not_classified"),
    "service_or_reason": (
        _unserved,
        _("Chưa ghi nhận dịch vụ nào, cũng chưa có lý do (người bị hại từ chối, không liên lạc "
          "được…)."),
        "no_service",
    ),
}  # fmt: skip


def closure_missing(case: Case, reason: str = "") -> list[ValidationError]:
    """What GBVMS_CASE_CLOSURE_CHECKLIST still misses for closing ``case`` with ``reason``."""
    missing = []
    for item in settings.CASE_CLOSURE_CHECKLIST:
        if item not in CLOSURE_CHECKS:
            raise ImproperlyConfigured(f"GBVMS_CASE_CLOSURE_CHECKLIST: unknown item {item!r}")
        check, message, code = CLOSURE_CHECKS[item]
        if check(case, reason):
            missing.append(ValidationError(message, code=code))
    return missing


def _check_closure(case: Case, reason: str, explanation: str) -> None:
    if reason == "other" and len(explanation.strip()) < 5:
        raise ValidationError(
            {"explanation": ValidationError(_("Lý do khác: hãy ghi rõ lý do đóng vụ việc."),
                                            code="explanation_required")}
        )  # fmt: skip
    missing = closure_missing(case, reason)
    if missing:
        raise ValidationError(missing)


@transaction.atomic
def case_close(
    *, actor: Any, case: Case, reason: str, version: int, explanation: str = "",
    request: HttpRequest | None = None,
) -> Case:  # fmt: skip
    """Close a case. With GBVMS_CASE_CLOSURE_NEEDS_SUPERVISOR, only a supervisor may close;
    GBVMS_CASE_CLOSURE_CHECKLIST says what the case needs first; "other" needs an explanation
    (kept only encrypted, in the access log)."""
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
    _check_closure(case, reason, explanation)
    _touch(case, expected_version=version)
    closed_at = timezone.now()
    Case.objects.unscoped().filter(pk=case.pk).update(
        status=Status.CLOSED, closed_at=closed_at, closure_reason=reason
    )
    case.status, case.closed_at, case.closure_reason = Status.CLOSED, closed_at, reason
    log_case(
        "cases.case.closed",
        actor=actor,
        case=case,
        request=request,
        reason=reason,  # a code of CLOSURE_REASONS
        reason_detail=explanation.strip()[:500] if reason == "other" else "",
        changes={"reason": [None, reason]},
    )
    from gbvms.referrals.access import access_end_for_case

    access_end_for_case(case=case, actor=actor, request=request)  # providers lose access
    return case


@transaction.atomic
def case_reopen(*, actor: Any, case: Case, reason: str, request: HttpRequest | None = None) -> Case:
    if case.status != Status.CLOSED:
        raise ValidationError(_("Chỉ mở lại được vụ việc đã đóng."), code="not_closed")
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Hãy ghi lý do mở lại.")}, code="reason")
    case_touch(case, reopening=True)  # the one change a closed case accepts
    closed = Case.objects.unscoped().filter(pk=case.pk, status=Status.CLOSED)
    if not closed.update(status=Status.REOPENED):
        raise ValidationError(_("Chỉ mở lại được vụ việc đã đóng."), code="not_closed")
    case.status = Status.REOPENED
    log_case(
        "cases.case.reopened",
        actor=actor,
        case=case,
        request=request,
        reason_detail=reason[:500],  # the only record of it: encrypted
    )
    return case
