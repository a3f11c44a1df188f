"""POST handlers for the care sections of the case page, and the overdue follow-ups list."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gbvms.cases import changes, selectors, services_care, services_measures
from gbvms.cases.actions import ACTIONS, SLOTS
from gbvms.cases.forms_actions import BreakGlassForm, MeasureDecideForm
from gbvms.cases.models import Case, ClosureRequest, FollowUp
from gbvms.cases.services_care import notify
from gbvms.core import scoping
from gbvms.core.forms_util import add_service_errors, submit
from gbvms.core.selectors import case_timeline


def case_page_context(case: Case) -> dict[str, Any]:
    """Everything the case page shows (the page and a failed POST both render it)."""
    timeline = case_timeline(case.code)  # the same rows the audit API gives its workers
    return {
        "case": case,
        "incidents": case.incidents.prefetch_related("perpetrators"),
        "consents": case.consents.all(),
        "assignments": case.assignments.filter(is_active=True).select_related("user"),
        "timeline": timeline,
        "risk": case.risk_assessments.first(),
        "safety_plan_required": services_care.safety_plan_required(case),
        "needs": case.needs.all(),
        "services": case.services.select_related("provider"),
        "follow_ups": case.follow_ups.all(),
        "supported_in_time": services_care.supported_in_time(case),
        "today": timezone.localdate(),
        "transfers": case.transfers.select_related("to_agency")[:5],
        "measures": [
            (m, services_measures.decision_deadline(m), services_measures.measure_alerts(m))
            for m in case.measures.select_related("type")
        ],
        "interventions": case.interventions.all(),
        "child": services_measures.child_timeline(case),
        "report": getattr(case, "report", None),
        "slots": slots(case),
        "decide_form": MeasureDecideForm(),
        "closure": closure_shown(case),
    }


def closure_shown(case: Case) -> dict[str, Any] | None:
    """When and why a closed case was closed (None while it is not closed)."""
    closure = changes.case_closure(case)
    if closure is not None:
        reason = closure["reason"]
        closure["label"] = services_care.CLOSURE_REASONS.get(reason, reason) or "—"
    return closure


def slots(case: Case, bound: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Per slot: where the form posts, its button, where to load it, and a bound form with
    errors when a POST failed (shown at once, open)."""
    bound = bound or {}
    return {
        name: {
            "name": name,
            "action": reverse(f"cases:{name}", args=[case.code]),
            "label": ACTIONS[name].button or _("Lưu"),
            "lazy_url": reverse("cases:form", args=[case.code, name]),
            "form": bound.get(name),
        }
        for name in SLOTS
    }


@login_required
@require_GET
def case_form(request: HttpRequest, code: str, name: str) -> HttpResponse:
    """One action's form: the HTMX fragment for the case page, or a page of its own."""
    if name not in SLOTS:
        raise Http404
    case = selectors.case_get_for_user(
        user=request.user, code=code, request=request, for_write=True, action="cases.case.opened"
    )
    slot = slots(case)[name] | {"form": ACTIONS[name].form(None, case)}
    if request.htmx:
        return render(request, "cases/_slot_form.html", {"slot": slot, "case": case})
    return render(request, "cases/form_page.html", {"slot": slot, "case": case})


def _fetch(
    request: HttpRequest, code: str, action: Any, pk: int | None
) -> tuple[Case, dict[str, Any]]:
    """The case opened for writing and what the action works on: the case, or one of its
    records (a 404 on that record leaves no 'case opened' row: one fetcher for page and API)."""
    if action.target is None:
        case = selectors.case_get_for_user(
            user=request.user, code=code, request=request, for_write=True,
            action="cases.case.opened",
        )  # fmt: skip
        return case, {"case": case}
    model, key = action.target
    case, item = selectors.case_item_get_for_user(
        user=request.user, code=code, model=model, item_id=pk, request=request
    )
    return case, {key: item}


