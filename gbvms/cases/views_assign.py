"""Assigning cases (supervisors), picking up new ones (workers), the caseload page and the
supervisors' decisions on closure requests. Each view calls one service of services_assign,
the same ones the API calls."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gbvms.cases import queues, selectors, services_assign
from gbvms.core import scoping
from gbvms.core.forms_util import GuardedForm, submit


class AssignForm(GuardedForm):
    username = forms.ChoiceField(label=gettext_lazy("Cán bộ quản lý trường hợp"))

    def __init__(self, *args, workers: list, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].choices = [(w.username, w.full_name or w.username) for w in workers]


@login_required
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    """Each case worker of the supervised units: open cases, high risk, overdue follow-ups."""
    if not scoping.grants(request.user, "cases.supervise"):
        raise PermissionDenied
    return render(request, "cases/caseload.html", {"rows": queues.caseload(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, code: str) -> HttpResponse:
    """Assign or reassign the case to a case worker of its agency (supervisors)."""
    case = selectors.case_get_for_supervisor(user=request.user, code=code, request=request)
    workers = services_assign.assignable_workers(case)
    form = AssignForm(request.POST or None, workers=workers)
    if request.method == "POST":
        done = submit(
            form, services_assign.case_assign, actor=request.user, case=case, request=request
        )
        if done is not None:
            name = done.user.full_name or done.user.username
            messages.success(request, _("Đã phân công cho %(name)s.") % {"name": name})
            return redirect("cases:detail", code=case.code)
    history = case.assignments.select_related("user", "assigned_by").order_by("-assigned_at")
    context = {"case": case, "form": form, "history": history, "workers": workers}
    return render(request, "cases/assign.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def pick_up(request: HttpRequest, code: str) -> HttpResponse:
    """A case worker takes on a new case of their commune."""
    case = queues.pickable_get(request.user, code)
    try:
        services_assign.case_pick_up(actor=request.user, case=case, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("core:home")
    messages.success(request, _("Bạn đã nhận vụ việc %(code)s.") % {"code": case.code})
    return redirect("cases:detail", code=case.code)


@login_required
@require_POST
def closure_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Approve (the case is closed) or return a closure request, with what is still to do."""
    item = queues.closure_get_for_user(request.user, pk)
    try:
        if decision == "approve":
            services_assign.closure_approve(actor=request.user, closure=item, request=request)
            messages.success(
                request, _("Đã duyệt và đóng vụ việc %(code)s.") % {"code": item.case.code}
            )
        else:
            services_assign.closure_return(
                actor=request.user, closure=item, note=request.POST.get("note", "")[:500],
                request=request,
            )  # fmt: skip
            messages.success(
                request, _("Đã trả lại đề nghị đóng %(code)s.") % {"code": item.case.code}
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("core:home")
