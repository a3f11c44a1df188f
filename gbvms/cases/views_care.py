"""POST handlers for the care sections of the case page, and the overdue follow-ups list."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gbvms.cases import selectors, services_care, services_measures
from gbvms.cases.forms_care import (
    CloseForm,
    FollowUpForm,
    NeedForm,
    ReopenForm,
    RiskForm,
    SafetyPlanForm,
    ServiceForm,
)
from gbvms.cases.models import Case, FollowUp
from gbvms.cases.services_care import notify
from gbvms.core import scoping
from gbvms.core.forms_util import add_service_errors, submit
from gbvms.core.models import AccessLog


def case_page_context(case: Case) -> dict[str, Any]:
    """Everything the case page shows (the page and a failed POST both render it)."""
    timeline = (
        AccessLog.objects.filter(object_id=case.code)
        .exclude(action__in=["cases.case.viewed", "cases.case.opened"])
        .order_by("at", "id")
    )
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
        "decide_form": _decide_form(),
    }


def _decide_form() -> Any:
    from gbvms.cases.views_measures import MeasureDecideForm

    return MeasureDecideForm()


# slot name -> (action url name, button label). The case page shows each action's form in a
# <details> that loads it on first opening (HTMX), so the page itself stays light.
SLOTS: dict[str, tuple[str, Any]] = {
    "risk": ("cases:risk", gettext_lazy("Lưu đánh giá")),
    "plan": ("cases:safety_plan", gettext_lazy("Lưu kế hoạch an toàn")),
    "need": ("cases:need", gettext_lazy("Lưu")),
    "service": ("cases:service", gettext_lazy("Ghi nhận")),
    "follow_up": ("cases:follow_up", gettext_lazy("Thêm")),
    "close": ("cases:close", gettext_lazy("Đóng vụ việc")),
    "reopen": ("cases:reopen", gettext_lazy("Mở lại")),
    "transfer": ("cases:transfer", gettext_lazy("Gửi yêu cầu")),
    "measure": ("cases:measure", gettext_lazy("Ghi nhận")),
    "intervention": ("cases:intervention", gettext_lazy("Ghi nhận")),
    "child": ("cases:child_step", gettext_lazy("Lưu")),
    "consent": ("cases:consent", gettext_lazy("Ghi nhận")),
    "legal": ("cases:legal", gettext_lazy("Lưu")),
    "report": ("cases:report", gettext_lazy("Lưu")),
}


def blank_form(name: str, case: Case) -> Any:
    """The unbound form of one slot (with the case's current values where it edits them)."""
    from gbvms.cases.views_legal import ConsentForm, LegalForm, ReportForm
    from gbvms.cases.views_measures import ChildStepForm, InterventionForm, MeasureRequestForm
    from gbvms.cases.views_transfer import TransferForm

    plan = getattr(case, "safety_plan", None) if name == "plan" else None
    factories: dict[str, Callable[[], Any]] = {
        "risk": RiskForm,
        "plan": lambda: SafetyPlanForm(
            initial={f: getattr(plan, f) for f in SafetyPlanForm.base_fields} if plan else None
        ),
        "need": NeedForm,
        "service": lambda: ServiceForm(case=case),
        "follow_up": FollowUpForm,
        "close": lambda: CloseForm(initial={"version": case.version}),
        "reopen": ReopenForm,
        "transfer": lambda: TransferForm(case=case),
        "measure": MeasureRequestForm,
        "intervention": InterventionForm,
        "child": ChildStepForm,
        "consent": lambda: ConsentForm(case=case),
        "legal": LegalForm,
        "report": ReportForm,
    }
    return factories[name]()


def slots(case: Case, bound: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Per slot: where the form posts, its button, where to load it, and a bound form with
    errors when a POST failed (shown at once, open)."""
    bound = bound or {}
    return {
        name: {
            "name": name,
            "action": reverse(url, args=[case.code]),
            "label": label,
            "lazy_url": reverse("cases:form", args=[case.code, name]),
            "form": bound.get(name),
        }
        for name, (url, label) in SLOTS.items()
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
    slot = slots(case)[name] | {"form": blank_form(name, case)}
    if request.htmx:
        return render(request, "cases/_slot_form.html", {"slot": slot, "case": case})
    return render(request, "cases/form_page.html", {"slot": slot, "case": case})


def case_action(
    request: HttpRequest,
    code: str,
    make_form: Callable[[Any, Case], Any],
    service: Callable[..., Any],
    form_name: str,
    done: str,
    target: Callable[[Case], dict[str, Any]] | None = None,
) -> HttpResponse:
    """The one POST handler of the case page: fetch the case for writing, validate the form,
    call one service (on the case, or on what ``target`` picks in it), then back to the page;
    on errors, the page again with the form's errors in place."""
    case = selectors.case_get_for_user(
        user=request.user, code=code, request=request, for_write=True, action="cases.case.opened"
    )
    form = make_form(request.POST, case)
    changes = changes_since_form(request, case)
    if changes is not None:
        form.is_valid()  # keep what was typed; nothing is saved
        form.add_error(None, _("Vụ việc vừa được người khác cập nhật; chưa lưu gì. Xem các thay "
                               "đổi bên dưới rồi gửi lại."))  # fmt: skip
        return _page_with(request, case, form_name, form, {"stale_changes": changes}, 409)
    on = target(case) if target else {"case": case}
    if submit(form, service, actor=request.user, request=request, **on) is not None:
        messages.success(request, done)
        return redirect("cases:detail", code=case.code)
    return _page_with(request, case, form_name, form, {}, 400)


def _page_with(
    request: HttpRequest, case: Case, form_name: str, form: Any, extra: dict[str, Any],
    status: int,
) -> HttpResponse:  # fmt: skip
    context = case_page_context(case) | extra
    if form_name in SLOTS:
        context["slots"] = slots(case, {form_name: form})
    else:
        context[form_name] = form
    return render(request, "cases/detail.html", context, status=status)


def changes_since_form(request: HttpRequest, case: Case) -> list[Any] | None:
    """Optimistic locking for the case page: every form carries the case version it was loaded
    with; if the case changed since, the entries written since then (who did what, when) are
    returned so the second writer is told what changed, and nothing is saved."""
    posted = request.POST.get("case_version", "")
    if not posted.isdigit() or int(posted) == case.version:
        return None
    since = request.POST.get("loaded_at", "")
    entries = AccessLog.objects.filter(object_id=case.code).exclude(
        action__in=["cases.case.viewed", "cases.case.opened"]
    )
    if since.isdigit():
        entries = entries.filter(
            at__gt=datetime.datetime.fromtimestamp(int(since), tz=datetime.UTC)
        )
    return list(entries.order_by("at", "id")[:20])


class _Risk(RiskForm):
    """The risk form exposes its answers as one service argument."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        return {"answers": self.answers()}


@login_required
@require_POST
def risk(request: HttpRequest, code: str) -> HttpResponse:
    done = _("Đã lưu đánh giá rủi ro.")
    return case_action(
        request, code, lambda d, c: _Risk(d), services_care.risk_assess, "risk", done
    )


@login_required
@require_POST
def safety_plan(request: HttpRequest, code: str) -> HttpResponse:
    done = _("Đã lưu kế hoạch an toàn.")
    return case_action(
        request,
        code,
        lambda d, c: SafetyPlanForm(d),
        services_care.safety_plan_save,
        "plan",
        done,
    )


@login_required
@require_POST
def need(request: HttpRequest, code: str) -> HttpResponse:
    done = _("Đã cập nhật kế hoạch hỗ trợ.")
    return case_action(
        request, code, lambda d, c: NeedForm(d), services_care.need_set, "need", done
    )


@login_required
@require_POST
def service(request: HttpRequest, code: str) -> HttpResponse:
    done = _("Đã ghi nhận dịch vụ.")
    return case_action(
        request,
        code,
        lambda d, c: ServiceForm(d, case=c),
        services_care.service_record,
        "service",
        done,
    )


@login_required
@require_POST
def follow_up(request: HttpRequest, code: str) -> HttpResponse:
    done = _("Đã thêm lịch theo dõi.")
    return case_action(
        request,
        code,
        lambda d, c: FollowUpForm(d),
        services_care.follow_up_add,
        "follow_up",
        done,
    )


@login_required
@require_POST
def close(request: HttpRequest, code: str) -> HttpResponse:
    done = _("Đã đóng vụ việc.")
    return case_action(
        request, code, lambda d, c: CloseForm(d), services_care.case_close, "close", done
    )


@login_required
@require_POST
def reopen(request: HttpRequest, code: str) -> HttpResponse:
    done = _("Đã mở lại vụ việc.")
    return case_action(
        request, code, lambda d, c: ReopenForm(d), services_care.case_reopen, "reopen", done
    )


@login_required
@require_POST
def follow_up_done(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(
        user=request.user, code=code, request=request, for_write=True, action="cases.case.opened"
    )
    item = get_object_or_404(FollowUp, pk=pk, case=case)
    try:
        services_care.follow_up_done(actor=request.user, follow_up=item, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("cases:detail", code=case.code)


@login_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """Follow-ups past their due date, for the worker's cases or the supervisor's units."""
    if not scoping.has_permission(request.user, "cases.view"):
        raise PermissionDenied
    visible = selectors.case_list(user=request.user).values("pk")
    items = (
        FollowUp.objects.filter(
            case__in=visible, done_at__isnull=True, due_on__lt=timezone.localdate()
        )
        .select_related("case", "case__unit")
        .order_by("due_on", "id")[:500]
    )
    return render(request, "cases/overdue.html", {"items": items})


class BreakGlassForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Mã vụ việc"), max_length=20)
    reason = forms.CharField(
        label=gettext_lazy("Lý do truy cập khẩn cấp"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Được ghi vào nhật ký truy cập và được xem xét lại."),
    )


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
