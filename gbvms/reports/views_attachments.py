"""Files sent with a report: upload and remove (the submitter, while editable), download
(whoever may read it, through ``selectors.attachment_get_for_user``; never from the web root).
``attachments_context`` feeds the ``reports/_attachments.html`` include of the report page."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gbvms.core import files
from gbvms.core.audit import log_action
from gbvms.core.forms_util import GuardedForm
from gbvms.core.tabular import stored_file_response
from gbvms.programme.services_evidence import ACCEPT, max_bytes
from gbvms.reports import selectors, services_attachments
from gbvms.reports.errors import code_of
from gbvms.reports.models import EDITABLE, Submission

logger = logging.getLogger(__name__)


class AttachmentForm(GuardedForm):
    upload = forms.FileField(label=gettext_lazy("Tệp đính kèm"), max_length=None)


def attachments_context(request: HttpRequest, submission: Submission, *, writer: bool,
                        snapshot: Any = None) -> dict[str, Any]:  # fmt: skip
    """The files a viewer of the report sees: its writer every file (removable if not yet sent),
    anyone else those of the snapshot shown."""
    if writer:
        rows = list(services_attachments.attachments_of(submission))
    elif snapshot is not None:
        rows = list(services_attachments.attachments_of(submission, version=snapshot))
    else:
        rows = []
    frozen = services_attachments.frozen_ids(submission) if writer else set()
    editable = writer and submission.status in EDITABLE
    return {
        "attachments": [{"file": a, "removable": editable and a.pk not in frozen} for a in rows],
        "can_attach": editable,
        "attachment_form": AttachmentForm(),
        "attachment_accept": ACCEPT,
        "attachment_max_mb": max_bytes() // (1024 * 1024),
    }


def _writable(request: HttpRequest, pk: int) -> Submission:
    from gbvms.reports.views import _writable as writable

    return writable(request, pk)


def _message(exc: ValidationError) -> str:
    if code_of(exc) == "not_editable":
        return _("Báo cáo không còn ở trạng thái được sửa.")
    if code_of(exc) == "attachment_sent":
        return _("Tệp đã được gửi kèm một phiên bản báo cáo nên không thể xóa.")
    return " ".join(exc.messages)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _writable(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("reports:detail", pk=pk)
    try:
        services_attachments.attachment_add(actor=request.user, submission=submission,
                                            upload=form.cleaned_data["upload"])  # fmt: skip
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("Đã đính kèm tệp vào báo cáo."))
    return redirect("reports:detail", pk=pk)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = selectors.attachment_get_for_user(request.user, pk)
    try:
        data = files.load(attachment.blob)
    except files.StoredFileError:
        logger.exception("report attachment %s: stored file unreadable", attachment.pk)
        raise Http404 from None
    log_action(action="reports.attachment.downloaded", actor=request.user, request=request,
               obj=attachment, changes={"submission": attachment.submission_id})  # fmt: skip
    return stored_file_response(
        data, content_type=attachment.content_type, filename=attachment.name
    )


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = selectors.attachment_get_for_user(request.user, pk)
    submission = _writable(request, attachment.submission_id)
    try:
        services_attachments.attachment_delete(actor=request.user, attachment=attachment)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("Đã xóa tệp đính kèm."))
    return redirect("reports:detail", pk=submission.pk)
