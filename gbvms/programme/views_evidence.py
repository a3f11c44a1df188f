"""Evidence files of programme records: upload, download (access-checked, never from the web
root) and delete; ``evidence_context`` feeds the ``_evidence.html`` include of detail pages."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gbvms.core import files
from gbvms.core.audit import log_action
from gbvms.core.forms_util import GuardedForm, add_service_errors
from gbvms.core.tabular import stored_file_response
from gbvms.programme import selectors, services_evidence
from gbvms.programme.models import Evidence

logger = logging.getLogger(__name__)


class EvidenceForm(GuardedForm):
    upload = forms.FileField(label=gettext_lazy("Tệp minh chứng"), max_length=None)


def _kind(kind: str) -> str:
    if kind not in selectors.KINDS:
        raise Http404
    return kind


def detail_url(kind: str, record_id: int) -> str:
    try:
        return reverse(f"programme:{kind}_detail", args=[record_id])
    except NoReverseMatch:
        return reverse("programme:home")


def _hidden_count(kind: str, record: Any, shown: int) -> int:
    # the number of files only (no name, no content) for who may see the record itself
    total = Evidence.objects.filter(record_kind=kind, record_id=record.pk).count()
    return max(total - shown, 0)


def evidence_context(request: HttpRequest, kind: str, record: Any) -> dict[str, Any]:
    """What ``programme/_evidence.html`` needs on the detail page of ``record``."""
    shown = list(selectors.evidence_for(user=request.user, kind=kind, record_id=record.pk))
    return {
        "evidence_files": shown,
        "evidence_hidden_count": _hidden_count(kind, record, len(shown)),
        "can_upload_evidence": services_evidence.may_add(request.user, record),
        "evidence_kind": kind,
        "evidence_record": record,
        "evidence_accept": services_evidence.ACCEPT,
        "evidence_max_mb": services_evidence.max_bytes() // (1024 * 1024),
    }


@login_required
@require_POST
def evidence_upload(request: HttpRequest, kind: str, record_id: int) -> HttpResponse:
    kind = _kind(kind)
    record = selectors.record_get_for_user(
        user=request.user, kind=kind, pk=record_id, for_write=True
    )
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services_evidence.evidence_add(
                actor=request.user, kind=kind, record=record,
                upload=form.cleaned_data["upload"], request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã tải lên tệp minh chứng."))
            return redirect(detail_url(kind, record.pk))
    context = {"evidence_form": form, "record": record, "back_url": detail_url(kind, record.pk),
               **evidence_context(request, kind, record)}  # fmt: skip
    return render(request, "programme/evidence_upload.html", context, status=400)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.evidence_get_for_user(user=request.user, pk=pk)
    try:
        data = files.load(evidence.blob)
    except files.StoredFileError:
        logger.exception("evidence %s: stored file unreadable", evidence.pk)
        raise Http404 from None
    log_action(action="programme.evidence.downloaded", actor=request.user, request=request,
               obj=evidence, changes={"record_kind": evidence.record_kind,
                                      "record_id": evidence.record_id})  # fmt: skip
    return stored_file_response(data, content_type=evidence.content_type, filename=evidence.name)


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.evidence_get_for_user(user=request.user, pk=pk)
    back = detail_url(evidence.record_kind, evidence.record_id)
    services_evidence.evidence_delete(actor=request.user, evidence=evidence, request=request)
    messages.success(request, _("Đã xóa tệp minh chứng."))
    return redirect(back)
