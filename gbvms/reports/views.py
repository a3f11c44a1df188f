"""Pages of reports: the list (one's own, and those to review), the report with its sections
form, snapshots and versions, and the compare page. The review actions, completeness and
obligations pages are in ``views_review.py``.

Thin views: parse the form, fetch through ``selectors`` (404 for not visible == nonexistent),
call one service, render or redirect. A service's ValidationError becomes a form error, its
Forbidden a 403; the prefill/compare/consolidation helpers are optional (imported lazily)."""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gbvms.core import scoping
from gbvms.core.pagination import paginate, query_without_page
from gbvms.reports import forms as rf
from gbvms.reports import selectors
from gbvms.reports import services_submissions as ss
from gbvms.reports.errors import code_of
from gbvms.reports.labels import (
    cells,
    late_flag,
    live_rows,
    period_end,
    period_label,
    requirement_label,
    row,
)
from gbvms.reports.models import EDITABLE, Status, Submission, SubmissionVersion, Transition
from gbvms.reports.selectors import APPROVE, SUBMIT
from gbvms.reports.views_attachments import attachments_context

logger = logging.getLogger(__name__)

ERRORS = {
    "stale": gettext_lazy("Báo cáo đã được người khác sửa; tải lại trang để xem bản mới nhất."),
    "state_changed": gettext_lazy("Trạng thái báo cáo vừa thay đổi; tải lại trang."),
    "not_editable": gettext_lazy("Báo cáo không còn ở trạng thái được sửa."),
    "invalid_transition": gettext_lazy("Không thể thực hiện thao tác này ở trạng thái hiện tại."),
    "children_pending": gettext_lazy(
        "Chưa thể phê duyệt: còn báo cáo của cấp dưới chưa được phê duyệt hoặc ghi nhận thiếu."
    ),
    "reason_required": gettext_lazy("Cần nêu lý do."),
    "reason_too_long": gettext_lazy("Lý do quá dài (tối đa 2000 ký tự)."),
    "unknown_section": gettext_lazy("Mục báo cáo không hợp lệ."),
    "invalid_sections": gettext_lazy("Nội dung một mục không hợp lệ hoặc quá dài."),
}


def error_text(exc: ValidationError) -> str:
    return str(ERRORS.get(code_of(exc), _("Không thực hiện được thao tác.")))


def optional(module: str, name: str) -> Any:
    """A helper another part of the project may not have built yet (None then)."""
    try:
        return getattr(import_module(f"gbvms.reports.{module}"), name)
    except (ImportError, AttributeError):
        return None


def may_use_reports(user: Any) -> bool:
    return any(scoping.has_permission(user, p) for p in (SUBMIT, APPROVE, "plans.manage"))


def _require_reports(user: Any) -> None:
    if not may_use_reports(user):
        raise PermissionDenied


# ------------------------------------------------------------------ list


def _periods(user: Any, role: str) -> list[str]:
    """The periods of the reports listed under ``role`` (latest first): the tab opens on a
    period that has reports in it, not on one that only the other tab has."""
    listed = selectors.submission_list(user, role=role)
    keys = set(listed.values_list("period", flat=True).distinct())
    return sorted(keys, key=lambda k: (period_end(k), k), reverse=True)


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reports(user)
    submits = scoping.has_permission(user, SUBMIT)
    role = request.GET.get("role") or ("submitter" if submits else "recipient")
    role = role if role in ("submitter", "recipient") else "submitter"
    keys = _periods(user, role)
    choices = [(k, period_label(k)) for k in keys] + [("all", _("Tất cả các kỳ"))]
    data = request.GET.copy()
    data.setdefault("period", keys[0] if keys else "all")
    form = rf.ListFilterForm(data, periods=choices)
    cleaned = form.cleaned_data if form.is_valid() else {"period": "all", "status": ""}
    period = cleaned.get("period")
    qs = selectors.submission_list(user, period=None if period == "all" else period, role=role)
    if cleaned.get("status"):
        qs = qs.filter(status=cleaned["status"])
    qs = qs.select_related("obligation__submitter_agency").annotate(
        versions_count=Count("versions")
    )
    page = paginate(request, qs)
    page.object_list = [row(s) for s in page.object_list]
    context = {
        "role": role,
        "tabs": [(k, label) for k, label in rf.ROLE_CHOICES],
        "filter": form,
        "page": page,
        "query": query_without_page(request),
        "manages": scoping.has_permission(user, "plans.manage"),
        "reviews": scoping.has_permission(user, APPROVE),
        "submits": submits,
        "all_periods": period == "all",
    }
    return render(request, "reports/list.html", context)


