"""The official files of a report: DOCX (Nghị định 30/2020) and XLSX (statistical form).

Read access as for the report itself (``reports.selectors.submission_get_for_user``): a
submission that is not visible and an unknown version are the same 404. Every download is
written to the access log."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from gbvms.api.schema import QuerySchema
from gbvms.core.audit import log_action
from gbvms.core.tabular import XLSX_TYPE, attachment_header
from gbvms.reports import export, xlsx
from gbvms.reports.docx import DOCX_TYPE
from gbvms.reports.selectors import submission_get_for_user

router = Router(tags=["reports"])


class FileQuery(QuerySchema):
    version: int | None = Field(
        None, ge=1, le=100000, description="A submitted version (default: the latest one, or "
        "the live draft for its writers)"
    )  # fmt: skip


class Problem(Schema):
    code: str
    detail: str


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


def _file(request: HttpRequest, report_id: int, query: FileQuery, kind: str) -> Any:
    user = _user(request)
    if not 0 < report_id < 2**31:
        return Status(404, Problem(code="not_found", detail="Not found"))
    try:
        submission = submission_get_for_user(user, report_id)
        if kind == "docx":
            content, name = export.submission_docx(
                submission=submission, actor=user, version=query.version
            )
        else:
            content, name = xlsx.submission_xlsx(
                submission=submission, actor=user, version=query.version
            )
    except Http404:
        return Status(404, Problem(code="not_found", detail="Not found"))
    log_action(
        action=f"reports.export.{kind}",
        actor=user,
        request=request,
        obj=submission,
        changes={"period": submission.period, "version": query.version, "file": name},
    )
    response = HttpResponse(content, content_type=DOCX_TYPE if kind == "docx" else XLSX_TYPE)
    response["Content-Disposition"] = attachment_header(name)
    return response


def _binary(description: str, content_type: str) -> dict[str, Any]:
    return {
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


@router.get(
    "/reports/{report_id}/docx",
    response={200: None, 404: Problem},
    summary="The report as an official DOCX (Decree 30/2020 layout)",
    openapi_extra=_binary("DOCX; a submitted version carries its registered number", DOCX_TYPE),
)
def report_docx(request: HttpRequest, report_id: int, query: Query[FileQuery]) -> Any:
    return _file(request, report_id, query, "docx")


@router.get(
    "/reports/{report_id}/xlsx",
    response={200: None, 404: Problem},
    summary="The report's tables as an XLSX statistical form (hidden _meta sheet)",
    openapi_extra=_binary("XLSX, formula-safe", XLSX_TYPE),
)
def report_xlsx(request: HttpRequest, report_id: int, query: Query[FileQuery]) -> Any:
    return _file(request, report_id, query, "xlsx")
