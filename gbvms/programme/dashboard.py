"""Aggregates of the delivery records for the programme dashboard: counts and sums only (no
persons are in these records, so nothing here needs small-cell suppression).

Every function takes the path of the unit in view (``"/"`` for the nation) and a year; only
done records count (planned ones are not delivery, cancelled ones never happened)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from gbvms.geo.models import AdminUnit
from gbvms.programme import vocab
from gbvms.programme.models import (
    BudgetLine,
    Event,
    Expenditure,
    ProgrammeModel,
    Recommendation,
    TrainingParticipation,
    TrainingRequirement,
)

NOT_TRAINING = ~Q(kind__in=["training", "model_meeting"])


def _within(path: str, lookup: str = "unit__path") -> Q:
    return Q() if path == "/" else Q(**{f"{lookup}__startswith": path})


def _events(path: str, year: int) -> Any:
    return Event.objects.filter(_within(path), status="done", start__year=year)


def by_agency(path: str, year: int) -> list[dict[str, Any]]:
    """Communication events, trainings and participants by lead agency."""
    rows = (
        _events(path, year)
        .values("lead_agency__name")
        .annotate(events=Count("pk", filter=NOT_TRAINING),
                  trainings=Count("pk", filter=Q(kind="training")),
                  participants=Sum("participants_total"))
        .order_by("-participants", "lead_agency__name")
    )  # fmt: skip
    return list(rows[:50])


def by_activity_group(path: str, year: int) -> list[dict[str, Any]]:
    """Done records by the group of the plan activity they implement (none: outside a plan)."""
    rows = (
        _events(path, year)
        .values("plan_activity__group")
        .annotate(records=Count("pk"), participants=Sum("participants_total"))
        .order_by("-records")
    )
    return list(rows[:30])


@dataclass
class GroupRow:
    code: str
    label: str
    trainings: int = 0
    female: int = 0
    male: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.female + self.male + self.other


def trainings_by_group(path: str, year: int) -> list[GroupRow]:
    rows = {g: GroupRow(g, vocab.label("target_group", g)) for g in vocab.TargetGroup.values}
    parts = TrainingParticipation.objects.filter(
        _within(path, "event__unit__path"), event__status="done", event__start__year=year
    )
    for row in parts.values("group", "sex").annotate(n=Sum("count")):
        setattr(rows[row["group"]], row["sex"], row["n"] or 0)
    for row in parts.values("group").annotate(k=Count("event", distinct=True)):
        rows[row["group"]].trainings = row["k"]
    return [r for r in rows.values() if r.trainings or r.code != "other"]


@dataclass
class CoverageRow:
    unit: AdminUnit
    required: list[str] = field(default_factory=list)
    trained: set[str] = field(default_factory=set)

    @property
    def met(self) -> bool:
        return set(self.required) <= self.trained

    @property
    def covered(self) -> int:
        return len(set(self.required) & self.trained)

    def cells(self) -> list[tuple[str, bool | None]]:
        return [(g, (g in self.trained) if g in self.required else None)
                for g in vocab.TargetGroup.values if g != "other"]  # fmt: skip


def training_coverage(path: str, year: int) -> list[CoverageRow]:
    """P01 unit by unit: for each current commune in view, the target groups a plan in force
    requires to be trained that year, and those that were (a done training in the commune with
    participants of the group)."""
    communes = AdminUnit.objects.current().filter(level="commune")
    if path != "/":
        communes = communes.filter(path__startswith=path)
    plans_year = Q(plan__start_year__lte=year) | Q(plan__start_year__isnull=True)
    plans_year &= Q(plan__end_year__gte=year) | Q(plan__end_year__isnull=True)
    reqs = list(
        TrainingRequirement.objects.filter(plans_year, level="commune")
        .exclude(plan__status="draft")
        .values("target_group", "unit_scope__path", "plan__unit__path")
    )
    if not reqs:
        return []
    trained: dict[int, set[str]] = defaultdict(set)
    parts = TrainingParticipation.objects.filter(
        _within(path, "event__unit__path"), event__status="done", event__start__year=year,
        event__kind="training", count__gt=0,
    ).values_list("event__unit_id", "group")  # fmt: skip
    for unit_id, group in parts.distinct():
        trained[unit_id].add(group)
    rows = []
    for unit in communes.order_by("search_name"):
        required = sorted({r["target_group"] for r in reqs
                           if unit.path.startswith(r["unit_scope__path"] or r["plan__unit__path"]
                                                   or "/")})  # fmt: skip
        if required:
            rows.append(CoverageRow(unit, required, trained.get(unit.pk, set())))
    return rows


def models_by_kind(path: str) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    qs = ProgrammeModel.objects.filter(_within(path)).exclude(status="cancelled")
    for row in qs.values("kind", "model_status").annotate(n=Count("pk")):
        item = rows.setdefault(row["kind"], {"kind": row["kind"],
                                             "label": vocab.label("model_kind", row["kind"]),
                                             "running": 0, "stopped": 0})  # fmt: skip
        key = "running" if row["model_status"] in vocab.RUNNING_STATUSES else "stopped"
        item[key] += row["n"]
    return sorted(rows.values(), key=lambda r: -r["running"])


def communes_with_models(path: str) -> tuple[int, int]:
    """(communes with a running model, current communes) in view."""
    communes = AdminUnit.objects.current().filter(level="commune")
    if path != "/":
        communes = communes.filter(path__startswith=path)
    running = (
        ProgrammeModel.objects.filter(_within(path), unit__level="commune",
                                      model_status__in=vocab.RUNNING_STATUSES)
        .exclude(status="cancelled").values("unit_id").distinct().count()
    )  # fmt: skip
    return running, communes.count()


def recommendations(path: str) -> dict[str, Any]:
    today = timezone.localdate()
    qs = Recommendation.objects.filter(_within(path, "inspection__unit__path")).exclude(
        inspection__status="cancelled"
    )
    counts = qs.aggregate(
        open=Count("pk", filter=~Q(status="done")),
        overdue=Count("pk", filter=~Q(status="done") & Q(due_date__lt=today)),
        done=Count("pk", filter=Q(status="done")),
    )
    overdue = (
        qs.exclude(status="done")
        .filter(due_date__lt=today)
        .select_related("responsible_agency", "inspection")
        .order_by("due_date")[:20]
    )
    return {**counts, "overdue_items": list(overdue)}


def budget_by_source(path: str, year: int) -> list[dict[str, Any]]:
    lines = BudgetLine.objects.filter(_within(path), fiscal_year=year).exclude(status="cancelled")
    rows = {
        r["funding_source"]: {"source": r["funding_source"],
                              "label": vocab.label("funding_source", r["funding_source"]),
                              "allocated": r["allocated"] or 0, "estimated": r["estimated"] or 0,
                              "spent": 0}
        for r in lines.values("funding_source").annotate(allocated=Sum("amount_allocated"),
                                                         estimated=Sum("amount_estimated"))
    }  # fmt: skip
    spent = (
        Expenditure.objects.filter(budget_line__in=lines)
        .values("budget_line__funding_source")
        .annotate(total=Sum("amount"))
    )
    for row in spent:
        rows[row["budget_line__funding_source"]]["spent"] = row["total"] or 0
    for row in rows.values():
        row["rate"] = round(100 * row["spent"] / row["allocated"], 1) if row["allocated"] else None
    return sorted(rows.values(), key=lambda r: -r["allocated"])
