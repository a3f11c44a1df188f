"""The upload guard (gbvms/core/uploads.py): a zip container is judged by its central directory
before any parser opens it; text is capped at one limit."""

import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from gbvms.core import uploads

MB = 1024 * 1024


def bomb(size: int = 200 * MB, name: str = "word/document.xml") -> bytes:
    """A zip whose one member unpacks to ``size`` bytes of repeated XML (written in chunks, so
    the test never holds the unpacked member in memory)."""
    buffer = io.BytesIO()
    chunk = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 30_000
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(name, "w", force_zip64=True) as member:
            for _ in range(size // len(chunk) + 1):
                member.write(chunk)
    return buffer.getvalue()


def refusal(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        uploads.check_zip(data, kind="DOCX")
    return caught.value


def test_a_member_declared_larger_than_the_limit_is_refused_without_unpacking():
    data = bomb()
    assert len(data) < 2 * MB  # a small upload …
    started = time.perf_counter()
    error = refusal(data)  # … that would unpack to 200 MB
    assert time.perf_counter() - started < 0.5
    assert error.code == "unpacked_too_large"
    assert error.messages == ["Tệp DOCX khi giải nén lớn hơn 50 MB; không đọc tệp này."]


def test_a_suspicious_ratio_is_refused_even_under_the_size_limit():
    error = refusal(bomb(5 * MB))  # 5 MB of repeated XML in a few kilobytes
    assert error.code == "suspicious_compression"
    assert "nén bất thường" in error.messages[0]


@override_settings(UPLOAD_MAX_UNPACKED_BYTES=3 * MB)
def test_the_total_of_the_members_counts():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for n in range(4):  # four members of 1 MB each: every one allowed, not all together
            archive.writestr(f"media/image{n}.bin", bytes(range(256)) * 4096)
    assert refusal(buffer.getvalue()).code == "unpacked_too_large"


@override_settings(UPLOAD_MAX_MEMBERS=10)
def test_too_many_members_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(11):
            archive.writestr(f"part{n}.xml", "<x/>")
    error = refusal(buffer.getvalue())
    assert error.code == "too_many_members"
    assert error.messages == ["Tệp DOCX có quá nhiều thành phần (11, tối đa 10)."]


def test_not_a_zip_is_unreadable():
    assert refusal(b"PK\x03\x04 not really").code == "unreadable"


def test_an_ordinary_docx_passes():
    import docx

    document = docx.Document()
    document.add_paragraph("Kế hoạch " * 1000)
    buffer = io.BytesIO()
    document.save(buffer)
    uploads.check_zip(buffer.getvalue(), kind="DOCX")  # no error


@override_settings(TEXT_MAX_CHARS=10)
def test_text_limit():
    assert uploads.check_text("x" * 10) == "x" * 10
    with pytest.raises(ValidationError) as caught:
        uploads.check_text("x" * 11)
    assert caught.value.code == "text_too_long"
    assert uploads.cut_text("abcdefghijkl") == ("abcdefghij", True)
    assert uploads.cut_text("abc") == ("abc", False)
