"""Read helpers of models, inspections and budget lines. They refine a queryset that already
went through ``programme.selectors`` (scoping is never done here)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from gbvms.programme import vocab
from gbvms.programme.models import Expenditure, ModelStatusChange, ProgrammeModel


def _status_then(on: datetime.date) -> Subquery:
    return Subquery(
        ModelStatusChange.objects.filter(model=OuterRef("pk"), on__lte=on)
        .order_by("-on", "-id")
        .values("status")[:1]
    )


def status_on(model: ProgrammeModel, on: datetime.date) -> str | None:
    """The model's status on ``on`` (its latest change on or before it; None before it was
    established)."""
    change = model.status_changes.filter(on__lte=on).order_by("-on", "-id").first()
    return change.status if change else None


def models_running_on(qs: QuerySet[ProgrammeModel], on: datetime.date) -> QuerySet[ProgrammeModel]:
    """Models (not cancelled) that are pilot or active on ``on`` (P03/P04)."""
    return (
        qs.exclude(status="cancelled")
        .annotate(status_then=_status_then(on))
        .filter(status_then__in=sorted(vocab.RUNNING_STATUSES))
    )


def models_for_year(qs: QuerySet[ProgrammeModel], year: int) -> QuerySet[ProgrammeModel]:
    """Models that exist in ``year``: established on or before its end, not dissolved before it
    (the list filter of models; ``record_list(year=)`` only matches the establishment year)."""
    return (
        qs.filter(start__lte=datetime.date(year, 12, 31))
        .annotate(status_before=_status_then(datetime.date(year - 1, 12, 31)))
        .exclude(status_before="dissolved")
    )


def budget_with_spent(qs: QuerySet[Any]) -> QuerySet[Any]:
    """Budget lines annotated with ``spent`` (the sum of their expenditures, VND)."""
    total = (
        Expenditure.objects.filter(budget_line=OuterRef("pk"))
        .order_by()
        .values("budget_line")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return qs.annotate(spent=Coalesce(Subquery(total), Value(0)))


def recommendations_overdue(qs: QuerySet[Any], today: datetime.date) -> QuerySet[Any]:
    """Recommendations not done whose due date has passed."""
    return qs.exclude(status="done").filter(due_date__lt=today)
