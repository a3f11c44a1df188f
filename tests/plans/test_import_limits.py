"""The plan import page under hostile or oversized input: a zip-bomb DOCX, a document whose text
is longer than the text limit, a paste longer than the limit, a body larger than any request."""

import html
import io
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from gbvms.plans.documents import UnreadableDocumentError, read_document
from gbvms.plans.models import PlanImport
from tests.core.test_uploads import bomb

ACTION_MONTH = (Path(__file__).parent / "fixtures" / "action_month.md").read_text(encoding="utf-8")
MB = 1024 * 1024


@pytest.fixture
def officer(personas, agencies, province):
    return personas["officer"]


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.django_db
class TestUploads:
    def test_a_zip_bomb_docx_is_refused_quickly_and_nothing_is_stored(
        self, officer, as_user, province
    ):
        upload = SimpleUploadedFile("kh.docx", bomb(200 * MB))
        started = time.perf_counter()
        response = as_user(officer).post("/plans/import/", {"file": upload, "unit": province.pk})
        assert time.perf_counter() - started < 3
        assert response.status_code == 200
        assert "Tệp DOCX khi giải nén lớn hơn 50 MB; không đọc tệp này." in page(response)
        assert not PlanImport.objects.exists()

    def test_a_legit_docx_still_imports(self, officer, as_user, province):
        upload = SimpleUploadedFile("kh.docx", docx_bytes(*ACTION_MONTH.splitlines()))
        response = as_user(officer).post("/plans/import/", {"file": upload, "unit": province.pk})
        assert response.status_code == 302
        assert PlanImport.objects.get().source_text.startswith(ACTION_MONTH.splitlines()[0])

    @override_settings(TEXT_MAX_CHARS=1000)
    def test_a_docx_with_more_text_than_the_limit_is_refused(self, officer, as_user, province):
        upload = SimpleUploadedFile("kh.docx", docx_bytes(*["Hoạt động truyền thông. " * 10] * 5))
        response = as_user(officer).post("/plans/import/", {"file": upload, "unit": province.pk})
        assert response.status_code == 200
        assert "Văn bản dài hơn giới hạn 1.000 ký tự." in page(response)
        assert not PlanImport.objects.exists()

    @override_settings(TEXT_MAX_CHARS=1000)
    def test_a_text_file_longer_than_the_limit_is_refused_not_cut(self):
        with pytest.raises(UnreadableDocumentError) as caught:
            read_document("kh.txt", ("x" * 1001).encode())
        assert caught.value.code == "text_too_long"
        assert read_document("kh.txt", ("x" * 1000).encode()) == "x" * 1000

    @override_settings(UPLOAD_MAX_BYTES=MB)
    def test_file_size_limit(self, officer, as_user, province):
        upload = SimpleUploadedFile("kh.txt", b"x" * (MB + 1))
        response = as_user(officer).post("/plans/import/", {"file": upload, "unit": province.pk})
        assert response.status_code == 200
        assert "Tệp quá lớn (tối đa 1 MB)." in page(response)
        assert not PlanImport.objects.exists()


@pytest.mark.django_db
class TestPaste:
    def test_a_4_mb_paste_is_kept_in_part_with_a_clear_message(self, officer, as_user, province):
        text = (ACTION_MONTH * (4 * MB // len(ACTION_MONTH) + 1))[: 4 * MB]
        response = as_user(officer).post("/plans/import/", {"text": text, "unit": province.pk})
        assert response.status_code == 200  # not a bare 400
        body = page(response)
        assert "Văn bản dán vào dài hơn giới hạn 2.000.000 ký tự nên chưa được đọc" in body
        kept = body.split('name="text"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
        assert kept.strip("\n") == text[:2_000_000].strip("\n")
        assert 'maxlength="2000000"' in body  # the browser cuts a paste before sending it
        assert not PlanImport.objects.exists()

    def test_a_paste_within_the_limit_with_crlf_line_ends_imports(self, officer, as_user, province):
        text = ACTION_MONTH.replace("\n", "\r\n")
        response = as_user(officer).post("/plans/import/", {"text": text, "unit": province.pk})
        assert response.status_code == 302
        assert PlanImport.objects.get().source_text == ACTION_MONTH.strip()

    def test_a_body_larger_than_any_request_gets_a_clear_page(self, officer, as_user, province):
        response = as_user(officer).post(
            "/plans/import/", {"text": "x" * 8 * MB, "unit": province.pk}
        )
        assert response.status_code == 413
        assert "Nội dung gửi lên lớn hơn 6 MB nên chưa được đọc." in page(response)
        assert not PlanImport.objects.exists()

    def test_the_service_never_stores_more_than_the_limit(self, officer, province):
        from django.core.exceptions import ValidationError

        from gbvms.plans import services

        with override_settings(TEXT_MAX_CHARS=100), pytest.raises(ValidationError) as caught:
            services.import_start(actor=officer, name="a", text="x" * 101, unit=province)
        assert caught.value.error_dict["text"][0].code == "text_too_long"
        assert not PlanImport.objects.exists()


def test_a_long_docx_is_read_in_seconds():
    """10,000 paragraphs (python-docx's paragraph.style scans every style on each call: about
    30 s before; the style names are now read once: about 1 s)."""
    import docx

    document = docx.Document()
    document.add_heading("KẾ HOẠCH", level=1)
    for n in range(10_000):
        document.add_paragraph(f"Hoạt động {n}: truyền thông phòng, chống bạo lực gia đình.")
    buffer = io.BytesIO()
    document.save(buffer)
    started = time.perf_counter()
    text = read_document("kh.docx", buffer.getvalue())
    assert time.perf_counter() - started < 10
    assert text.startswith("# KẾ HOẠCH\nHoạt động 0:")
    assert text.count("\n") == 10_000
