"""Evidence files of programme records (attendance lists, photos, reports).

Only the members of the record's lead agency who hold ``programme.record`` add them; the file
is checked (size ``EVIDENCE_MAX_MB``, type by extension AND content, zip-bomb limits of
``core.uploads`` for DOCX/XLSX, a file name of at most 200 characters without control
characters), then stored encrypted by ``core.files``; the file name is an encrypted field. The
access log names the record and the evidence row, never the file name.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from gbvms.core import files, inputs, uploads
from gbvms.core.tabular import XLSX_TYPE
from gbvms.programme import selectors
from gbvms.programme.models import Evidence
from gbvms.programme.services import log

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NAME_MAX = 200
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# extension -> (content type, label shown to users)
TYPES: dict[str, tuple[str, str]] = {
    ".pdf": ("application/pdf", "PDF"),
    ".docx": (DOCX_TYPE, "DOCX"),
    ".xlsx": (XLSX_TYPE, "XLSX"),
    ".jpg": ("image/jpeg", "JPEG"),
    ".jpeg": ("image/jpeg", "JPEG"),
    ".png": ("image/png", "PNG"),
}
ACCEPT = ",".join(TYPES)  # for <input accept=...>
ZIP_MAIN_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_MB", 10)) * uploads.MB


def _invalid(message: str, code: str) -> ValidationError:
    return ValidationError({"upload": ValidationError(message, code=code)})


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def check_name(raw: str) -> str:
    name = (raw or "").strip()
    if not name or len(name) > NAME_MAX:
        raise _invalid(_("Tên tệp phải có từ 1 đến %(max)s ký tự.") % {"max": NAME_MAX}, "bad_name")
    if inputs.has_control_characters(name, multiline=False) or "/" in name or "\\" in name:
        raise _invalid(_("Tên tệp chứa ký tự không hợp lệ."), "bad_name")
    return name


def _zip_has(data: bytes, part: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return False
    return part in names and "[Content_Types].xml" in names


def _content_matches(extension: str, data: bytes) -> bool:
    if extension == ".pdf":
        return data.startswith(b"%PDF-")
    if extension == ".png":
        return data.startswith(PNG_SIGNATURE)
    if extension in {".jpg", ".jpeg"}:
        return data.startswith(b"\xff\xd8\xff")
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        uploads.check_zip(data, kind=TYPES[extension][1])
    except ValidationError as exc:  # a zip bomb, too many parts, unreadable
        raise _invalid(exc.messages[0], exc.error_list[0].code or "bad_type") from exc
    return _zip_has(data, ZIP_MAIN_PART[extension])


def check_file(name: str, data: bytes) -> str:
    """The content type of an acceptable file; ValidationError (field ``upload``) otherwise."""
    if len(data) > max_bytes():
        raise _invalid(
            _("Tệp lớn hơn %(max)s MB.") % {"max": max_bytes() // uploads.MB}, "too_large"
        )
    extension = _extension(name)
    if extension not in TYPES:
        raise _invalid(_("Chỉ nhận tệp PDF, DOCX, XLSX, JPEG hoặc PNG."), "bad_type")
    if not data or not _content_matches(extension, data):
        raise _invalid(
            _("Nội dung tệp không phải %(kind)s như phần mở rộng của tên tệp.")
            % {"kind": TYPES[extension][1]},
            "bad_type",
        )
    return TYPES[extension][0]


def read_limited(upload: Any) -> bytes:
    """At most one byte more than the limit, so an oversized upload is never read whole."""
    if getattr(upload, "size", 0) and upload.size > max_bytes():
        raise _invalid(
            _("Tệp lớn hơn %(max)s MB.") % {"max": max_bytes() // uploads.MB}, "too_large"
        )
    upload.seek(0)
    return upload.read(max_bytes() + 1)


def may_add(actor: Any, record: Any) -> bool:
    return selectors.recording_agencies(actor).filter(pk=record.lead_agency_id).exists()


def evidence_add(*, actor: Any, kind: str, record: Any, upload: Any,
                 request: HttpRequest | None = None) -> Evidence:  # fmt: skip
    """Store ``upload`` (an UploadedFile or any file-like object with ``name``) encrypted as
    evidence of ``record``."""
    if kind not in selectors.KINDS or not may_add(actor, record):
        raise PermissionDenied
    name = check_name(getattr(upload, "name", ""))
    data = read_limited(upload)
    content_type = check_file(name, data)
    blob = files.store(data)
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                record_kind=kind, record_id=record.pk, agency_id=record.lead_agency_id,
                name=name, content_type=content_type, size=len(data),
                sha256=hashlib.sha256(data).hexdigest(), blob=blob, uploaded_by=actor,
            )  # fmt: skip
            log("evidence.added", actor=actor, record=evidence, request=request,
                changes={"record_kind": kind, "record_id": record.pk, "size": len(data),
                         "content_type": content_type})  # fmt: skip
    except BaseException:
        files.delete(blob)
        raise
    return evidence


def evidence_delete(*, actor: Any, evidence: Evidence, request: HttpRequest | None = None) -> None:
    """Remove an evidence file: the members of the uploading agency with programme.record."""
    if not selectors.recording_agencies(actor).filter(pk=evidence.agency_id).exists():
        raise PermissionDenied
    blob = evidence.blob
    with transaction.atomic():
        where = {"record_kind": evidence.record_kind, "record_id": evidence.record_id}
        log("evidence.deleted", actor=actor, record=evidence, request=request, changes=where)
        evidence.delete()
        transaction.on_commit(lambda: files.delete(blob))
