"""Bulk entry by spreadsheet: download a template, import a filled one, export records in the
same layout (``xlsx_io``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from gbvms.core import scoping, tabular, uploads
from gbvms.core.audit import log_action
from gbvms.core.forms_util import GuardedForm
from gbvms.geo.selectors import unit_get
from gbvms.programme import selectors, xlsx_io
from gbvms.programme.xlsx_columns import export_rows

TITLES = {
    "event": gettext_lazy("Hoạt động truyền thông"),
    "training": gettext_lazy("Lớp tập huấn"),
    "budget": gettext_lazy("Dòng kinh phí"),
}
FILENAMES = {"event": "hoat-dong", "training": "tap-huan", "budget": "kinh-phi"}


class UploadForm(GuardedForm):
    file = forms.FileField(label=gettext_lazy("Tệp XLSX đã điền"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            limit = settings.UPLOAD_MAX_BYTES // uploads.MB
            raise forms.ValidationError(
                _("Tệp quá lớn (tối đa %(max)s MB).") % {"max": limit}, code="too_large"
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx."), code="not_xlsx")
        return upload


class ExportForm(GuardedForm):
    unit = forms.RegexField(regex=r"^\d{2}(\d{3})?$", required=False, max_length=5)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)


def _kind(kind: str) -> str:
    if kind not in xlsx_io.KINDS:
        raise Http404
    return kind


def _recorder(request: HttpRequest) -> None:
    if not scoping.has_permission(request.user, "programme.record"):
        raise PermissionDenied


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(f"programme:{name}", args=args)
    except NoReverseMatch:  # the page is not there (yet)
        return ""


@login_required
@require_GET
def xlsx_template(request: HttpRequest, kind: str) -> HttpResponse:
    _recorder(request)
    body = xlsx_io.workbook_bytes(_kind(kind), request.user)
    response = HttpResponse(body, content_type=tabular.XLSX_TYPE)
    response["Content-Disposition"] = tabular.attachment_header(f"mau-{FILENAMES[kind]}.xlsx")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def xlsx_import(request: HttpRequest, kind: str) -> HttpResponse:
    _recorder(request)
    _kind(kind)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    context: dict[str, Any] = {"form": form, "kind": kind, "kind_title": TITLES[kind],
                               "errors": [], "done": None}  # fmt: skip
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            result = xlsx_io.import_file(actor=request.user, kind=kind,
                                         data=form.cleaned_data["file"].read(),
                                         request=request)  # fmt: skip
            context["errors"] = result.errors
            if not result.errors:
                status = 200
                log_action(action="programme.xlsx.imported", actor=request.user,
                           request=request, changes={"kind": kind,
                                                     "rows": len(result.records)})  # fmt: skip
                context["done"] = [
                    {"record": r, "url": _url(f"{kind}_detail", r.pk)} for r in result.records
                ]
    context["list_url"] = _url(f"{kind}_list")
    return render(request, "programme/xlsx_import.html", context, status=status)


@login_required
@require_GET
def xlsx_export(request: HttpRequest, kind: str) -> HttpResponse:
    if not scoping.has_permission(request.user, "programme.view"):
        raise PermissionDenied
    _kind(kind)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Bộ lọc không hợp lệ."))
    code, year = form.cleaned_data["unit"], form.cleaned_data["year"]
    unit_path = ""
    if code:
        unit = unit_get(code=code, level="commune" if len(code) == 5 else "province")
        if unit is None:
            raise Http404
        unit_path = unit.path
    records = selectors.record_list(user=request.user, kind=kind, unit_path=unit_path, year=year)
    if kind == "training":
        records = records.prefetch_related("participations")
    records = records.select_related("unit", "lead_agency")
    body = xlsx_io.workbook_bytes(kind, request.user, export_rows(kind, records))
    log_action(action="programme.xlsx.exported", actor=request.user, request=request,
               changes={"kind": kind, "unit": code, "year": year})  # fmt: skip
    response = HttpResponse(body, content_type=tabular.XLSX_TYPE)
    name = "-".join(str(p) for p in (FILENAMES[kind], code, year) if p)
    response["Content-Disposition"] = tabular.attachment_header(f"{name}.xlsx")
    return response
