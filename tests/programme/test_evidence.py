"""Evidence files: only the recording agency uploads and downloads them (404 for anyone else),
types checked by extension and content, zip bombs and oversized files refused, stored
encrypted, the file name never written to the access log."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from gbvms.core import files
from gbvms.core.models import AccessLog
from gbvms.programme import services_evidence, services_models
from gbvms.programme.models import Evidence
from gbvms.programme.views_evidence import detail_url, evidence_context

pytestmark = pytest.mark.django_db

NAME = "Danh sách điểm danh Nguyễn Thị Hoa.pdf"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nNguyen Thi Hoa 0912345678\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def store_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR


@pytest.fixture
def clients(recorders, as_user):
    return {name: as_user(user) for name, user in recorders.items()}


@pytest.fixture
def training(recorders, training_of):
    return training_of(recorders["rec_a"])


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _docx(document: bytes = b"<w:document/>") -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": document})


def _add(user, record, name, data, kind="training"):
    upload = SimpleUploadedFile(name, data)
    return services_evidence.evidence_add(actor=user, kind=kind, record=record, upload=upload)


def _code(excinfo) -> str:
    return excinfo.value.error_dict["upload"][0].code


def _upload(client, record, name=NAME, data=PDF, kind="training"):
    url = reverse("programme:evidence_upload", args=[kind, record.pk])
    return client.post(url, {"upload": SimpleUploadedFile(name, data)})


# ------------------------------------------------------------------ through the pages


def test_rec_a_uploads_a_pdf_to_her_training_and_downloads_it(clients, training, store_dir):
    response = _upload(clients["rec_a"], training)
    assert response.status_code == 302
    assert response.url == detail_url("training", training.pk)
    evidence = Evidence.objects.get()
    assert (evidence.record_kind, evidence.record_id) == ("training", training.pk)
    assert evidence.agency_id == training.lead_agency_id
    assert (evidence.name, evidence.size, evidence.content_type) == (NAME, len(PDF),
                                                                     "application/pdf")  # fmt: skip
    raw = (store_dir / evidence.blob).read_bytes()
    assert PDF not in raw
    assert b"Nguyen Thi Hoa" not in raw

    download = clients["rec_a"].get(reverse("programme:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"
    actions = list(AccessLog.objects.unscoped().values_list("action", flat=True))
    assert "programme.evidence.added" in actions
    assert "programme.evidence.downloaded" in actions


def test_the_file_name_is_not_stored_in_clear(training, recorders):
    from django.db import connection

    evidence = _add(recorders["rec_a"], training, NAME, PDF)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM programme_evidence WHERE id = %s", [evidence.pk])
        (stored,) = cursor.fetchone()
    assert "Nguyễn" not in stored
    assert "điểm danh" not in stored


@pytest.mark.parametrize("who", ["officer", "rec_b", "stat", "worker_a"])
def test_outside_the_recording_agency_download_is_404(clients, training, recorders, who):
    evidence = _add(recorders["rec_a"], training, NAME, PDF)
    response = clients[who].get(reverse("programme:evidence_download", args=[evidence.pk]))
    assert response.status_code == 404
    assert PDF not in response.content


def test_download_of_a_missing_id_is_the_same_404(clients):
    response = clients["rec_a"].get(reverse("programme:evidence_download", args=[999999]))
    assert response.status_code == 404


def test_rec_b_upload_to_rec_a_training_is_404(clients, training, store_dir):
    response = _upload(clients["rec_b"], training)
    assert response.status_code == 404
    assert not Evidence.objects.exists()
    assert not store_dir.exists() or not list(store_dir.iterdir())


def test_officer_of_another_agency_may_not_upload(clients, training, recorders):
    response = _upload(clients["officer"], training)
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        _add(recorders["officer"], training, NAME, PDF)
    assert not Evidence.objects.exists()


def test_unknown_kind_is_404(clients, training):
    assert _upload(clients["rec_a"], training, kind="case").status_code == 404


def test_wrong_kind_for_the_record_is_404(clients, training):
    # the training is an Event of kind training: not an "event" (non-training) record
    assert _upload(clients["rec_a"], training, kind="event").status_code == 404


def test_an_exe_renamed_pdf_is_refused_with_a_field_error(clients, training, store_dir):
    response = _upload(clients["rec_a"], training, name="bao_cao.pdf", data=EXE)
    assert response.status_code == 400
    page = response.content.decode()
    assert "field-error" in page
    assert "PDF" in page
    assert not Evidence.objects.exists()
    assert not store_dir.exists() or not list(store_dir.iterdir())


def test_get_on_upload_is_not_allowed(clients, training):
    url = reverse("programme:evidence_upload", args=["training", training.pk])
    assert clients["rec_a"].get(url).status_code == 405


def test_rec_a_deletes_her_evidence_and_the_file_goes(
    clients, training, recorders, store_dir, django_capture_on_commit_callbacks
):
    evidence = _add(recorders["rec_a"], training, NAME, PDF)
    url = reverse("programme:evidence_delete", args=[evidence.pk])
    assert clients["rec_b"].post(url).status_code == 404
    assert clients["officer"].post(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["rec_a"].post(url)
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert not (store_dir / evidence.blob).exists()
    assert AccessLog.objects.unscoped().filter(action="programme.evidence.deleted").count() == 1


def test_model_detail_page_lists_files_for_the_agency_and_only_a_count_for_others(
    clients, recorders, agencies, commune_a
):
    model = services_models.model_save(
        actor=recorders["rec_a"], kind="male_pioneers", title="CLB Nam giới tiên phong",
        unit=commune_a, lead_agency=agencies["a"], established_on=datetime.date(2026, 3, 1),
    )  # fmt: skip
    response = _upload(clients["rec_a"], model, kind="model")
    assert response.url == reverse("programme:model_detail", args=[model.pk])
    evidence = Evidence.objects.get()
    mine = clients["rec_a"].get(response.url).content.decode()
    assert NAME in mine
    assert reverse("programme:evidence_download", args=[evidence.pk]) in mine
    assert 'type="file"' in mine
    theirs = clients["officer"].get(response.url)
    assert theirs.status_code == 200
    page = theirs.content.decode()
    assert NAME not in page
    assert "1 tệp minh chứng (chỉ cơ quan ghi nhận xem được)" in page
    assert reverse("programme:evidence_download", args=[evidence.pk]) not in page
    assert 'type="file"' not in page


def test_evidence_context_and_include(recorders, training):
    _add(recorders["rec_a"], training, NAME, PDF)
    request = RequestFactory().get("/")
    request.user = recorders["rec_a"]
    context = evidence_context(request, "training", training)
    assert [e.name for e in context["evidence_files"]] == [NAME]
    assert context["can_upload_evidence"] is True
    assert (context["evidence_kind"], context["evidence_record"]) == ("training", training)
    html = render_to_string("programme/_evidence.html", context, request=request)
    assert NAME in html
    assert ".pdf,.docx,.xlsx" in html
    assert "điểm danh" in html  # the note on attendance lists

    request.user = recorders["officer"]
    context = evidence_context(request, "training", training)
    assert context["evidence_files"] == []
    assert context["can_upload_evidence"] is False
    html = render_to_string("programme/_evidence.html", context, request=request)
    assert NAME not in html
    assert "1 tệp minh chứng (chỉ cơ quan ghi nhận xem được)" in html


# ------------------------------------------------------------------ the service's checks


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bao_cao.pdf", b"%PDF-1.7\n%%EOF"),
        ("anh.PNG", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
        ("anh.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("anh.jpeg", b"\xff\xd8\xff\xe1" + b"\x00" * 20),
        ("bien_ban.docx", _docx()),
        ("bang.xlsx", _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"})),
    ],
)
def test_accepted_types(recorders, training, name, data):
    evidence = _add(recorders["rec_a"], training, name, data)
    assert files.load(evidence.blob) == data


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bao_cao.pdf", EXE),
        ("virus.exe", EXE),
        ("bao_cao", PDF),
        ("trang.html", b"<html><script>alert(1)</script>"),
        ("anh.png", b"\xff\xd8\xff\xe0 a jpeg"),
        ("anh.jpg", PDF),
        ("bang.xlsx", _docx()),  # a zip, but a Word document
        ("bien_ban.docx", _zip({"word/document.xml": b"<w/>"})),  # no [Content_Types].xml
        ("bien_ban.docx", b"PK\x03\x04 not really a zip"),
        ("rong.pdf", b""),
    ],
)
def test_wrong_type_or_content_is_refused(recorders, training, store_dir, name, data):
    with pytest.raises(ValidationError) as excinfo:
        _add(recorders["rec_a"], training, name, data)
    assert _code(excinfo) in {"bad_type", "unreadable"}
    assert not Evidence.objects.exists()
    assert not store_dir.exists() or not list(store_dir.iterdir())


def test_a_zip_bomb_docx_is_refused(recorders, training):
    bomb = _docx(b"<w:document>" + b"0" * (8 * 1024 * 1024) + b"</w:document>")
    assert len(bomb) < 100_000
    with pytest.raises(ValidationError) as excinfo:
        _add(recorders["rec_a"], training, "bien_ban.docx", bomb)
    assert _code(excinfo) in {"suspicious_compression", "unpacked_too_large"}
    assert not Evidence.objects.exists()


def test_a_file_over_the_limit_is_refused(settings, recorders, training, clients):
    settings.EVIDENCE_MAX_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as excinfo:
        _add(recorders["rec_a"], training, "lon.pdf", big)
    assert _code(excinfo) == "too_large"
    exactly = b"%PDF-" + b"0" * (1024 * 1024 - 5)
    assert _add(recorders["rec_a"], training, "vua.pdf", exactly).size == 1024 * 1024
    response = _upload(clients["rec_a"], training, name="lon.pdf", data=big)
    assert response.status_code == 400
    assert Evidence.objects.count() == 1


@pytest.mark.parametrize("name", ["a" * 197 + ".pdf", "bao\x07cao.pdf", "bao\ncao.pdf", "   "])
def test_bad_file_names_are_refused(recorders, training, name):
    with pytest.raises(ValidationError) as excinfo:
        _add(recorders["rec_a"], training, name, PDF)
    assert _code(excinfo) == "bad_name"


def test_a_200_character_name_is_accepted(recorders, training):
    name = "a" * 196 + ".pdf"
    assert _add(recorders["rec_a"], training, name, PDF).name == name


def test_delete_by_another_agency_is_refused(recorders, training):
    evidence = _add(recorders["rec_a"], training, NAME, PDF)
    with pytest.raises(PermissionDenied):
        services_evidence.evidence_delete(actor=recorders["rec_b"], evidence=evidence)
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_the_file_name_never_appears_in_the_access_log(
    clients, training, django_capture_on_commit_callbacks
):
    _upload(clients["rec_a"], training)
    evidence = Evidence.objects.get()
    clients["rec_a"].get(reverse("programme:evidence_download", args=[evidence.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        clients["rec_a"].post(reverse("programme:evidence_delete", args=[evidence.pk]))
    rows = list(
        AccessLog.objects.unscoped().filter(action__startswith="programme.evidence.").values()
    )
    assert {r["action"] for r in rows} == {
        "programme.evidence.added", "programme.evidence.downloaded", "programme.evidence.deleted"
    }  # fmt: skip
    everything = repr(list(AccessLog.objects.unscoped().values()))
    for fragment in (NAME, "Nguyễn", "điểm danh", "Hoa.pdf"):
        assert fragment not in everything
