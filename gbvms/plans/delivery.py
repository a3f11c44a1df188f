"""What was done for a plan's activities: delivery records linked to them (issue 11).

One aggregate query per record kind, grouped by plan activity, through the programme
selectors so that the user's scope applies (a user without programme.view sees nothing).
"""

from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from gbvms.plans.models import Plan
from gbvms.programme.models import Expenditure
from gbvms.programme.selectors import record_list

KINDS = ("training", "event", "model", "inspection")


def plan_delivery(user: Any, plan: Plan) -> dict[int, dict[str, Any]]:
    """{activity id: {"counts": {kind: n}, "done_this_year": bool, "planned", "spent"}}."""
    year = timezone.localdate().year
    out: dict[int, dict[str, Any]] = {}

    def row(activity_id: int) -> dict[str, Any]:
        return out.setdefault(
            activity_id,
            {"counts": {}, "done_this_year": False, "planned": 0, "spent": 0, "has_budget": False},
        )

    this_year = Q(status="done", start__year__lte=year, end__year__gte=year)
    for kind in KINDS:
        qs = (
            record_list(user=user, kind=kind, status="done")
            .filter(plan_activity__plan=plan)
            .values("plan_activity_id")
            .annotate(n=Count("id"), now=Count("id", filter=this_year))
            .order_by()
        )
        for r in qs:
            entry = row(r["plan_activity_id"])
            entry["counts"][kind] = r["n"]
            entry["done_this_year"] |= r["now"] > 0
    lines = (
        record_list(user=user, kind="budget")
        .filter(plan_activity__plan=plan)
        .exclude(status="cancelled")
    )
    planned = lines.values("plan_activity_id").annotate(total=Sum("amount_allocated")).order_by()
    for r in planned:
        entry = row(r["plan_activity_id"])
        entry["planned"] = r["total"] or 0
        entry["has_budget"] = True
    spent = (
        Expenditure.objects.filter(budget_line__in=lines.values("pk"))
        .values("budget_line__plan_activity_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for r in spent:
        row(r["budget_line__plan_activity_id"])["spent"] = r["total"] or 0
    urls = {kind: _list_url(kind) for kind in KINDS}
    for entry in out.values():
        entry["urls"] = urls
    return out


def _list_url(kind: str) -> str:
    try:
        return reverse(f"programme:{kind}_list")
    except NoReverseMatch:  # the list page is not there (yet): the count is shown without a link
        return ""


def activity_record_counts(user: Any, activity_ids: set[int]) -> dict[int, int]:
    """Records (any status but cancelled) the user may see, linked to each activity."""
    counts: dict[int, int] = {}
    if not activity_ids:
        return counts
    for kind in KINDS:
        qs = (
            record_list(user=user, kind=kind)
            .filter(plan_activity_id__in=activity_ids)
            .exclude(status="cancelled")
            .values("plan_activity_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for r in qs:
            counts[r["plan_activity_id"]] = counts.get(r["plan_activity_id"], 0) + r["n"]
    return counts


def record_new_urls() -> dict[str, str]:
    """The pages where a task's delivery is recorded (empty when not installed)."""
    out = {}
    for kind in ("training", "event"):
        try:
            out[kind] = reverse(f"programme:{kind}_new")
        except NoReverseMatch:
            out[kind] = ""
    return out


def review_requirements(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The importer's training requirements, with the group's label, for the review page."""
    from gbvms.programme.vocab import TargetGroup

    labels = dict(TargetGroup.choices)
    return [
        {**r, "label": labels.get(r.get("target_group"), "")}
        for r in result.get("training_requirements") or []
        if r.get("target_group") in labels
    ]


def agency_programme_calendar(user: Any, agency: Any, since: Any) -> dict[str, list[Any]]:
    """The agency's campaigns (not yet over) and open recommendations' due dates, for users
    who may see the agency's programme records."""
    from gbvms.core import scoping
    from gbvms.programme.models import Recommendation

    if not scoping.has_permission(user, "programme.view", agency.unit.path):
        return {"campaigns": [], "recommendations": []}
    campaigns = list(
        record_list(user=user, kind="campaign")
        .filter(lead_agency=agency, end__gte=since)
        .exclude(status="cancelled")
        .order_by("start")[:20]
    )
    recommendations = list(
        Recommendation.objects.filter(responsible_agency=agency)
        .exclude(status="done")
        .select_related("inspection")
        .order_by("due_date")[:20]
    )
    for c in campaigns:
        c.url = _detail_url("campaign_detail", c.pk)
    for r in recommendations:
        r.url = _detail_url("inspection_detail", r.inspection_id)
    return {"campaigns": campaigns, "recommendations": recommendations}


def _detail_url(name: str, pk: int) -> str:
    try:
        return reverse(f"programme:{name}", args=[pk])
    except NoReverseMatch:
        return ""
