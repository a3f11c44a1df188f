"""Home, health check, roles documentation, access log and error pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gbvms.core.forms import AccessLogFilterForm
from gbvms.core.pagination import paginate, query_without_page
from gbvms.core.roles import PERMISSIONS, ROLES
from gbvms.core.selectors import access_log_for_user, may_read_details
from gbvms.orgs.selectors import memberships_of


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The user's work queues, per role (gbvms.cases.queues); the roles page lists what each
    role may do."""
    from gbvms.cases.queues import home_context

    memberships = list(memberships_of(request.user))
    roles = {m.role for m in memberships}
    context = {"memberships": memberships, **home_context(request.user, roles)}
    return render(request, "core/home.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _own_permissions(user: Any) -> list[Any]:
    """The permissions the signed-in user holds through their roles (none when signed out)."""
    if not user.is_authenticated:
        return []
    codes = {p for m in memberships_of(user) for p in ROLES[m.role].permissions}
    if user.is_superuser:
        codes |= set(ROLES["administrator"].permissions)
    return [PERMISSIONS[p] for p in sorted(codes)]


@require_GET
def roles_page(request: HttpRequest) -> HttpResponse:
    context = {
        "roles": list(ROLES.values()),
        "permissions": PERMISSIONS,
        "own_permissions": _own_permissions(request.user),
    }
    return render(request, "core/roles.html", context)


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    form = AccessLogFilterForm(request.GET or None)
    valid = form.is_valid()
    # one rule with the API: administrators read their scope, the people who may see a case
    # read its log (supervisors) or its timeline (its assigned workers); others get 403
    object_code = form.cleaned_data.get("object_code", "") if valid else ""
    entries = access_log_for_user(request.user, object_code=object_code)
    if valid:
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action__startswith=data["action"])
        if data["username"]:
            entries = entries.filter(actor_username__iexact=data["username"])
        if data["object_kind"]:
            entries = entries.filter(object_kind=data["object_kind"])
        if data["date_from"]:
            entries = entries.filter(at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            entries = entries.filter(at__lt=_day_start(data["date_to"] + datetime.timedelta(1)))
    page = paginate(request, entries.order_by("-at", "-id"), per_page=50)
    context = {
        "form": form,
        "page": page,
        "query": query_without_page(request),
        "details": may_read_details(request.user),
    }
    template = "core/access_log.html#rows" if request.htmx else "core/access_log.html"
    return render(request, template, context)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig

    if isinstance(exception, RequestDataTooBig):  # a clear page, not "bad request"
        max_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return render(request, "errors/413.html", {"max_mb": max_mb}, status=413)
    return render(request, "errors/400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.html", status=403)
