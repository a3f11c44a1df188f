"""Files sent with a report: the submitter attaches them while the report is editable; they go
out with the snapshot; the recipient reads the files sent, never those added since; a file sent
with a version cannot be removed; bad files are refused with a message and store nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gbvms.core import files
from gbvms.core.models import AccessLog
from gbvms.reports.models import Attachment, Submission
from gbvms.reports.services_obligations import obligations_generate, submissions_open
from gbvms.reports.services_submissions import submission_return, submission_submit
from tests.conftest import verified_client
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nBien ban hop\n%%EOF\n"


@pytest.fixture
def store_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR


@pytest.fixture
def report(world, store_dir):
    obligations_generate(plan=world.plan, actor=world.officer)
    submissions_open(year=YEAR)
    world.report = Submission.objects.get(obligation__submitter_agency=world.a, period="2026C")
    return world


def _upload(client, submission, name="Biên bản họp.pdf", data=PDF):
    return client.post(f"/reports/{submission.pk}/attachments",
                       {"upload": SimpleUploadedFile(name, data)})  # fmt: skip


def _detail(client, submission):
    return client.get(f"/reports/{submission.pk}/").content.decode()


def test_the_submitter_attaches_a_file_and_the_recipient_reads_it_once_sent(report):
    writer = verified_client(report.reporter_a)
    recipient = verified_client(report.province_reporter)
    assert _upload(writer, report.report).status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.size, attachment.content_type) == (
        "Biên bản họp.pdf", len(PDF), "application/pdf")  # fmt: skip
    assert files.load(attachment.blob) == PDF
    assert PDF not in (store_dir_bytes := b"".join(
        p.read_bytes() for p in files.files_dir().iterdir()))  # fmt: skip
    assert store_dir_bytes  # stored, encrypted
    assert "Biên bản họp.pdf" in _detail(writer, report.report)
    url = f"/reports/attachments/{attachment.pk}"
    assert writer.get(url).content == PDF
    assert recipient.get(url).status_code == 404  # a draft's file
    version = submission_submit(actor=report.reporter_a, submission=report.report)
    assert version.attachments == [attachment.pk]
    response = recipient.get(url)
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "Biên bản họp.pdf" in _detail(recipient, report.report)
    logged = AccessLog.objects.unscoped().filter(action="reports.attachment.downloaded")
    assert logged.count() == 2
    assert all("Biên bản" not in str(row.changes) for row in logged)


def test_a_file_added_after_a_return_stays_with_the_writer_until_sent_again(report):
    writer = verified_client(report.reporter_a)
    recipient = verified_client(report.province_reporter)
    _upload(writer, report.report)
    submission_submit(actor=report.reporter_a, submission=report.report)
    submission_return(actor=report.province_reporter, submission=report.report,
                      reason="Bổ sung biên bản")  # fmt: skip
    _upload(writer, report.report, name="Phụ lục.pdf")
    first, second = Attachment.objects.order_by("pk")
    assert recipient.get(f"/reports/attachments/{second.pk}").status_code == 404
    assert "Phụ lục.pdf" not in _detail(recipient, report.report)
    # the file that went out with version 1 stays; the new one can be removed
    assert writer.post(f"/reports/attachments/{first.pk}/delete").status_code == 302
    assert Attachment.objects.filter(pk=first.pk).exists()
    assert writer.post(f"/reports/attachments/{second.pk}/delete").status_code == 302
    assert not Attachment.objects.filter(pk=second.pk).exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [("bang.exe", b"MZ..."), ("gia.pdf", b"not a pdf"), ("rong.pdf", b""),
     ("x" * 300 + ".pdf", PDF)],
)  # fmt: skip
def test_a_bad_file_is_refused_with_a_message_and_stores_nothing(report, name, data):
    writer = verified_client(report.reporter_a)
    response = _upload(writer, report.report, name=name, data=data)
    assert response.status_code in (302, 400)
    assert Attachment.objects.count() == 0
    assert not any(files.files_dir().glob("*")) if files.files_dir().exists() else True
    if response.status_code == 302:
        page = writer.get(response["Location"]).content.decode()
        assert 'role="alert"' in page or "message" in page


def test_only_the_writer_of_an_editable_report_attaches(report):
    recipient = verified_client(report.province_reporter)
    other = verified_client(report.reporter_b)
    assert _upload(other, report.report).status_code == 404
    submission_submit(actor=report.reporter_a, submission=report.report)
    assert _upload(recipient, report.report).status_code == 403
    writer = verified_client(report.reporter_a)
    _upload(writer, report.report)  # submitted: not editable
    assert Attachment.objects.count() == 0
    assert verified_client(report.reporter_b).get("/reports/attachments/999999").status_code == 404
