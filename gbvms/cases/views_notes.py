"""Pages of the case file: progress notes, the narrative, the survivor's details.

Each fetches the case through ``selectors.case_get_for_user`` (need-to-know, logged), calls
the same service as the API, and shows errors in place. The forms are loaded on demand into
the case page (HTMX fragments) and work as pages of their own without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gbvms.cases import changes, selectors, selectors_notes, services_notes, services_survivor
from gbvms.cases.forms_notes import NarrativeForm, NoteEditForm, NoteForm, SurvivorForm
from gbvms.cases.models import Case, CaseNote
from gbvms.core.forms_util import add_service_errors


def _case(request: HttpRequest, code: str, *, write: bool) -> Case:
    if not write:
        return selectors.case_get_for_user(user=request.user, code=code, request=request)
    return selectors.case_get_for_user(
        user=request.user, code=code, request=request, for_write=True, action="cases.case.opened"
    )


def _form_response(
    request: HttpRequest, case: Case, form: Any, *, action: str, title: str, button: str,
    status: int = 200, extra: dict[str, Any] | None = None,
) -> HttpResponse:  # fmt: skip
    context = {"case": case, "form": form, "action": action, "title": title, "button": button}
    context |= extra or {}
    template = "cases/case_file_form.html#fragment" if request.htmx else "cases/case_file_form.html"
    return render(request, template, context, status=status)


def _back(case: Case, anchor: str) -> HttpResponse:
    return redirect(reverse("cases:detail", args=[case.code]) + anchor)


@login_required
@require_GET
def notes(request: HttpRequest, code: str) -> HttpResponse:
    """The case's notes (reading them is reading the case: logged) and the form to add one."""
    case = _case(request, code, write=False)
    context = {
        "case": case,
        "notes": selectors_notes.notes_for_page(case, request.user),
        "form": NoteForm(),
    }
    template = "cases/notes.html#notes" if request.htmx else "cases/notes.html"
    return render(request, template, context)


@login_required
@require_http_methods(["POST"])
def note_add(request: HttpRequest, code: str) -> HttpResponse:
    case = _case(request, code, write=True)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                version = changes.parse_version(request.POST.get("case_version"))
                if version is not None:  # an addition: checked when the form carries one
                    changes.case_claim(case, version)
                services_notes.note_add(actor=request.user, case=case, request=request,
                                        **form.cleaned_data)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm ghi chú."))
            return _back(case, "#notes-h")
    context = {"case": case, "notes": selectors_notes.notes_for_page(case, request.user),
               "form": form}  # fmt: skip
    return render(request, "cases/notes.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Correct a note: its author, for 24 hours (the service decides; the earlier text stays)."""
    case, note = selectors.case_item_get_for_user(
        user=request.user, code=code, model=CaseNote, item_id=pk, request=request
    )
    initial = {"text": note.text, "revision": note.revision}
    form = NoteEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services_notes.note_edit(actor=request.user, note=note, request=request,
                                     **form.cleaned_data)  # fmt: skip
        except PermissionDenied:
            raise
        except ValidationError as exc:
            add_service_errors(form, exc)
            status = 409 if exc.code in {"stale", "case_closed"} else 400
        else:
            messages.success(request, _("Đã sửa ghi chú; bản cũ được lưu lại."))
            return _back(case, "#notes-h")
    elif request.method == "POST":
        status = 400
    return _form_response(
        request, case, form, action=reverse("cases:note_edit", args=[case.code, note.pk]),
        title=_("Sửa ghi chú"), button=_("Lưu ghi chú"), status=status,
        extra={"revisions": note.revisions.order_by("-id")},
    )  # fmt: skip


def _claimed(request: HttpRequest, case: Case, form: Any, call: Any) -> int | None:
    """Run ``call`` in a transaction holding the case at the version the form was loaded
    with; the status of the refusal (errors on the form), or None when saved."""
    try:
        with transaction.atomic():
            changes.case_claim(case, changes.parse_version(request.POST.get("case_version")))
            call()
        return None
    except ValidationError as exc:
        add_service_errors(form, exc)
        return 409 if exc.code in {"stale", "case_closed"} else 400


@login_required
@require_http_methods(["GET", "POST"])
def narrative(request: HttpRequest, code: str) -> HttpResponse:
    case = _case(request, code, write=True)
    form = NarrativeForm(request.POST or None, initial={"narrative": case.summary})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            status = _claimed(request, case, form, lambda: services_survivor.narrative_set(
                actor=request.user, case=case, request=request, **form.cleaned_data))  # fmt: skip
            if status is None:
                messages.success(request, _("Đã lưu lời kể."))
                return _back(case, "#narrative-h")
    return _form_response(
        request, case, form, action=reverse("cases:narrative", args=[case.code]),
        title=_("Lời kể sự việc"), button=_("Lưu lời kể"), status=status,
        extra={"history": selectors_notes.case_file_changes(case, "narrative")},
    )  # fmt: skip


def _duplicates_message(request: HttpRequest, done: services_survivor.SurvivorUpdated) -> None:
    found = done.duplicates
    if found.visible_codes:
        messages.warning(request, _("Có thể trùng với vụ việc: %(codes)s.")
                         % {"codes": ", ".join(found.visible_codes)})  # fmt: skip
    if found.hidden_count:
        hidden = _("Có %(n)d vụ việc có thể trùng mà bạn không có quyền xem; hãy báo người giám "
                   "sát.")  # fmt: skip
        messages.warning(request, hidden % {"n": found.hidden_count})
    if not found.any:
        messages.info(request, _("Đã kiểm tra trùng lặp: không thấy vụ việc trùng."))


@login_required
@require_http_methods(["GET", "POST"])
def survivor_edit(request: HttpRequest, code: str) -> HttpResponse:
    case = _case(request, code, write=True)
    form = SurvivorForm(request.POST or None, initial=SurvivorForm.initial_for(case.survivor))
    status, done = 200, []
    if request.method == "POST":
        status = 400
        if form.is_valid():

            def save() -> None:
                done.append(
                    services_survivor.survivor_update(
                        actor=request.user, case=case, data=form.cleaned_data, request=request
                    )
                )

            status = _claimed(request, case, form, save)
            if status is None:
                messages.success(request, _("Đã lưu thông tin người bị bạo lực."))
                _duplicates_message(request, done[0])
                return _back(case, "#survivor-h")
    return _form_response(
        request, case, form, action=reverse("cases:survivor", args=[case.code]),
        title=_("Sửa thông tin người bị bạo lực"), button=_("Lưu thông tin"), status=status,
        extra={"history": selectors_notes.case_file_changes(case, "survivor")},
    )  # fmt: skip


# included by cases/urls.py under /cases/
urlpatterns = [
    path("<str:code>/notes/", notes, name="notes"),
    path("<str:code>/notes/add/", note_add, name="note_add"),
    path("<str:code>/notes/<int:pk>/edit/", note_edit, name="note_edit"),
    path("<str:code>/narrative/", narrative, name="narrative"),
    path("<str:code>/survivor/", survivor_edit, name="survivor"),
]
