"""Read functions over the delivery records for the programme indicators P01–P09 (REPORTING
§A.4): counts and sums per unit path, nation-wide, for a date window. The indicators app
(``gbvms.indicators.programme``) reads programme records only through these.

Common rules: only records with status "done" count (planned records are not delivery,
cancelled ones never happened); a record counts in the unit it is placed in (a commune, or a
province for province-level delivery); dates are inclusive. No person is in these records, so
nothing here is a count of persons that would need small-cell suppression: participants are
counts typed in by the recording agency.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from gbvms.geo.models import AdminUnit
from gbvms.programme import vocab
from gbvms.programme.models import (
    BudgetLine,
    Event,
    Expenditure,
    ModelStatusChange,
    ProgrammeModel,
    Recommendation,
    TrainingParticipation,
    TrainingRequirement,
)

DONE = "done"
# plan statuses whose training requirements bind the years they cover (a closed plan still
# bound the years it ran)
BINDING_PLAN_STATUSES = ("in_force", "closed")
# public social-assistance facilities (P08): social work centres and shelters of a public
# agency (not an NGO's or an enterprise's)
SOCIAL_ASSISTANCE_TYPES = ("social_work_centre", "shelter")
NOT_PUBLIC_AGENCY_KINDS = ("ngo", "enterprise")
SEX_OPTION = {"female": "F", "male": "M", "other": "X"}


def province_of(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return f"/{parts[0]}/" if parts else "/"


def current_units(level: str) -> list[str]:
    """Paths of the current units of ``level`` ("commune" or "province")."""
    return list(
        AdminUnit.objects.current()
        .filter(level=level)
        .order_by("path")
        .values_list("path", flat=True)
    )


def _trainings(start: datetime.date, end: datetime.date, prefix: str = "") -> Any:
    qs = TrainingParticipation.objects.filter(
        event__kind="training", event__status=DONE, event__start__gte=start,
        event__start__lte=end, count__gt=0,
    )  # fmt: skip
    if prefix:
        qs = qs.filter(event__unit__path__startswith=prefix)
    return qs


# ------------------------------------------------------------------------------ P01, P02, P09


def _plan_binds(plan: Any, year: int) -> bool:
    years = plan.years()
    return year in years if years else plan.status == "in_force"


def required_pairs(year: int) -> set[tuple[str, str]]:
    """P01's R: the (unit path, target group) pairs that plans binding ``year`` require to be
    trained. Level commune: every current commune within the requirement's scope (else the
    plan's unit, else the nation); level province: the scope's province (every current province
    for a national scope)."""
    reqs = TrainingRequirement.objects.filter(
        plan__status__in=BINDING_PLAN_STATUSES
    ).select_related("plan__unit", "unit_scope")
    communes = provinces = None
    pairs: set[tuple[str, str]] = set()
    for req in reqs:
        if req.target_group == "other" or not _plan_binds(req.plan, year):
            continue
        scope = req.unit_scope or req.plan.unit
        path = scope.path if scope else "/"
        if req.level == "province":
            if path == "/":
                provinces = provinces if provinces is not None else current_units("province")
                units = provinces
            else:
                units = [province_of(path)]
        else:
            communes = communes if communes is not None else current_units("commune")
            units = [c for c in communes if c.startswith(path)]
        pairs |= {(unit, req.target_group) for unit in units}
    return pairs


def trained_pairs(start: datetime.date, end: datetime.date) -> set[tuple[str, str]]:
    """(unit path, group) pairs with ≥ 1 done training started in the window, placed in that
    unit, with participants of the group."""
    rows = _trainings(start, end).values_list("event__unit__path", "group").distinct()
    return set(rows)


def participants(start: datetime.date, end: datetime.date) -> dict[tuple[str, str, str, str], int]:
    """P02: person-times trained, by (unit path, sex option F/M/X, target group, level)."""
    rows = (
        _trainings(start, end)
        .values("event__unit__path", "sex", "group", "event__training__level")
        .annotate(n=Sum("count"))
        .order_by()
    )
    out: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for row in rows:
        key = (row["event__unit__path"], SEX_OPTION.get(row["sex"], "X"), row["group"],
               row["event__training__level"] or "commune")  # fmt: skip
        out[key] += row["n"] or 0
    return dict(out)


def dv_workers_trained(start: datetime.date, end: datetime.date) -> dict[str, int]:
    """P09: participants of the DV-worker groups (``vocab.DV_WORKER_GROUPS``) trained, by unit.
    Trainings record counts, not persons: someone trained twice counts twice."""
    rows = (
        _trainings(start, end)
        .filter(group__in=sorted(vocab.DV_WORKER_GROUPS))
        .values("event__unit__path")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return {row["event__unit__path"]: row["n"] or 0 for row in rows}


# ------------------------------------------------------------------------------ P03, P04


def running_models(on: datetime.date, prefix: str = "") -> dict[tuple[str, str], int]:
    """P03: models running (pilot or active) on ``on``, by (unit path, kind): the last status
    change dated on or before that day; without one, the model's status, if it was
    established by then."""
    qs = ProgrammeModel.objects.filter(status=DONE, start__lte=on)
    if prefix:
        qs = qs.filter(unit__path__startswith=prefix)
    models = list(qs.values_list("pk", "unit__path", "kind", "model_status"))
    latest: dict[int, str] = {}
    changes = ModelStatusChange.objects.filter(
        on__lte=on, model__status=DONE, model__start__lte=on
    ).order_by("model_id", "on", "id")
    for model_id, status in changes.values_list("model_id", "status"):
        latest[model_id] = status
    out: dict[tuple[str, str], int] = defaultdict(int)
    for pk, path, kind, status in models:
        if latest.get(pk, status) in vocab.RUNNING_STATUSES:
            out[(path, kind)] += 1
    return dict(out)


# ------------------------------------------------------------------------------ P05


def communication_events(start: datetime.date, end: datetime.date) -> dict[tuple[str, str], int]:
    """P05: done communication events (every kind but training and model meeting) started in
    the window, by (unit path, event kind)."""
    rows = (
        Event.objects.filter(status=DONE, start__gte=start, start__lte=end)
        .exclude(kind__in=["training", "model_meeting"])
        .values("unit__path", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["unit__path"], row["kind"]): row["n"] for row in rows}


# ------------------------------------------------------------------------------ P06


def recommendations(start: datetime.date, end: datetime.date) -> dict[str, tuple[int, int]]:
    """P06: (done, due) recommendations of done inspections, by the inspection's unit: due =
    due date in the window; done = of those, marked done with a closing date by the window's
    end."""
    rows = (
        Recommendation.objects.filter(
            inspection__status=DONE, due_date__gte=start, due_date__lte=end
        )
        .values("inspection__unit__path")
        .annotate(
            due=Count("pk"),
            done=Count("pk", filter=Q(status="done", closed_on__isnull=False, closed_on__lte=end)),
        )
        .order_by()
    )
    return {row["inspection__unit__path"]: (row["done"], row["due"]) for row in rows}


# ------------------------------------------------------------------------------ P07


def budget(
    year: int, start: datetime.date, end: datetime.date, prefix: str = ""
) -> dict[tuple[str, str], tuple[int, int]]:
    """P07: (spent, allocated) VND by (the budget line's unit path, funding source): allocated
    = the amounts allocated to the done budget lines of fiscal ``year``; spent = their
    expenditures dated in the window (a half-year's spending is measured against the whole
    year's allocation)."""
    out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    lines = BudgetLine.objects.filter(status=DONE, fiscal_year=year)
    if prefix:
        lines = lines.filter(unit__path__startswith=prefix)
    allocated = lines.values("unit__path", "funding_source").annotate(a=Sum("amount_allocated"))
    for row in allocated.order_by():
        out[(row["unit__path"], row["funding_source"])][1] += row["a"] or 0
    spent = (
        Expenditure.objects.filter(budget_line__in=lines, date__gte=start, date__lte=end)
        .values("budget_line__unit__path", "budget_line__funding_source")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    for row in spent:
        out[(row["budget_line__unit__path"], row["budget_line__funding_source"])][0] += (
            row["s"] or 0
        )
    return {key: (s, a) for key, (s, a) in out.items()}


# ------------------------------------------------------------------------------ P08


def _social_assistance() -> Any:
    from gbvms.referrals.models import ServiceProvider

    return ServiceProvider.objects.filter(type__in=SOCIAL_ASSISTANCE_TYPES, is_active=True).exclude(
        agency__kind__in=NOT_PUBLIC_AGENCY_KINDS
    )


def runs_social_assistance(agency_id: int) -> bool:
    """Whether the agency runs a public social-assistance facility (a P08 unit)."""
    return _social_assistance().filter(agency_id=agency_id).exists()


def social_assistance_providers(
    start: datetime.date, end: datetime.date
) -> dict[str, tuple[int, int]]:
    """P08: (with GBV services, all) active public social-assistance providers of the service
    directory, by their agency's unit. "With GBV services": the directory lists at least one
    service for it, or its agency recorded a service to a case in the window. The directory
    keeps no history: every period reads its current state."""
    from gbvms.cases.models import ServiceRecord

    providers = list(
        _social_assistance().values_list("agency_id", "agency__unit__path", "services")
    )
    if not providers:
        return {}
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min,
                                      tzinfo=tz)  # fmt: skip
    # counts only: which agencies delivered a service in the window, no case is read
    delivering = set(
        ServiceRecord.internal_objects.filter(
            provider_id__in={a for a, _p, _s in providers}, delivered_at__gte=since,
            delivered_at__lt=until,
        ).values_list("provider_id", flat=True).distinct()
    )  # fmt: skip
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for agency_id, path, services in providers:
        out[path][1] += 1
        if services or agency_id in delivering:
            out[path][0] += 1
    return {path: (n, d) for path, (n, d) in out.items()}


# ------------------------------------------------------------------------------ years


def years_with_records(today: datetime.date | None = None) -> list[int]:
    """The years the programme indicators have inputs for (what a full rebuild computes): years
    of done events, recommendations due or closed, budget lines and their expenditures, the
    years a plan's training requirements bind, every year from a model's establishment to this
    year, and for P08 this year (the directory has no history) and the years the public
    social-assistance facilities delivered a service."""
    from gbvms.cases.models import ServiceRecord

    this = (today or timezone.localdate()).year
    years: set[int] = set()
    years |= {d.year for d in Event.objects.filter(status=DONE).dates("start", "year")}
    recs = Recommendation.objects.filter(inspection__status=DONE)
    years |= {d.year for d in recs.dates("due_date", "year")}
    years |= {d.year for d in recs.exclude(closed_on=None).dates("closed_on", "year")}
    years |= set(BudgetLine.objects.filter(status=DONE).values_list("fiscal_year", flat=True))
    spent = Expenditure.objects.filter(budget_line__status=DONE)
    years |= {d.year for d in spent.dates("date", "year")}
    first = ProgrammeModel.objects.filter(status=DONE).aggregate(m=Min("start"))["m"]
    if first is not None:
        years |= set(range(first.year, max(first.year, this) + 1))
    facilities = _social_assistance()
    if facilities.exists():
        years.add(this)
        served = ServiceRecord.internal_objects.filter(
            provider_id__in=facilities.values("agency_id")
        )
        years |= {d.year for d in served.dates("delivered_at", "year")}
    reqs = TrainingRequirement.objects.filter(plan__status__in=BINDING_PLAN_STATUSES)
    for req in reqs.select_related("plan"):
        years |= set(req.plan.years())
    return sorted(y for y in years if 2000 <= y <= this + 1)
