"""Plan documents in: DOCX, PDF (``importer.read``), Markdown or plain text → text the importer
reads."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gbvms.core import uploads


class UnreadableDocumentError(ValueError):
    """The file is not text or a DOCX we can open (the message is for the user; ``code`` is
    stable: unreadable, too_large, text_too_long, unpacked_too_large, …)."""

    def __init__(self, message: str, code: str = "unreadable") -> None:
        super().__init__(message)
        self.code = code

    def as_validation_error(self) -> ValidationError:
        return ValidationError(str(self), code=self.code)


class _TextBudget:
    """Counts the characters extracted so far and refuses past ``TEXT_MAX_CHARS``."""

    def __init__(self) -> None:
        self.left = settings.TEXT_MAX_CHARS + 1  # the last line has no newline

    def take(self, text: str) -> str:
        self.left -= len(text) + 1
        if self.left < 0:
            error = uploads.text_too_long()
            raise UnreadableDocumentError(error.messages[0], code="text_too_long")
        return text


def _paragraph_line(p: Any, text: str, style_names: dict[str, str]) -> str:
    """A paragraph as the importer reads it: '#' headings, '- ' list items, or plain text.
    (The style's name comes from a map read once: python-docx's ``paragraph.style`` scans
    every style of the document on each call, two minutes for 20,000 paragraphs.)"""
    style = style_names.get(p.style or "", "")
    numbered = p.pPr is not None and p.pPr.numPr is not None
    if style.lower().startswith("heading") and style[-1:].isdigit():
        return "#" * int(style[-1]) + " " + text
    if style.lower().startswith("title"):
        return "# " + text
    if numbered or style.lower().startswith("list"):
        return "- " + text
    return text


def _open_docx(data: bytes) -> Any:
    import docx

    try:
        uploads.check_zip(data, kind="DOCX")
    except ValidationError as exc:
        raise UnreadableDocumentError(exc.messages[0], code=exc.code or "unreadable") from exc
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, Exception) as exc:
        raise UnreadableDocumentError(_("Không mở được tệp DOCX.")) from exc


def docx_text(data: bytes) -> str:
    """Paragraphs and tables of a DOCX in document order: headings become '#' lines, list
    paragraphs '- ' bullets, tables '| a | b |' rows (which the importer reads as activities).
    The zip is checked first (``core.uploads.check_zip``) and the text stops at the text limit."""
    from docx.document import Document as DocumentObject
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document: DocumentObject = _open_docx(data)
    style_names = {style.style_id: style.name or "" for style in document.styles}
    budget = _TextBudget()
    out: list[str] = []
    body: Any = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            text = budget.take(paragraph.text.strip())
            out.append(_paragraph_line(child, text, style_names) if text else "")
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            for row in table.rows:
                cells = [budget.take(" ".join(c.text.split())) for c in row.cells]
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
    return "\n".join(out)


def too_large() -> UnreadableDocumentError:
    limit = settings.UPLOAD_MAX_BYTES // uploads.MB
    return UnreadableDocumentError(
        _("Tệp quá lớn (tối đa %(max)s MB).") % {"max": limit}, code="too_large"
    )


def read_document(name: str, data: bytes) -> str:
    """The text of a DOCX, PDF, Markdown or text file, at most ``TEXT_MAX_CHARS`` characters (a
    longer one is refused, never cut: a plan read in part would be saved in part)."""
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise too_large()
    from gbvms.plans.importer.read import is_pdf, pdf_text

    if name.lower().endswith(".docx") or data[:2] == b"PK":
        text = docx_text(data)
    elif is_pdf(name, data):
        text = pdf_text(data)
    elif name.lower().endswith(".doc"):
        raise UnreadableDocumentError(
            _("Tệp .doc cũ chưa được hỗ trợ; hãy lưu lại thành .docx."), code="old_doc"
        )
    else:
        text = _decode(data)
    try:
        return uploads.check_text(text)
    except ValidationError as exc:
        raise UnreadableDocumentError(exc.messages[0], code="text_too_long") from exc


def _decode(data: bytes) -> str:
    encodings = ["utf-16"] if data[:2] in (b"\xff\xfe", b"\xfe\xff") else []
    for encoding in [*encodings, "utf-8-sig", "cp1258"]:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise UnreadableDocumentError(
        _("Không đọc được tệp: hãy dùng DOCX, PDF có lớp chữ, Markdown hoặc văn bản UTF-8."),
        code="encoding",
    )
