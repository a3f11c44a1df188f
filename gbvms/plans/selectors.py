"""Reads of plans, always scoped: plans.view over the issuing unit, national documents for
everyone who views plans, and the plans that give the user's agencies a task."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from gbvms.core import scoping
from gbvms.orgs.models import Agency, Membership
from gbvms.plans.models import Assignment, CalendarEntry, Plan, Reminder, TaskStatus


def plan_need_to_know(user: Any, permission: str) -> Q | None:
    if permission != "plans.view" or not scoping.grants(user, "plans.view"):
        return None
    mine = Membership.objects.filter(user=user, is_active=True).values("agency_id")
    tasked = Assignment.objects.filter(plan=OuterRef("pk"), agency__in=mine)
    return Q(unit__isnull=True) | Q(Exists(tasked))


def assignment_need_to_know(user: Any, permission: str) -> Q | None:
    """A task (plan assignment) is seen and updated by the members of the assigned agency; the
    unit-subtree grant (plans.view / plans.manage over the agency's unit) is the rule's
    ``unit_path``."""
    if permission not in {"plans.view", "plans.manage"}:
        return None
    mine = Membership.objects.filter(user=user, is_active=True).values("agency_id")
    return Q(agency__in=mine)


def assignment_get_for_user(*, user: Any, pk: int, for_write: bool = False) -> Assignment:
    """One task the user may see (or, ``for_write``, update); 404 otherwise."""
    permission = "plans.manage" if for_write else "plans.view"
    qs = Assignment.objects.select_related("agency", "agency__unit", "plan", "activity")
    return scoping.get_for_user(user, permission, qs, pk=pk)


def plan_list(*, user: Any, q: str = "", status: str = "") -> QuerySet[Plan]:
    qs = scoping.scoped(user, "plans.view", Plan.objects.select_related("unit"))
    if q.strip():
        qs = qs.filter(Q(title__icontains=q.strip()) | Q(document_number__icontains=q.strip()))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def plan_get(*, user: Any, pk: int, for_write: bool = False) -> Plan:
    permission = "plans.manage" if for_write else "plans.view"
    return scoping.get_for_user(user, permission, Plan.objects.select_related("unit"), pk=pk)


def can_manage(user: Any, plan: Plan) -> bool:
    return scoping.has_permission(user, "plans.manage", plan.unit.path if plan.unit else "/")


def my_agencies(user: Any) -> QuerySet[Agency]:
    ids = Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
    return Agency.objects.filter(pk__in=ids.values("agency_id")).order_by("name")


def agency_for_tasks(*, user: Any, pk: int) -> Agency:
    """An agency whose task page the user may open: their own, or one in their plans scope."""
    agency = Agency.objects.select_related("unit").filter(pk=pk).first()
    if agency is None:
        raise PermissionDenied
    member = Membership.objects.filter(user=user, agency=agency, is_active=True).exists()
    if not member and not scoping.has_permission(user, "plans.view", agency.unit.path):
        raise PermissionDenied
    return agency


def agency_tasks(agency: Agency, status: str = "") -> QuerySet[Assignment]:
    qs = Assignment.objects.filter(agency=agency).select_related(
        "plan", "activity", "responsibility"
    )
    today = timezone.localdate()
    if status == "overdue":
        qs = qs.exclude(status=TaskStatus.DONE).filter(due_on__lt=today)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("due_on", "plan_id", "id")


def agency_calendar(agency: Agency, since: datetime.date | None = None) -> QuerySet[CalendarEntry]:
    plans = Assignment.objects.filter(agency=agency).values("plan_id")
    qs = CalendarEntry.objects.filter(plan__in=plans, withdrawn_at__isnull=True)
    qs = qs.select_related("plan")
    return qs.filter(due_on__gte=since) if since else qs


def agency_reminders(agency: Agency) -> QuerySet[Reminder]:
    today = timezone.localdate()
    return (
        Reminder.objects.filter(
            agency=agency,
            remind_on__lte=today,
            entry__due_on__gte=today,
            entry__withdrawn_at__isnull=True,
        )
        .select_related("entry", "entry__plan")
        .order_by("entry__due_on")
    )


@dataclass
class Progress:
    label: str
    total: int
    started: int
    done: int
    overdue: int

    @property
    def done_pct(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def started_pct(self) -> int:
        return round(100 * self.started / self.total) if self.total else 0


def _progress(label: str, statuses: list[str], overdue: int) -> Progress:
    counts = Counter(statuses)
    done = counts[TaskStatus.DONE]
    return Progress(label, len(statuses), done + counts[TaskStatus.IN_PROGRESS], done, overdue)


def plan_progress(plan: Plan) -> dict[str, Any]:
    """Share of activities started and done, per group and per agency; the overdue list. An
    activity's status is its lead agencies' (the furthest along), else its coordinators'."""
    today = timezone.localdate()
    tasks = list(plan.assignments.select_related("agency", "activity"))
    by_activity: dict[int, list[Assignment]] = defaultdict(list)
    for t in tasks:
        if t.activity_id:
            by_activity[t.activity_id].append(t)
    rank = {TaskStatus.NOT_STARTED: 0, TaskStatus.IN_PROGRESS: 1, TaskStatus.DONE: 2}
    activity_status: dict[int, str] = {}
    for activity_id, items in by_activity.items():
        leads = [t for t in items if t.role == "lead"] or items
        activity_status[activity_id] = max((t.status for t in leads), key=lambda s: rank[s])
    groups: dict[str, list[str]] = defaultdict(list)
    group_overdue: Counter[str] = Counter()
    activities = list(plan.activities.prefetch_related("phases"))
    for a in activities:
        status = activity_status.get(a.pk, TaskStatus.NOT_STARTED)
        groups[a.group or "—"].append(status)
        due = a.last_year() or plan.end_year
        if status != TaskStatus.DONE and due and datetime.date(due, 12, 31) < today:
            group_overdue[a.group or "—"] += 1
    agencies: dict[str, list[str]] = defaultdict(list)
    agency_overdue: Counter[str] = Counter()
    for t in tasks:
        agencies[t.agency.name].append(t.status)
        agency_overdue[t.agency.name] += t.is_overdue(today)
    return {
        "activity_status": activity_status,
        "overall": _progress(
            "",
            list(activity_status.values())
            + [TaskStatus.NOT_STARTED] * (len(activities) - len(activity_status)),
            sum(group_overdue.values()),
        ),
        "groups": [_progress(g, s, group_overdue[g]) for g, s in groups.items()],
        "agencies": sorted(
            (_progress(a, s, agency_overdue[a]) for a, s in agencies.items()), key=lambda p: p.label
        ),
        "overdue": [t for t in tasks if t.is_overdue(today)],
    }


def next_deadline(plan: Plan) -> CalendarEntry | None:
    return plan.calendar.filter(due_on__gte=timezone.localdate(), withdrawn_at__isnull=True).first()