@login_required
@require_POST
def case_post(request: HttpRequest, code: str, name: str, pk: int | None = None) -> HttpResponse:
    """The one POST handler of the case page (see actions.py): fetch the case for writing,
    refuse a stale form (telling what changed), validate, call the action's service, then back
    to the page; on errors, the page again with the form's errors in place."""
    action = ACTIONS.get(name)
    if action is None:
        raise Http404
    case, on = _fetch(request, code, action, pk)
    form = action.form(request.POST, case)
    with transaction.atomic():
        # lock the case at the version the form was loaded with: of two concurrent saves from
        # the same version the database lets one through; the other then sees the new version
        refused = _claim(request, case, required=action.edit)
        if refused is not None:
            form.is_valid()  # keep what was typed; nothing is saved
            if refused.code != changes.STALE:  # no version posted
                form.add_error(None, refused.messages[0])
                return _page_with(request, case, name, form, {}, 400)
            form.add_error(None, _("Vụ việc vừa được người khác cập nhật; chưa lưu gì. Xem các "
                                   "thay đổi bên dưới rồi gửi lại."))  # fmt: skip
            stale = {"stale_changes": changes_since_form(request, case)}
            return _page_with(request, case, name, form, stale, 409)
        saved = submit(form, action.service, actor=request.user, request=request, **on)
        if saved is None:
            transaction.set_rollback(True)  # the claimed version too
    if saved is not None:
        requested = action.done_request and isinstance(saved, ClosureRequest)
        messages.success(request, action.done_request if requested else action.done)
        return redirect("cases:detail", code=case.code)
    return _page_with(request, case, name, form, {}, 400)


def _claim(request: HttpRequest, case: Case, *, required: bool) -> ValidationError | None:
    """Write-lock the case row if it is still at the version the form carries (held to the
    end of the transaction, in which the service bumps the version); the refusal otherwise.
    An edit of existing state (``required``) that does not carry its version is refused too;
    an addition without one is not checked."""
    version = changes.parse_version(request.POST.get("case_version") or request.POST.get("version"))
    if version is None and not required:
        return None
    try:
        changes.case_claim(case, version)
    except ValidationError as exc:
        return exc
    return None


def _page_with(
    request: HttpRequest, case: Case, form_name: str, form: Any, extra: dict[str, Any],
    status: int,
) -> HttpResponse:  # fmt: skip
    context = case_page_context(case) | extra
    if form_name in SLOTS:
        context["slots"] = slots(case, {form_name: form})
    elif form_name == "measure_decide":
        context["decide_form"] = form
    else:
        for error in form.non_field_errors():
            messages.error(request, error)
    return render(request, "cases/detail.html", context, status=status)


def changes_since_form(request: HttpRequest, case: Case) -> list[Any]:
    """Optimistic locking for the case page: every form carries the case version it was loaded
    with; when the case changed since (``_claim`` failed), the entries written since the form
    was loaded (who did what, when) tell the second writer what changed; nothing is saved."""
    since = request.POST.get("loaded_at", "")
    when = (
        datetime.datetime.fromtimestamp(int(since), tz=datetime.UTC)
        if since.isdigit() and len(since) < 12
        else None
    )
    posted = changes.parse_version(request.POST.get("case_version") or request.POST.get("version"))
    behind = changes.current_version(case) - posted if posted else None
    return changes.case_changes_since(case, since=when, versions_behind=behind)


@login_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """Follow-ups past their due date, for the worker's cases or the supervisor's units."""
    if not scoping.has_permission(request.user, "cases.view"):
        raise PermissionDenied
    visible = selectors.case_list(user=request.user).values("pk")
    items = (
        FollowUp.objects.unscoped()
        .filter(case__in=visible, done_at__isnull=True, due_on__lt=timezone.localdate())
        .select_related("case", "case__unit")
        .order_by("due_on", "id")[:500]
    )
    return render(request, "cases/overdue.html", {"items": items})


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    """Supervisors only: open a case outside need-to-know with a recorded reason."""
    if not scoping.grants(request.user, "cases.supervise"):
        raise PermissionDenied
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = selectors.case_break_glass(
                user=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            notify(services_care.case_supervisors(case), "break_glass", case)
            context = case_page_context(case) | {"break_glass": True}
            return render(request, "cases/detail.html", context)
    return render(request, "cases/break_glass.html", {"form": form})