# ------------------------------------------------------------------ the report


def _last_reason(submission: Submission) -> Transition | None:
    return (
        submission.transitions.filter(to_status__in=[Status.RETURNED, Status.REOPENED])
        .order_by("-at", "-id")
        .first()
    )


def _children(user: Any, submission: Submission) -> list[dict[str, Any]]:
    """The reports this one consolidates, as its submitter (their recipient) sees them."""
    visible = set(selectors.submission_list(user).values_list("pk", flat=True))
    rows = []
    children = selectors.children_of(submission).select_related(
        "obligation__submitter_agency", "obligation__submitter_unit", "obligation__recipient_unit"
    )
    for child in children.order_by("obligation__submitter_unit__path", "pk"):
        recipient = selectors.is_recipient(user, child)
        rows.append(
            {
                "s": child,
                "agency": child.obligation.submitter_agency.name,
                "unit": child.obligation.submitter_unit.name,
                "status": child.get_status_display()
                if child.status != Status.DRAFT or child.pk in visible
                else _("Chưa gửi"),
                "late": late_flag(child),
                "visible": child.pk in visible,
                "may_mark": recipient and child.status in EDITABLE and not child.missing_reason,
            }
        )
    return rows


def _snapshot(submission: Submission) -> SubmissionVersion | None:
    return submission.versions.order_by("-number").first()


def _safe(call: Any, submission: Submission) -> Any:
    """An optional helper's answer; its failure is logged and never breaks the page."""
    try:
        return call(submission)
    except Exception:
        logger.exception("reports: optional helper %s failed", getattr(call, "__name__", call))
        return None


def _extras(submission: Submission) -> dict[str, Any]:
    """What the optional helpers add: live changes, changes since approval, missing children."""
    out: dict[str, Any] = {}
    live = optional("compare", "live_changes")
    if live is not None and submission.status not in EDITABLE:
        found = _safe(live, submission) or []
        out["live_changes"] = [c for c in found if isinstance(c, dict)]
    since = optional("compare", "changes_since_approval")
    if since is not None:
        out["changes_since_approval"] = _safe(since, submission)
    consolidated = optional("consolidate", "consolidated")
    if consolidated is not None:
        result = _safe(consolidated, submission)
        out["consolidated_missing"] = list(getattr(result, "missing", None) or [])
        out["consolidated_missing_text"] = getattr(result, "missing_text", "")
    return out


def detail_context(request: HttpRequest, submission: Submission, **forms: Any) -> dict[str, Any]:
    user = request.user
    editable = submission.status in EDITABLE
    writer = selectors.may_write(user, submission)
    sections = ss.sections_with_titles(submission)
    snapshot = None if editable else _snapshot(submission)
    last = _last_reason(submission) if writer else None
    returned = editable and last is not None and last.to_status == Status.RETURNED
    notes = (last.notes or {}) if returned else {}  # once sent again, the notes are answered
    shown = snapshot.sections if snapshot else sections
    for section in shown:
        section["note"] = notes.get(section["key"], "")
    form = forms.get("sections_form")
    if form is None and editable and writer:
        form = rf.SectionsForm(initial={"version": submission.version}, sections=sections)
    recipient = selectors.is_recipient(user, submission) and submission.status != Status.DRAFT
    extras = _extras(submission)
    context: dict[str, Any] = {
        "s": submission,
        "o": submission.obligation,
        "period": period_label(submission.period),
        "requirement": requirement_label(submission.obligation.requirement),
        "late": late_flag(submission),
        "values": cells(snapshot.values if snapshot else submission.values),
        "snapshot": snapshot,
        "sections": shown,
        "notes": notes,
        "sections_form": form if editable and writer else None,
        "form_fields": _with_notes(form, notes) if form is not None and writer else [],
        "writer": writer,
        "last": last,
        "can_prefill": optional("prefill", "submission_prefill") is not None,
        "versions": list(submission.versions.order_by("number")),
        "children": _children(user, submission) if writer else [],
        "recipient": recipient,
        "docx_url": f"/api/v1/reports/{submission.pk}/docx",
        "xlsx_url": f"/api/v1/reports/{submission.pk}/xlsx",
        "live": live_rows(extras.get("live_changes", [])),
        "unsaved": forms.get("unsaved") or [],
        **extras,
    }
    context.update(attachments_context(request, submission, writer=writer,
                                       snapshot=snapshot or _snapshot(submission)))  # fmt: skip
    if recipient:
        from gbvms.reports.views_review import review_forms

        context.update(review_forms(submission, sections, forms))
    return context


