"""Pages of campaigns, communication events and trainings, and the programme home.

Thin views: parse the form, fetch through ``selectors``, call one service, render or redirect.
A service's ValidationError becomes form errors; its PermissionDenied is a 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gbvms.core import scoping
from gbvms.core.forms_util import add_service_errors
from gbvms.core.pagination import paginate, query_without_page
from gbvms.geo.models import AdminUnit
from gbvms.programme import forms_events as fe
from gbvms.programme import selectors, services, vocab
from gbvms.programme.models import Event

HOME_KINDS = [
    ("campaign", gettext_lazy("Chiến dịch truyền thông")),
    ("event", gettext_lazy("Hoạt động truyền thông")),
    ("training", gettext_lazy("Tập huấn")),
    ("model", gettext_lazy("Mô hình")),
    ("inspection", gettext_lazy("Kiểm tra")),
    ("budget", gettext_lazy("Kinh phí")),
]
XLSX_KINDS = [
    ("event", gettext_lazy("Nhập hoạt động truyền thông từ tệp Excel")),
    ("training", gettext_lazy("Nhập lớp tập huấn từ tệp Excel")),
    ("budget", gettext_lazy("Nhập kinh phí từ tệp Excel")),
]
SAVE: dict[str, tuple[Callable[..., Any], str]] = {
    "campaign": (services.campaign_save, "campaign"),
    "event": (services.event_save, "event"),
    "training": (services.training_save, "event"),
}
HISTORY_ACTIONS = {
    "+": gettext_lazy("Tạo mới"),
    "~": gettext_lazy("Cập nhật"),
    "-": gettext_lazy("Xóa"),
}


def _require(request: HttpRequest, permission: str) -> None:
    if not scoping.has_permission(request.user, permission):
        raise PermissionDenied


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(f"programme:{name}", args=args)
    except NoReverseMatch:  # that page is not installed
        return ""


def may_record(user: Any) -> bool:
    return selectors.recording_agencies(user).exists() or scoping.has_permission(
        user, "programme.manage"
    )


def may_write(user: Any, kind: str, record: Any) -> bool:
    try:
        selectors.record_get_for_user(user=user, kind=kind, pk=record.pk, for_write=True)
    except Http404:
        return False
    return True


# ------------------------------------------------------------------ home


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _require(request, "programme.view")
    user, year = request.user, timezone.localdate().year
    can_record = may_record(user)
    rows = []
    for kind, label in HOME_KINDS:
        count = (
            selectors.record_list(user=user, kind=kind, year=year)
            .exclude(status="cancelled")
            .count()
        )
        rows.append(
            {
                "kind": kind,
                "label": label,
                "count": count,
                "list_url": _url(f"{kind}_list"),
                "new_url": _url(f"{kind}_new") if can_record else "",
            }
        )
    imports = [{"label": label, "url": _url("xlsx_import", kind)} for kind, label in XLSX_KINDS]
    context = {
        "year": year,
        "rows": rows,
        "empty": not any(r["count"] for r in rows),
        "can_record": can_record,
        "imports": [i for i in imports if i["url"]] if can_record else [],
        "manages": scoping.has_permission(user, "programme.manage"),
    }
    return render(request, "programme/home.html", context)


# ------------------------------------------------------------------ lists


def _list(request: HttpRequest, kind: str) -> HttpResponse:
    _require(request, "programme.view")
    form = fe.filter_form(request)
    data = form.cleaned_data if form.is_valid() else {}
    unit = AdminUnit.objects.current().filter(code=data.get("unit") or "-").first()
    qs = selectors.record_list(
        user=request.user,
        kind=kind,
        unit_path=unit.path if unit else "",
        year=data.get("year"),
        status=data.get("status") or "",
        activity_id=data.get("activity"),
    ).select_related("unit", "lead_agency")
    if kind == "campaign":
        live = ~Q(events__status="cancelled")
        qs = qs.annotate(
            events_count=Count("events", filter=live),
            participants=Sum("events__participants_total", filter=live),
        ).order_by(*qs.model._meta.ordering)  # a grouped query drops Meta.ordering
    context = {
        "kind": kind,
        "filter": form,
        "page": paginate(request, qs),
        "query": query_without_page(request),
        "can_record": may_record(request.user),
        "detail_name": f"programme:{kind}_detail",
        "new_url": _url(f"{kind}_new"),
    }
    return render(request, f"programme/{kind}_list.html", context)


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "campaign")


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "event")


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "training")


# ------------------------------------------------------------------ forms


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _task(request: HttpRequest) -> Any:
    pk = _int_param(request, "task")
    if pk is None:
        return None
    from gbvms.plans.selectors import assignment_get_for_user

    return assignment_get_for_user(user=request.user, pk=pk)


def _prefill(request: HttpRequest, task: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    activity = _int_param(request, "activity")
    if activity:
        initial["plan_activity"] = activity
    if task is not None:
        if task.activity_id:
            initial["plan_activity"] = task.activity_id
            initial["title"] = task.activity.title[:300]
        initial["lead_agency"] = task.agency_id
        initial["unit"] = task.agency.unit_id
    return initial


def _save(form: Any, kind: str, request: HttpRequest, record: Any) -> Any:
    if not form.is_valid():
        return None
    service, key = SAVE[kind]
    try:
        return service(actor=request.user, request=request, **{key: record}, **form.payload())
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def _form_page(request: HttpRequest, kind: str, pk: int | None) -> HttpResponse:
    _require(request, "programme.record")
    record = (
        selectors.record_get_for_user(user=request.user, kind=kind, pk=pk, for_write=True)
        if pk
        else None
    )
    task = _task(request) if record is None and kind != "campaign" else None
    initial = fe.initial_of(kind, record) if record else _prefill(request, task)
    form = fe.FORMS[kind](request.POST or None, initial=initial, user=request.user)
    if request.method == "POST":
        saved = _save(form, kind, request, record)
        if saved is not None:
            if task is not None:
                messages.success(
                    request,
                    _("Đã ghi nhận %(code)s cho nhiệm vụ: %(task)s.")
                    % {"code": saved.code, "task": task.title()[:200]},
                )
            else:
                messages.success(request, _("Đã ghi nhận %(code)s.") % {"code": saved.code})
            return redirect(f"programme:{kind}_detail", pk=saved.pk)
    context = {
        "form": form,
        "record": record,
        "kind": kind,
        "task": task,
        "back_url": _url(f"{kind}_detail", record.pk) if record else _url(f"{kind}_list"),
    }
    return render(request, f"programme/{kind}_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, "campaign", None)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, "campaign", pk)


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, "event", None)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, "event", pk)


@login_required
@require_http_methods(["GET", "POST"])
def training_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, "training", None)


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, "training", pk)


# ------------------------------------------------------------------ details


def history_names(user: Any, record: Any) -> bool:
    """Whether ``user`` sees who changed the record: the lead agency's recorders and
    programme.manage over the record's unit."""
    return selectors.recording_agencies(user).filter(pk=record.lead_agency_id).exists() or (
        scoping.has_permission(user, "programme.manage", record.unit.path)
    )


