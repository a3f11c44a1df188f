"""Browse and search the administrative units (public data)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gbvms.core.pagination import paginate, query_without_page
from gbvms.geo.models import Kind, Level
from gbvms.geo.selectors import unit_by_pk, unit_search


@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    current = request.GET.get("era", "current") != "all"
    parent_code = request.GET.get("parent_code", "").strip()[:5]
    units = unit_search(q=q, kind=kind, current=current, parent_code=parent_code)
    context = {
        "page": paginate(request, units, per_page=50),
        "q": q,
        "kind": kind,
        "era": "current" if current else "all",
        "parent_code": parent_code,
        "levels": Level.choices,
        "kinds": Kind.choices,
        "query": query_without_page(request),
    }
    template = "geo/unit_list.html#rows" if request.htmx else "geo/unit_list.html"
    return render(request, template, context)


@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_by_pk(pk)
    if unit is None:
        raise Http404
    context = {
        "unit": unit,
        "children": unit.children.order_by("code")[:500],
        "successors": unit.successors.select_related("parent").order_by("code"),
        "predecessors": unit.predecessors.select_related("parent").order_by("level", "code"),
    }
    return render(request, "geo/unit_detail.html", context)