def _with_notes(form: Any, notes: dict[str, str]) -> list[dict[str, Any]]:
    return [{"field": f, "note": notes.get(f.name[2:], "")} for f in form.section_fields()]


def render_detail(
    request: HttpRequest, submission: Submission, status: int = 200, **forms: Any
) -> HttpResponse:
    return render(
        request, "reports/detail.html", detail_context(request, submission, **forms), status=status
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(request.user, pk)
    return render_detail(request, submission)


def _save_posted(request: HttpRequest, submission: Submission) -> tuple[Any, Submission | None]:
    """Save the posted sections; on an error the form carries it (and the typed text)."""
    form = rf.SectionsForm(request.POST, sections=ss.sections_with_titles(submission))
    if not form.is_valid():
        return form, None
    try:
        saved = ss.submission_save_sections(
            actor=request.user,
            submission=submission,
            sections=form.sections(),
            version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        form.add_error(None, error_text(exc))
        return form, None
    return form, saved


def _form_failed(request: HttpRequest, submission: Submission, form: Any) -> HttpResponse:
    """The page again with the typed text and the error; a report that is no longer editable
    shows the error as a message (there is no form to put it on)."""
    submission.refresh_from_db()
    if submission.status not in EDITABLE:
        for error in form.non_field_errors():
            messages.error(request, error)
        # sent or approved meanwhile (another tab, a colleague): the text typed here was not
        # saved and there is no form any more; show it so that it can be copied, not lost
        unsaved = [
            {"title": field.label, "text": str(field.value() or "")}
            for field in form.section_fields()
            if str(field.value() or "").strip()
        ]
        return render_detail(request, submission, unsaved=unsaved)
    return render_detail(request, submission, sections_form=form)


def _writable(request: HttpRequest, pk: int) -> Submission:
    """The report for a write: visible (else 404), and written by this user (else 403)."""
    submission = selectors.submission_get_for_user(request.user, pk)
    if not selectors.may_write(request.user, submission):
        raise PermissionDenied
    return submission


@login_required
@require_POST
def report_save(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _writable(request, pk)
    form, saved = _save_posted(request, submission)
    if saved is None:
        return _form_failed(request, submission, form)
    messages.success(request, _("Đã lưu báo cáo."))
    return redirect("reports:detail", pk=pk)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _writable(request, pk)
    with transaction.atomic():
        form, saved = _save_posted(request, submission)
        if saved is not None:
            try:
                version = ss.submission_submit(
                    actor=request.user, submission=saved, version=saved.version
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
                transaction.set_rollback(True)
                saved = None
    if saved is None:
        return _form_failed(request, submission, form)
    messages.success(
        request, _("Đã gửi báo cáo (phiên bản %(number)s).") % {"number": version.number}
    )
    return redirect("reports:detail", pk=pk)


@login_required
@require_POST
def report_prefill(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _writable(request, pk)
    prefill = optional("prefill", "submission_prefill")
    if prefill is None:
        raise Http404
    form, saved = _save_posted(request, submission)
    if saved is None:
        return _form_failed(request, submission, form)
    try:
        prefill(submission=saved, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Đã cập nhật số liệu từ hệ thống."))
    return redirect("reports:detail", pk=pk)
