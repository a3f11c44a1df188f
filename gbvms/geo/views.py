"""Browse and search the administrative units (public data)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gbvms.core.pagination import paginate, query_without_page
from gbvms.geo.models import AdminUnit, Kind, Level
from gbvms.geo.selectors import unit_by_pk, unit_search, units_within_grant


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


# Scopes a picker may ask for: the units where the signed-in user holds this permission.
PICKER_SCOPES = {"cases.intake", "cases.view"}
PICKER_PAGE = 20


@require_GET
def unit_search_json(request: HttpRequest) -> JsonResponse:
    """The commune picker's feed: current units matching ``q`` without diacritics, 20 a page.

    ``scope`` (a permission) limits the units to the caller's grant for it; without ``scope``
    the feed is the public list of current units (public data).
    """
    q = request.GET.get("q", "").strip()[:100]
    level = request.GET.get("level", "commune")
    scope = request.GET.get("scope", "")
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 1000))
    except ValueError:
        page = 1
    if level not in {"province", "commune"}:
        return JsonResponse({"code": "bad_level", "items": []}, status=400)
    units = unit_search(q=q, kind=level, current=True)
    if scope:
        if scope not in PICKER_SCOPES:
            return JsonResponse({"code": "bad_scope", "items": []}, status=400)
        if not request.user.is_authenticated:
            return JsonResponse({"code": "not_authenticated", "items": []}, status=401)
        units = units.filter(pk__in=units_within_grant(request.user, scope).values("pk"))
    start = (page - 1) * PICKER_PAGE
    rows = list(units.order_by("parent__name", "name")[start : start + PICKER_PAGE + 1])
    items = [
        {
            "id": u.pk,
            "code": u.code,
            "label": f"{u.name} — {u.parent.name}" if u.parent_id else u.name,
        }
        for u in rows[:PICKER_PAGE]
    ]
    return JsonResponse({"items": items, "page": page, "more": len(rows) > PICKER_PAGE})


@require_GET
def unit_names_json(request: HttpRequest) -> JsonResponse:
    """Every current commune (``level=commune``) or also the provinces (``level=any``), for a
    picker that filters in the browser (the public site: what is typed never leaves it)."""
    level = request.GET.get("level", "commune")
    levels = {"commune": ["commune"], "province": ["province"], "any": ["province", "commune"]}
    if level not in levels:
        return JsonResponse({"code": "bad_level", "items": []}, status=400)
    units = AdminUnit.objects.current().filter(level__in=levels[level]).select_related("parent")
    items = [
        {
            "id": u.pk,
            "code": u.code,
            "label": f"{u.name} — {u.parent.name}" if u.parent_id else u.name,
        }
        for u in units.order_by("level", "parent__name", "name")
    ]
    response = JsonResponse({"items": items})
    response["Cache-Control"] = "public, max-age=86400"
    return response
