"""The recipient's actions on a report (return, accept, approve, reopen, mark a child missing),
the completeness page and the programme officer's obligations page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gbvms.reports import forms as rf
from gbvms.reports import selectors
from gbvms.reports import services_submissions as ss
from gbvms.reports.errors import Forbidden, code_of
from gbvms.reports.labels import late_flag
from gbvms.reports.models import Status, Submission
from gbvms.reports.views import error_text, render_detail


def review_forms(
    submission: Submission, sections: list[dict[str, str]], forms: dict[str, Any]
) -> dict[str, Any]:
    """The recipient's forms for the report's current state (bound ones kept, with errors)."""
    status = submission.status
    out: dict[str, Any] = {"pending": forms.get("pending", [])}
    if status in (Status.SUBMITTED, Status.ACCEPTED):
        out["return_form"] = forms.get("return_form") or rf.ReturnForm(sections=sections)
    out["can_accept"] = status == Status.SUBMITTED
    out["can_approve"] = status == Status.ACCEPTED
    if status in (Status.APPROVED, Status.LOCKED):
        out["reopen_form"] = forms.get("reopen_form") or rf.ReasonForm()
    return out


def _act(
    request: HttpRequest, pk: int, form_key: str, form: Any, call: Callable[[Submission], Any]
) -> HttpResponse | None:
    """Run one review service: None when done; otherwise the page again with the error (on
    the form, or as a message), never a 500."""
    submission = selectors.submission_get_for_user(request.user, pk)
    if form is not None and not form.is_valid():
        return render_detail(request, submission, **{form_key: form})
    try:
        call(submission)
    except Forbidden:
        raise PermissionDenied from None
    except ValidationError as exc:
        submission.refresh_from_db()
        extra: dict[str, Any] = {}
        text = error_text(exc)
        if code_of(exc) == "children_pending":
            extra["pending"] = _pending_rows(submission)
            text = _pending_text(extra["pending"]) or text
        if form is not None:
            form.add_error(None, text)
            extra[form_key] = form
        else:
            messages.error(request, text)
        return render_detail(request, submission, **extra)
    return None


def _pending_rows(submission: Submission) -> list[dict[str, Any]]:
    rows = []
    for child in ss.pending_children(submission):
        obligation = child.obligation
        rows.append(
            {
                "unit": obligation.submitter_unit.name,
                "agency": obligation.submitter_agency.name,
                "status": child.get_status_display(),
                "late": late_flag(child),
            }
        )
    return rows


def _pending_text(rows: list[dict[str, Any]]) -> str:
    """The message at the top of the page names the pending children (the full list is in
    the review section, far down a phone's screen)."""
    if not rows:
        return ""
    names = ", ".join(r["agency"] for r in rows[:5])
    if len(rows) > 5:
        names += " " + _("và %(n)s đơn vị khác") % {"n": len(rows) - 5}
    return _(
        "Chưa thể phê duyệt: %(n)s báo cáo của cấp dưới chưa được phê duyệt hoặc ghi nhận "
        "thiếu: %(names)s."
    ) % {"n": len(rows), "names": names}


def _done(request: HttpRequest, pk: int, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("reports:detail", pk=pk)


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(request.user, pk)
    form = rf.ReturnForm(request.POST, sections=ss.sections_with_titles(submission))
    response = _act(
        request,
        pk,
        "return_form",
        form,
        lambda s: ss.submission_return(
            actor=request.user,
            submission=s,
            reason=form.cleaned_data["reason"],
            notes=form.notes(),
        ),
    )
    return response or _done(request, pk, _("Đã trả lại báo cáo cho đơn vị gửi."))


@login_required
@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    response = _act(
        request,
        pk,
        "",
        None,
        lambda s: ss.submission_accept(actor=request.user, submission=s),
    )
    return response or _done(request, pk, _("Đã tiếp nhận báo cáo."))


@login_required
@require_POST
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    response = _act(
        request,
        pk,
        "",
        None,
        lambda s: ss.submission_approve(actor=request.user, submission=s),
    )
    return response or _done(request, pk, _("Đã phê duyệt báo cáo."))


@login_required
@require_POST
def report_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    form = rf.ReasonForm(request.POST)
    response = _act(
        request,
        pk,
        "reopen_form",
        form,
        lambda s: ss.submission_reopen(
            actor=request.user, submission=s, reason=form.cleaned_data["reason"]
        ),
    )
    return response or _done(request, pk, _("Đã mở lại báo cáo."))


def _child_for_recipient(request: HttpRequest, pk: int) -> Submission:
    """A report its recipient may mark missing, drafts included (which it cannot read):
    visible to the user or addressed to one of its agencies; 404 otherwise."""
    try:
        return selectors.submission_get_for_user(request.user, pk)
    except Http404:
        child = (
            Submission.objects.select_related("obligation__recipient_unit").filter(pk=pk).first()
        )
        if child is None or not selectors.is_recipient(request.user, child):
            raise
        return child


@login_required
@require_POST
def report_missing(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child_for_recipient(request, pk)
    form = rf.MissingForm(request.POST)
    back = request.POST.get("next", "")
    back = back if back.startswith("/reports/") and "//" not in back else ""
    if not form.is_valid():
        blank = not (request.POST.get("reason") or "").strip()
        errors = form.errors.get("reason") or []
        # empty: say what is missing; too long or a control character: say that, not "empty"
        text = _("Cần nêu lý do thiếu báo cáo.") if blank or not errors else errors[0]
        messages.error(request, text)
        return redirect(back or "reports:list")
    try:
        ss.submission_mark_missing(
            actor=request.user, submission=child, reason=form.cleaned_data["reason"]
        )
    except Forbidden:
        raise PermissionDenied from None
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("Đã ghi nhận thiếu báo cáo của %(agency)s.")
            % {"agency": child.obligation.submitter_agency.name},
        )
    return redirect(back or "reports:list")