def history_rows(user: Any, record: Any) -> list[dict[str, Any]]:
    """Who changed the record and when; names only for those ``history_names`` allows, "—" for
    everyone else."""
    names = history_names(user, record)
    rows = []
    for h in record.history.select_related("history_user").order_by("-history_date")[:50]:
        who = h.history_user or (record.created_by if h.history_type == "+" else None)
        name = (who.get_full_name() or who.get_username()) if (who and names) else "—"
        rows.append(
            {"when": h.history_date, "who": name, "action": HISTORY_ACTIONS.get(h.history_type, "")}
        )
    return rows


def _labels(
    vocabulary: str, rows: list[dict[str, Any]], code: str, number: str
) -> list[dict[str, Any]]:
    return [
        {"label": vocab.label(vocabulary, str(r.get(code))), "value": r.get(number)}
        for r in rows or []
    ]


def _training_grid(record: Any) -> dict[str, Any]:
    detail = getattr(record, "training", None)
    groups = list(detail.target_groups) if detail else []
    counts = {(p.group, p.sex): p.count for p in record.participations.all()}
    groups += [g for g, _s in counts if g not in groups]
    sexes = vocab.Sex.values
    rows = [
        {
            "label": vocab.label("target_group", g),
            "cells": [counts.get((g, s), 0) for s in sexes],
            "total": sum(counts.get((g, s), 0) for s in sexes),
        }
        for g in groups
    ]
    totals = [sum(counts.get((g, s), 0) for g in groups) for s in sexes]
    return {
        "sexes": [vocab.label("sex", s) for s in sexes],
        "rows": rows,
        "totals": totals,
        "total": sum(totals),
    }


def _detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = selectors.record_get_for_user(user=request.user, kind=kind, pk=pk)
    context: dict[str, Any] = {
        "record": record,
        "kind": kind,
        "can_edit": may_write(request.user, kind, record),
        "edit_url": _url(f"{kind}_edit", record.pk),
        "cancel_url": _url("record_cancel", kind, record.pk),
        "cancel_form": fe.CancelForm(),
        "history": history_rows(request.user, record),
        "coordinating": list(record.coordinating_agencies.all()),
    }
    if kind == "campaign":
        events = scoping.scoped(request.user, "programme.view", Event).filter(campaign=record)
        context["events"] = events.select_related("unit").order_by("start", "id")[:200]
    else:
        context["funding"] = _labels("funding_source", record.funding, "source", "amount")
    if kind == "event":
        context["audience"] = [vocab.label("audience_group", g) for g in record.audience_groups]
        context["media"] = _labels("media_kind", record.media_outputs, "kind", "quantity")
    if kind == "training":
        context["grid"] = _training_grid(record)
        context["detail"] = getattr(record, "training", None)
        detail = context["detail"]
        context["groups"] = (
            [vocab.label("target_group", g) for g in detail.target_groups] if detail else []
        )
    try:
        from gbvms.programme.views_evidence import evidence_context
    except ImportError:
        pass
    else:
        context.update(evidence_context(request, kind, record), evidence_enabled=True)
    return render(request, f"programme/{kind}_detail.html", context)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, "campaign", pk)


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, "event", pk)


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, "training", pk)


# ------------------------------------------------------------------ cancel (every kind)


@login_required
@require_POST
def record_cancel(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Cancel a record of any kind (it stays, with its history, as "cancelled")."""
    if kind not in selectors.KINDS:
        raise Http404
    record = selectors.record_get_for_user(user=request.user, kind=kind, pk=pk, for_write=True)
    form = fe.CancelForm(request.POST)
    back = _url(f"{kind}_detail", record.pk) or _url("home")
    if not form.is_valid():
        reason_errors = " ".join(form.errors.get("reason", []))
        messages.error(
            request, _("Chưa hủy: lý do hủy không hợp lệ. %(error)s") % {"error": reason_errors}
        )
        return redirect(back)
    services.record_cancel(
        actor=request.user, record=record, reason=form.cleaned_data["reason"], request=request
    )
    messages.success(request, _("Đã hủy %(code)s.") % {"code": record.code})
    return redirect(back)
