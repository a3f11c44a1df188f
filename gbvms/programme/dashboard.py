"""Aggregates of the delivery records for the programme dashboard: counts and sums only (no
persons are in these records, so nothing here needs small-cell suppression).

Every function takes the path of the unit in view (``"/"`` for the nation) and a year; only
done records count (planned ones are not delivery, cancelled ones never happened). The figures
that are also indicators (P01, P03, P04, P07) read through ``programme.aggregates``, the
indicator engine's own reads, so the dashboard and the indicator cannot disagree."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from gbvms.geo.models import AdminUnit
from gbvms.programme import aggregates, vocab
from gbvms.programme.models import (
    BudgetLine,
    Event,
    ProgrammeModel,
    Recommendation,
    TrainingParticipation,
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


def _year_window(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _status_day(year: int) -> datetime.date:
    """The day a status is read on for ``year``: its last day, or today while it runs."""
    return min(datetime.date(year, 12, 31), timezone.localdate())


def _prefix(path: str) -> str:
    return "" if path == "/" else path


def training_coverage(path: str, year: int) -> list[CoverageRow]:
    """P01 commune by commune, from the same reads as the indicator
    (``aggregates.required_pairs`` and ``trained_pairs``): for each current commune in view,
    the target groups the plans binding ``year`` require, and those trained that year."""
    required: dict[str, set[str]] = defaultdict(set)
    for unit_path, group in aggregates.required_pairs(year):
        if unit_path.count("/") > 2 and unit_path.startswith(_prefix(path)):
            required[unit_path].add(group)
    if not required:
        return []
    trained: dict[str, set[str]] = defaultdict(set)
    for unit_path, group in aggregates.trained_pairs(*_year_window(year)):
        trained[unit_path].add(group)
    units = AdminUnit.objects.current().filter(path__in=sorted(required)).order_by("search_name")
    return [CoverageRow(u, sorted(required[u.path]), trained.get(u.path, set())) for u in units]


def models_by_kind(path: str, year: int) -> list[dict[str, Any]]:
    """Models by kind (P03): running (pilot or active) at the end of ``year`` (today while it
    runs), and the others recorded as done (suspended, dissolved, not yet established)."""
    running: dict[str, int] = defaultdict(int)
    for (_unit, kind), n in aggregates.running_models(_status_day(year), _prefix(path)).items():
        running[kind] += n
    totals = (
        ProgrammeModel.objects.filter(_within(path), status="done")
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [
        {"kind": row["kind"], "label": vocab.label("model_kind", row["kind"]),
         "running": running.get(row["kind"], 0),
         "stopped": row["n"] - running.get(row["kind"], 0)}
        for row in totals
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (-r["running"], r["label"]))


def communes_with_models(path: str, year: int) -> tuple[int, int]:
    """(communes with a running model, current communes) in view (P04)."""
    communes = AdminUnit.objects.current().filter(level="commune")
    if path != "/":
        communes = communes.filter(path__startswith=path)
    running = aggregates.running_models(_status_day(year), _prefix(path))
    with_model = {unit for unit, _kind in running if unit.count("/") > 2}
    return len(with_model), communes.count()


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
    """Budget execution by funding source (P07, from ``aggregates.budget``: done lines of the
    fiscal year), with the estimates of the lines not cancelled (planned ones included)."""
    rows: dict[str, dict[str, Any]] = {}

    def row(source: str) -> dict[str, Any]:
        return rows.setdefault(source, {
            "source": source, "label": vocab.label("funding_source", source),
            "allocated": 0, "estimated": 0, "spent": 0,
        })  # fmt: skip

    for (_unit, source), (spent, allocated) in aggregates.budget(
        year, *_year_window(year), _prefix(path)
    ).items():
        row(source)["spent"] += spent
        row(source)["allocated"] += allocated
    estimates = (
        BudgetLine.objects.filter(_within(path), fiscal_year=year)
        .exclude(status="cancelled")
        .values("funding_source")
        .annotate(e=Sum("amount_estimated"))
        .order_by()
    )
    for estimate in estimates:
        if estimate["e"]:
            row(estimate["funding_source"])["estimated"] += estimate["e"]
    for item in rows.values():
        item["rate"] = (
            round(100 * item["spent"] / item["allocated"], 1) if item["allocated"] else None
        )
    return sorted(rows.values(), key=lambda r: (-r["allocated"], r["label"]))
