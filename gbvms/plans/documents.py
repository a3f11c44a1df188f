"""Plan documents in: DOCX, Markdown or plain text → text the importer reads."""

from __future__ import annotations

import io
import zipfile
from typing import Any

MAX_BYTES = 20 * 1024 * 1024


class UnreadableDocumentError(ValueError):
    """The file is not text or a DOCX we can open (the message is for the user)."""


def docx_text(data: bytes) -> str:
    """Paragraphs and tables of a DOCX in document order: headings become '#' lines, list
    paragraphs '- ' bullets, tables '| a | b |' rows (which the importer reads as activities)."""
    import docx
    from docx.document import Document as DocumentObject
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document: DocumentObject = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, Exception) as exc:
        raise UnreadableDocumentError("Không mở được tệp DOCX.") from exc
    out: list[str] = []
    body: Any = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            text = paragraph.text.strip()
            if not text:
                out.append("")
                continue
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            numbered = child.pPr is not None and child.pPr.numPr is not None
            if style.lower().startswith("heading") and style[-1:].isdigit():
                out.append("#" * int(style[-1]) + " " + text)
            elif style.lower().startswith("title"):
                out.append("# " + text)
            elif numbered or style.lower().startswith("list"):
                out.append("- " + text)
            else:
                out.append(text)
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            for row in table.rows:
                cells = [" ".join(c.text.split()) for c in row.cells]
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
    return "\n".join(out)


def read_document(name: str, data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise UnreadableDocumentError("Tệp quá lớn (tối đa 20 MB).")
    if name.lower().endswith(".docx") or data[:2] == b"PK":
        return docx_text(data)
    if name.lower().endswith(".doc"):
        raise UnreadableDocumentError("Tệp .doc cũ chưa được hỗ trợ; hãy lưu lại thành .docx.")
    encodings = ["utf-16"] if data[:2] in (b"\xff\xfe", b"\xfe\xff") else []
    for encoding in [*encodings, "utf-8-sig", "cp1258"]:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise UnreadableDocumentError("Không đọc được tệp: hãy dùng DOCX, Markdown hoặc văn bản UTF-8.")
