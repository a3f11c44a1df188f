"""Work queues of the home page, per role: what needs the user now.

Every list starts from the scoping kernel (``Case.objects.for_user`` or the user's grants) and
is computed in a few SQL queries: flags and counts are annotations, names come through joins or
subqueries. Rows carry case codes and workers' names, never a survivor's identity.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as Choose
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.cases.models import (
    Case,
    CaseAssignment,
    ClosureRequest,
    ClosureStatus,
    FollowUp,
    Incident,
    RiskAssessment,
    Status,
)
from gbvms.core import scoping
from gbvms.orgs.models import Membership

LIMIT = 20
DANGER_RISKS = ("extreme", "high")
ANSWERED_DAYS = 14  # a referral answered within this many days still asks for a look
RETURNED_DAYS = 60

REASONS = {
    "unclassified": _("Chưa phân loại"),
    "no_risk": _("Chưa đánh giá rủi ro"),
    "follow_up_overdue": _("Theo dõi quá hạn"),
    "follow_up_due": _("Theo dõi đến hạn hôm nay"),
    "referral_answered": _("Chuyển gửi đã có phản hồi"),
    "closure_returned": _("Đề nghị đóng bị trả lại"),
}


@dataclass
class Queue:
    """The first rows of a queue and how many there are in all."""

    rows: list[Any] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)


def _queue(qs: QuerySet[Any], limit: int = LIMIT) -> Queue:
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return Queue(rows, len(rows))
    return Queue(rows[:limit], qs.count())


def _not_closed() -> Q:
    return ~Q(status=Status.CLOSED)


def _taken() -> Exists:
    """Someone has taken the case on (an accepted, active assignment)."""
    return Exists(
        CaseAssignment.objects.unscoped().filter(
            case=OuterRef("pk"), is_active=True, accepted_at__isnull=False
        )
    )


def _worker_name() -> Subquery:
    """The name of the worker on the case (the latest accepted active assignment)."""
    rows = (
        CaseAssignment.objects.unscoped()
        .filter(case=OuterRef("pk"), is_active=True)
        .order_by(F("accepted_at").desc(nulls_last=True), "-id")
    )
    return Subquery(rows.values("user__full_name")[:1])


# ---------------------------------------------------------------------------- case workers


def _worker_commune_cases(user: Any) -> Q | None:
    """Cases of the communes where the user is a case worker of the owning agency (through
    the user's cases.edit grants): the communes whose new, untaken cases they may pick up."""
    prefixes = scoping.grants(user, "cases.edit")
    agencies = list(
        Membership.objects.filter(
            user=user, role="case_worker", is_active=True, agency__is_active=True
        ).values_list("agency_id", flat=True)
    )
    if not prefixes or not agencies:
        return None
    within = Q()
    for prefix in prefixes:
        if prefix != scoping.NATIONAL:
            within |= Q(unit__path__startswith=prefix)
    return within & Q(owning_agency_id__in=agencies)


def worker_new(user: Any) -> Queue:
    """New cases of the worker's commune that nobody has taken on yet: offered to them at
    intake, or left without anyone. Code, time, channel and danger only."""
    offered = CaseAssignment.objects.unscoped().filter(
        case=OuterRef("pk"), user=user, is_active=True, accepted_at__isnull=True
    )
    anyone = CaseAssignment.objects.unscoped().filter(case=OuterRef("pk"), is_active=True)
    commune = _worker_commune_cases(user)
    condition = Q(Exists(offered))
    if commune is not None:
        condition |= commune & ~Q(Exists(anyone))
    qs = (
        Case.objects.unscoped()
        .filter(condition, _not_closed())
        .exclude(_taken())
        .select_related("unit")
        .only("code", "created_at", "channel", "immediate_danger", "status", "unit__name")
        .order_by("-immediate_danger", "-created_at", "-id")
    )
    return _queue(qs)


def worker_needing_action(user: Any, today: datetime.date | None = None) -> Queue:
    """The worker's own open cases with something to do, the reasons as flags (one query)."""
    today = today or timezone.localdate()
    from gbvms.referrals.models import Referral

    since = timezone.now() - datetime.timedelta(days=ANSWERED_DAYS)
    mine = CaseAssignment.objects.unscoped().filter(
        case=OuterRef("pk"), user=user, is_active=True, accepted_at__isnull=False
    )
    open_follow_ups = FollowUp.objects.unscoped().filter(case=OuterRef("pk"), done_at__isnull=True)
    answered = Referral.objects.unscoped().filter(
        Q(accepted_at__gte=since) | Q(declined_at__gte=since) | Q(completed_at__gte=since),
        case=OuterRef("pk"),
    )
    returned = ClosureRequest.objects.unscoped().filter(
        case=OuterRef("pk"),
        status=ClosureStatus.RETURNED,
        decided_at__gte=timezone.now() - datetime.timedelta(days=RETURNED_DAYS),
    )
    pending = ClosureRequest.objects.unscoped().filter(
        case=OuterRef("pk"), status=ClosureStatus.PENDING
    )
    classified = Incident.objects.unscoped().filter(case=OuterRef("pk")).exclude(gbv_type="")
    assessed = RiskAssessment.objects.unscoped().filter(case=OuterRef("pk"))
    qs = (
        Case.objects.for_user(user, "cases.view")
        .filter(Exists(mine), _not_closed())
        .annotate(
            unclassified=~Exists(classified),
            no_risk=~Exists(assessed),
            follow_up_overdue=Exists(open_follow_ups.filter(due_on__lt=today)),
            follow_up_due=Exists(open_follow_ups.filter(due_on=today)),
            referral_answered=Exists(answered),
            closure_returned=Exists(returned) & ~Exists(pending),
        )
        .filter(
            Q(unclassified=True)
            | Q(no_risk=True)
            | Q(follow_up_overdue=True)
            | Q(follow_up_due=True)
            | Q(referral_answered=True)
            | Q(closure_returned=True)
        )
        .select_related("unit")
        .order_by("-immediate_danger", "-follow_up_overdue", "-created_at", "-id")
    )
    queue = _queue(qs)
    for case in queue.rows:
        case.reasons = [label for key, label in REASONS.items() if getattr(case, key)]
    return queue


# ----------------------------------------------------------------------------- supervisors


def _supervised(user: Any) -> QuerySet[Case]:
    """Every case of the units the user supervises (the kernel's subtree grant)."""
    return Case.objects.for_user(user, "cases.supervise")


def supervisor_danger(user: Any) -> Queue:
    """Open cases in immediate danger or at high or extreme risk, the worst first."""
    qs = (
        _supervised(user)
        .filter(_not_closed())
        .filter(Q(immediate_danger=True) | Q(risk_level__in=DANGER_RISKS))
        .annotate(
            worker=_worker_name(),
            rank=Choose(
                When(risk_level="extreme", then=2), When(risk_level="high", then=1), default=0
            ),
        )
        .select_related("unit")
        .order_by("-immediate_danger", "-rank", "-created_at", "-id")
    )
    return _queue(qs, 10)


def supervisor_unassigned(user: Any) -> Queue:
    """Open cases nobody has taken on (offered to the commune, or without anyone)."""
    qs = (
        _supervised(user)
        .filter(_not_closed())
        .exclude(_taken())
        .select_related("unit", "owning_agency")
        .order_by("-immediate_danger", "created_at", "id")
    )
    return _queue(qs)


def supervisor_closures(user: Any) -> Queue:
    """Closure requests waiting for a decision, oldest first."""
    qs = (
        ClosureRequest.objects.for_user(user, "cases.supervise")
        .filter(status=ClosureStatus.PENDING)
        .exclude(case__status=Status.CLOSED)  # closed meanwhile from the case page
        .select_related("case", "case__unit", "requested_by")
        .order_by("requested_at", "id")
    )
    from gbvms.cases.services_care import CLOSURE_REASONS

    queue = _queue(qs)
    for item in queue.rows:
        item.reason_label = CLOSURE_REASONS.get(item.reason, item.reason)
    return queue


def supervisor_overdue(user: Any, today: datetime.date | None = None) -> Queue:
    """Overdue follow-ups with the case's worker, days overdue and risk (one query)."""
    today = today or timezone.localdate()
    worker = (
        CaseAssignment.objects.unscoped()
        .filter(case=OuterRef("case"), is_active=True)
        .order_by(F("accepted_at").desc(nulls_last=True), "-id")
        .values("user__full_name")[:1]
    )
    qs = (
        FollowUp.objects.for_user(user, "cases.supervise")
        .filter(done_at__isnull=True, due_on__lt=today, case__status__in=_open_statuses())
        .annotate(worker=Subquery(worker))
        .select_related("case", "case__unit")
        .only("due_on", "case__code", "case__risk_level", "case__unit__name", "case__status")
        .order_by("due_on", "id")
    )
    queue = _queue(qs)
    for item in queue.rows:
        item.days_overdue = (today - item.due_on).days
    return queue


def _open_statuses() -> list[str]:
    return [s for s in Status.values if s != Status.CLOSED]


@dataclass
class ReferralTimeliness:
    waiting: int
    overdue: int
    answered_in_time: int
    answered: int

    @property
    def share_in_time(self) -> int | None:
        return round(100 * self.answered_in_time / self.answered) if self.answered else None


def supervisor_referrals(user: Any) -> ReferralTimeliness:
    """Referrals of the supervised cases: waiting, overdue, answered within the deadline
    (one aggregate query)."""
    from gbvms.referrals.models import Referral

    now = timezone.now()
    answered = Q(accepted_at__isnull=False) | Q(declined_at__isnull=False)
    in_time = Q(accepted_at__lte=F("respond_by")) | Q(declined_at__lte=F("respond_by"))
    counts = Referral.objects.for_user(user, "cases.supervise").aggregate(
        waiting=Count("pk", filter=Q(status="sent")),
        overdue=Count("pk", filter=Q(status="sent", respond_by__lt=now)),
        answered=Count("pk", filter=answered),
        answered_in_time=Count("pk", filter=in_time),
    )
    return ReferralTimeliness(**counts)


BREAK_GLASS_DAYS = 30


def supervisor_break_glass(user: Any) -> int:
    """Emergency reads of the supervised cases in the last 30 days (one count, for review)."""
    from gbvms.core.models import AccessLog

    since = timezone.now() - datetime.timedelta(days=BREAK_GLASS_DAYS)
    codes = _supervised(user).values("code")
    return (
        AccessLog.objects.unscoped()
        .filter(action="cases.case.break_glass", at__gte=since, object_id__in=codes)
        .count()
    )


@dataclass
class Caseload:
    user_id: int
    name: str
    username: str
    open_cases: int = 0
    high_risk: int = 0
    overdue: int = 0


def caseload(user: Any, today: datetime.date | None = None) -> list[Caseload]:
    """Each case worker of the supervised units: open cases, high-risk ones, overdue follow-ups
    (two grouped queries over the supervised cases, one over the memberships)."""
    today = today or timezone.localdate()
    prefixes = scoping.grants(user, "cases.supervise")
    if not prefixes:
        return []
    members = Membership.objects.filter(
        role="case_worker", is_active=True, user__is_active=True, agency__is_active=True
    )
    if scoping.NATIONAL not in prefixes:
        within = Q()
        for prefix in prefixes:
            within |= Q(agency__unit__path__startswith=prefix)
        members = members.filter(within)
    rows: dict[int, Caseload] = {}
    for pk, name, username in members.values_list(
        "user_id", "user__full_name", "user__username"
    ).distinct():
        rows[pk] = Caseload(pk, name or username, username)
    supervised = _supervised(user).filter(_not_closed()).values("pk")
    assignments = CaseAssignment.objects.unscoped().filter(
        case__in=supervised, is_active=True, user_id__in=list(rows)
    )
    counted = assignments.values("user_id").annotate(
        n=Count("case_id", distinct=True),
        high=Count("case_id", distinct=True, filter=Q(case__risk_level__in=DANGER_RISKS)),
    )
    for row in counted:
        rows[row["user_id"]].open_cases = row["n"]
        rows[row["user_id"]].high_risk = row["high"]
    late = FollowUp.objects.unscoped().filter(
        case=OuterRef("case_id"), done_at__isnull=True, due_on__lt=today
    )
    overdue = assignments.filter(Exists(late)).values("user_id").annotate(n=Count("case_id"))
    for row in overdue:
        rows[row["user_id"]].overdue = row["n"]
    return sorted(rows.values(), key=lambda r: (-r.overdue, -r.open_cases, r.name))


# ------------------------------------------------------------------------ hotline, providers


def hotline_today(user: Any) -> list[dict[str, Any]]:
    """The operator's own intakes of today: code, time, danger and whether a case worker has
    taken them on. Only these columns are read (never the survivor)."""
    if not scoping.has_permission(user, "cases.intake"):
        return []
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return list(
        Case.objects.unscoped()
        .filter(created_by=user, created_at__gte=start)
        .annotate(picked_up=_taken(), unit_name=F("unit__name"))
        .values("code", "created_at", "immediate_danger", "picked_up", "unit_name")
        .order_by("-created_at", "-id")[:50]
    )


@dataclass
class HelpWaiting:
    new: int
    danger: list[Any]


def help_waiting(user: Any) -> HelpWaiting | None:
    """New public help requests in the user's commune inbox, those marked 'in danger right
    now' listed first (a tracking code and a commune, never the description)."""
    from gbvms.referrals import selectors as referral_selectors

    if not scoping.has_permission(user, "cases.intake"):
        return None
    rows = list(
        referral_selectors.help_inbox(user, "new")
        .only("pk", "tracking_code", "answers", "created_at", "commune__name", "agency__name")
        .order_by("-created_at")[:200]
    )
    return HelpWaiting(len(rows), [r for r in rows if "danger_now" in (r.answers or [])][:10])


def pickable_get(user: Any, code: str) -> Case:
    """A case the worker may pick up (in their new-cases queue), or 404."""
    from django.http import Http404

    offered = CaseAssignment.objects.unscoped().filter(
        case=OuterRef("pk"), user=user, is_active=True
    )
    anyone = CaseAssignment.objects.unscoped().filter(case=OuterRef("pk"), is_active=True)
    condition = Q(Exists(offered))
    commune = _worker_commune_cases(user)
    if commune is not None:
        condition |= commune & ~Q(Exists(anyone))
    found = (
        Case.objects.unscoped()
        .select_related("unit", "owning_agency")
        .filter(condition, code=(code or "")[:20])
    )
    case = found.first()
    if case is None:
        raise Http404
    return case


def closure_get_for_user(user: Any, pk: int) -> ClosureRequest:
    """A closure request of a case the user supervises, or 404."""
    from django.http import Http404

    item = (
        ClosureRequest.objects.for_user(user, "cases.supervise")
        .select_related("case", "case__unit", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    return item


def provider_inbox(user: Any) -> Queue:
    """Referrals waiting for the provider's answer, the most urgent deadline first."""
    from gbvms.referrals import selectors as referral_selectors

    qs = referral_selectors.inbox(user, "sent").order_by("respond_by", "id")
    return _queue(qs)


# ------------------------------------------------------------------------------- the home page

DASHBOARD_ROLES = frozenset({"statistician", "programme_officer", "viewer", "reporting_officer"})


def home_context(user: Any, roles: set[str]) -> dict[str, Any]:
    """The queues of the home page for the user's roles (a user with several roles sees each
    of their queues); the other roles get their dashboard's link."""
    context: dict[str, Any] = {}
    if roles & {"case_worker", "case_supervisor"}:
        context["help"] = help_waiting(user)
    if "case_worker" in roles:
        context["worker"] = {"new": worker_new(user), "action": worker_needing_action(user)}
    if "case_supervisor" in roles:
        context["supervisor"] = {
            "danger": supervisor_danger(user),
            "unassigned": supervisor_unassigned(user),
            "closures": supervisor_closures(user),
            "overdue": supervisor_overdue(user),
            "referrals": supervisor_referrals(user),
            "break_glass": supervisor_break_glass(user),
        }
    if "hotline_operator" in roles:
        context["hotline"] = {"today": hotline_today(user)}
    if "provider_staff" in roles:
        context["provider"] = {"inbox": provider_inbox(user)}
    context["dashboard"] = bool(roles & DASHBOARD_ROLES)
    return context
