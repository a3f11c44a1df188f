"""The programme view of the dashboard: what was delivered in the unit in view and the year —
activities by agency and plan group, trainings by target group and the P01 coverage commune by
commune, models by kind, open recommendations, budget execution by source. Counts and sums of
delivery records only (no persons, so no suppression); read by ``indicators.view``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from gbvms.core import scoping
from gbvms.indicators import pages
from gbvms.programme import dashboard, vocab

FIRST_YEAR = 2020


def _year(request: HttpRequest) -> int:
    this = timezone.localdate().year
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and FIRST_YEAR <= int(raw) <= this + 1 else this


@login_required
@require_GET
def programme_view(request: HttpRequest) -> HttpResponse:
    if not scoping.has_permission(request.user, "indicators.view"):
        raise PermissionDenied
    place = pages.resolve_place(request.user, request.GET.get("unit", ""))
    if not scoping.has_permission(request.user, "indicators.view", place.path):
        raise PermissionDenied
    year = _year(request)
    coverage = dashboard.training_coverage(place.path, year)
    with_models, communes = dashboard.communes_with_models(place.path, year)
    context = {
        "place": place,
        "year": year,
        "years": list(range(timezone.localdate().year, FIRST_YEAR - 1, -1)),
        "units": pages.unit_choices(request.user, place),
        "by_agency": dashboard.by_agency(place.path, year),
        "by_group": dashboard.by_activity_group(place.path, year),
        "trainings": dashboard.trainings_by_group(place.path, year),
        "coverage": coverage,
        "coverage_met": sum(1 for row in coverage if row.met),
        "groups": [(g, vocab.label("target_group", g)) for g in vocab.TargetGroup.values
                   if g != "other"],
        "models": dashboard.models_by_kind(place.path, year),
        "with_models": with_models,
        "communes": communes,
        "recommendations": dashboard.recommendations(place.path),
        "budget": dashboard.budget_by_source(place.path, year),
    }  # fmt: skip
    return render(request, "indicators/programme.html", context)
