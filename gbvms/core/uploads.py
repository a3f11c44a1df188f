"""Limits on what an uploaded document may unpack to, checked before any parser opens it.

DOCX and XLSX files are zip containers: a 2 MB upload can declare a member of gigabytes. Before
python-docx or openpyxl reads one, :func:`check_zip` reads the zip's central directory (no
decompression) and refuses a container with too many members, a member or a total whose declared
uncompressed size is above the limit, or a member that would grow more than ``UPLOAD_MAX_RATIO``
times. Python's ``zipfile`` never returns more bytes than a member declares (it stops at the
declared size and fails the CRC check), so the declared sizes bound what the parsers can read.

Text from any source (pasted, a text file, extracted from a DOCX) is at most
``TEXT_MAX_CHARS`` characters: :func:`check_text` refuses more, :func:`cut_text` keeps the
first part of a paste. Every refusal is a ``ValidationError`` with a stable code and a message
for the user. Settings (``docs/configuration.md``): ``GBVMS_UPLOAD_MAX_UNPACKED_MB``,
``GBVMS_UPLOAD_MAX_RATIO``, ``GBVMS_UPLOAD_MAX_MEMBERS``, ``GBVMS_TEXT_MAX_CHARS``.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024
# Members smaller than this are never refused for their ratio (tiny XML parts compress well).
RATIO_FLOOR = MB


def _mb(size: int) -> str:
    return f"{size / MB:.0f}"


def check_zip(data: bytes, *, kind: str = "DOCX") -> None:
    """Refuse a zip container (DOCX, XLSX) that would unpack to more than the limits allow."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ValidationError(
            _("Không mở được tệp %(kind)s.") % {"kind": kind}, code="unreadable"
        ) from exc
    if len(members) > settings.UPLOAD_MAX_MEMBERS:
        raise ValidationError(
            _("Tệp %(kind)s có quá nhiều thành phần (%(n)s, tối đa %(max)s).")
            % {"kind": kind, "n": len(members), "max": settings.UPLOAD_MAX_MEMBERS},
            code="too_many_members",
        )
    limit = settings.UPLOAD_MAX_UNPACKED_BYTES
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > limit or total > limit:
            raise ValidationError(
                _("Tệp %(kind)s khi giải nén lớn hơn %(max)s MB; không đọc tệp này.")
                % {"kind": kind, "max": _mb(limit)},
                code="unpacked_too_large",
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > settings.UPLOAD_MAX_RATIO:
            raise ValidationError(
                _(
                    "Tệp %(kind)s bị nén bất thường (một thành phần nở ra %(ratio)s lần); "
                    "không đọc tệp này."
                )
                % {"kind": kind, "ratio": int(ratio)},
                code="suspicious_compression",
            )


def text_too_long(limit: int | None = None) -> ValidationError:
    limit = limit or settings.TEXT_MAX_CHARS
    return ValidationError(
        _("Văn bản dài hơn giới hạn %(max)s ký tự.") % {"max": f"{limit:,}".replace(",", ".")},
        code="text_too_long",
    )


def check_text(text: str) -> str:
    """The text itself, or a refusal when it is longer than ``TEXT_MAX_CHARS``."""
    if len(text) > settings.TEXT_MAX_CHARS:
        raise text_too_long()
    return text


def cut_text(text: str) -> tuple[str, bool]:
    """The first ``TEXT_MAX_CHARS`` characters of ``text``, and whether anything was cut."""
    limit = settings.TEXT_MAX_CHARS
    return (text[:limit], True) if len(text) > limit else (text, False)
