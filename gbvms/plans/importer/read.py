"""Documents in: the bytes of an uploaded file → the text the importer reads.

DOCX, Markdown and text are read by ``gbvms.plans.documents.read_document``; a PDF with a text
layer (as official portals publish them) by ``pypdf``, page by page. A scanned PDF (images, no
text) is refused with a clear message: there is no OCR.
"""

from __future__ import annotations

import io
import logging
import re

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

PDF_MIN_CHARS_PER_PAGE = 40  # below this on average, the pages are images (a scan)


def is_pdf(name: str, data: bytes) -> bool:
    return name.lower().endswith(".pdf") or data[:5] == b"%PDF-"


PAGE_NUMBER = re.compile(r"^\s*(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?\s*$", re.IGNORECASE)


def _without_page_number(page: str) -> str:
    """A page's text without the page number printed at its top or bottom."""
    lines = page.strip("\n").split("\n")
    if lines and PAGE_NUMBER.match(lines[0]):
        lines = lines[1:]
    if lines and PAGE_NUMBER.match(lines[-1]):
        lines = lines[:-1]
    return "\n".join(lines)


def pdf_text(data: bytes) -> str:
    """The text of a PDF's pages (page numbers dropped). Raises ``UnreadableDocumentError``
    for a damaged or encrypted PDF and for a scan without text."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    from gbvms.plans.documents import UnreadableDocumentError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocumentError(
                _("Tệp PDF được đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên lại."), code="pdf_locked"
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableDocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        logger.info("unreadable PDF: %s", type(exc).__name__)  # the file's content is not logged
        raise UnreadableDocumentError(_("Không mở được tệp PDF."), code="unreadable") from exc
    # one line between pages, so a sentence cut by the page break is rejoined like any other
    text = "\n".join(_without_page_number(p) for p in pages)
    visible = sum(1 for c in text if not c.isspace())
    if not pages or visible < PDF_MIN_CHARS_PER_PAGE * len(pages):
        raise UnreadableDocumentError(
            _("Tệp PDF này là bản quét (ảnh), không có lớp chữ nên không đọc được. Hãy tải lên "
              "bản DOCX hoặc PDF có chữ (chọn được, sao chép được), hoặc dán nội dung văn bản."),
            code="pdf_scanned",
        )  # fmt: skip
    return text


def document_text(data: bytes, filename: str) -> str:
    """The text of an uploaded plan document: .pdf, .docx, .md or .txt (``UnreadableDocumentError``
    with a message for the officer otherwise)."""
    from gbvms.plans.documents import read_document

    return read_document(filename, data)
