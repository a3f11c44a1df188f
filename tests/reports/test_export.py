"""A report as its official files: the DOCX of Nghị định 30/2020 (read back with python-docx,
rendered with LibreOffice) with its number registered once per version, the XLSX statistical
form (read back with openpyxl), and their API."""

from __future__ import annotations

import io
import subprocess

import docx
import openpyxl
import pytest

from gbvms.core.models import AccessLog
from gbvms.reports import export, pdf
from gbvms.reports.export import report_doc, submission_docx
from gbvms.reports.models import DocumentRecord, Submission
from gbvms.reports.services_obligations import obligations_generate, submissions_open
from gbvms.reports.services_submissions import (
    submission_accept,
    submission_return,
    submission_save_sections,
    submission_submit,
)
from gbvms.reports.xlsx import CODES_ROW, submission_xlsx
from tests.conftest import verified_client
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db

VALUES = [
    {"indicator": "R01", "name": "Số vụ bạo lực được phát hiện", "kind": "count",
     "numerator": 1234, "denominator": None, "value": 1234, "target": None, "comparator": None,
     "status": None, "suppressed": False, "source": "response"},
    {"indicator": "R02", "name": "Tỷ lệ nạn nhân được hỗ trợ trong 24 giờ", "kind": "ratio",
     "numerator": 45, "denominator": 50, "value": 90.0, "target": 80, "comparator": ">=",
     "status": "met", "suppressed": False, "source": "response"},
    {"indicator": "R03", "name": "Tỷ lệ được chuyển gửi", "kind": "ratio", "numerator": None,
     "denominator": None, "value": None, "target": 80, "comparator": ">=",
     "status": "insufficient_data", "suppressed": True, "source": "response"},
]  # fmt: skip


@pytest.fixture(autouse=True)
def frozen_as_written(monkeypatch):
    """Submitting freezes the values written here (not the engine's figures of the moment)."""
    monkeypatch.setattr("gbvms.reports.prefill.current_values", lambda s: list(s.values))


@pytest.fixture
def cycle(world):
    obligations_generate(plan=world.plan, actor=world.officer)
    submissions_open(year=YEAR)

    def get(agency, period="2026C"):
        return Submission.objects.get(obligation__submitter_agency=agency, period=period)

    world.get = get
    return world


def _write(submission, actor, values=VALUES, **texts):
    Submission.objects.filter(pk=submission.pk).update(values=values)
    submission.refresh_from_db()
    sections = [{"key": k, "text": v} for k, v in texts.items()]
    if sections:
        submission = submission_save_sections(
            actor=actor, submission=submission, sections=sections, version=submission.version
        )
    return submission


def _submitted(cycle, agency=None, actor=None, **texts):
    agency, actor = agency or cycle.a, actor or cycle.reporter_a
    submission = _write(cycle.get(agency), actor, **texts)
    submission_submit(actor=actor, submission=submission)
    submission.refresh_from_db()
    return submission


def _read(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def _texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _header_texts(document) -> list[str]:
    table = document.tables[0]
    return [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]


# ---------------------------------------------------------------- the ReportDoc


def test_the_issuing_body_symbol_place_and_signature(cycle):
    doc = report_doc(_submitted(cycle))
    assert doc.issuer == "Ủy ban nhân dân phường Kon Tum"
    assert doc.parent_body == ""  # a People's Committee has no superior line
    assert doc.symbol == "BC-UBND"
    assert doc.place == "Quảng Ngãi"
    assert doc.signer_authority == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert doc.recipients == ["Sở Nội vụ tỉnh Quảng Ngãi"]
    assert doc.doc_type == "BÁO CÁO"
    assert doc.summary.startswith("Kết quả thực hiện Kế hoạch thực hiện Chương trình")
    assert doc.summary.endswith("năm 2026 (01/01/2026–30/11/2026)") or "năm 2026" in doc.summary


def test_a_department_is_under_the_provinces_peoples_committee(cycle):
    doc = report_doc(cycle.get(cycle.health))
    assert doc.issuer == "Sở Y tế"  # the superior's line names the province
    assert doc.issuer_name == "Sở Y tế tỉnh Quảng Ngãi"  # as running text names it
    assert doc.parent_body == "UBND tỉnh Quảng Ngãi"
    assert doc.symbol == "BC-SYT"
    assert doc.signer_authority == ["GIÁM ĐỐC"]
    cycle.health.name = "Sở Giáo dục và Đào tạo tỉnh Quảng Ngãi"
    assert export.symbol_for(cycle.health) == "BC-SGDĐT"
    cycle.health.short_name = "syt-qn"
    assert export.symbol_for(cycle.health) == "BC-SYT-QN"


def test_the_outline_becomes_numbered_headings_without_its_own_labels(cycle):
    doc = report_doc(_write(cycle.get(cycle.a), cycle.reporter_a))
    headings = [(b.kind, b.title) for b in doc.blocks if b.kind in ("section", "item")]
    assert headings[:4] == [
        ("section", "Công tác chỉ đạo, điều hành"),
        ("section", "Kết quả thực hiện các chỉ tiêu"),
        ("section", "Kết quả thực hiện nhiệm vụ, giải pháp"),
        ("item", "Công tác truyền thông"),
    ]
    kinds = [b.kind for b in doc.blocks]
    # the indicator table and the chart come right under "II."
    ii = headings.index(("section", "Kết quả thực hiện các chỉ tiêu"))
    assert kinds[kinds.index("table") - 1] == "section"
    assert ii == 1
    assert "chart" in kinds


def test_any_subset_of_value_keys_and_no_values(cycle):
    draft = _write(cycle.get(cycle.a), cycle.reporter_a, values=[{"indicator": "P01"}, {}])
    doc = report_doc(draft)
    table = next(b.table for b in doc.blocks if b.kind == "table")
    assert [r[1] for r in table.rows] == ["P01", ""]
    assert all(b.kind != "chart" for b in doc.blocks)
    empty = _write(cycle.get(cycle.b), cycle.reporter_b, values=[])
    table = next(b.table for b in report_doc(empty).blocks if b.kind == "table")
    assert table.rows[0][1] == "Chưa có số liệu chỉ tiêu trong kỳ"
    content, _name = submission_docx(submission=empty, actor=cycle.reporter_b)
    assert content.startswith(b"PK")


# ---------------------------------------------------------------- the DOCX


def test_a_submitted_version_is_numbered_once_and_numbers_are_per_issuer_and_year(cycle):
    submission = _submitted(cycle, direction="Ban hành 03 kế hoạch.")
    first, name = submission_docx(submission=submission, actor=cycle.reporter_a)
    again, _name = submission_docx(submission=submission, actor=cycle.province_reporter)
    records = DocumentRecord.objects.filter(issuer=cycle.a)
    assert records.count() == 1
    record = records.get()
    assert record.number == 1
    assert record.symbol == "BC-UBND"
    assert record.year == YEAR
    assert record.submission_version == submission.versions.get()
    assert len(record.file_sha256) == 64
    assert "Số: 01/BC-UBND" in _header_texts(_read(first))
    assert "Số: 01/BC-UBND" in _header_texts(_read(again))
    assert name == "bao-cao-2026C-23293-v1.docx"
    # a second version of the same issuer takes the next number
    submission_return(actor=cycle.province_reporter, submission=submission, reason="Bổ sung")
    submission.refresh_from_db()
    submission_submit(actor=cycle.reporter_a, submission=submission)
    submission.refresh_from_db()
    second, name = submission_docx(submission=submission, actor=cycle.reporter_a)
    assert name.endswith("-v2.docx")
    assert "Số: 02/BC-UBND" in _header_texts(_read(second))
    old, _name = submission_docx(submission=submission, actor=cycle.reporter_a, version=1)
    assert "Số: 01/BC-UBND" in _header_texts(_read(old))
    # another issuer starts at 1
    other = _submitted(cycle, agency=cycle.b, actor=cycle.reporter_b)
    content, _name = submission_docx(submission=other, actor=cycle.reporter_b)
    assert "Số: 01/BC-UBND" in _header_texts(_read(content))
    numbers = sorted(DocumentRecord.objects.values_list("issuer_id", "number"))
    assert numbers == sorted([(cycle.a.pk, 1), (cycle.a.pk, 2), (cycle.b.pk, 1)])


def test_the_documents_text(cycle):
    submission = _submitted(cycle, direction="Ban hành 03 kế hoạch.\nTổ chức 02 hội nghị.")
    document = _read(submission_docx(submission=submission, actor=cycle.reporter_a)[0])
    header = _header_texts(document)
    assert "ỦY BAN NHÂN DÂN PHƯỜNG KON TUM" in " ".join(header).replace("\n", " ")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header
    date_line = next(t for t in header if t.startswith("Quảng Ngãi, ngày "))
    assert date_line.endswith(f"năm {YEAR}")
    texts = _texts(document)
    assert "BÁO CÁO" in texts
    assert any(t.startswith("Kết quả thực hiện Kế hoạch") for t in texts)
    assert "Kính gửi: Sở Nội vụ tỉnh Quảng Ngãi." in texts
    assert "Ban hành 03 kế hoạch." in texts
    assert "Tổ chức 02 hội nghị." in texts
    headings = [(p.style.name, p.text) for p in document.paragraphs
                if p.style.name.startswith("Heading")]  # fmt: skip
    assert ("Heading 1", "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH") in headings
    assert ("Heading 1", "III. KẾT QUẢ THỰC HIỆN NHIỆM VỤ, GIẢI PHÁP") in headings
    assert ("Heading 2", "1. Công tác truyền thông") in headings
    assert ("Heading 1", "VI. ĐỀ XUẤT, KIẾN NGHỊ") in headings
    indicators = next(t for t in document.tables if t.rows[0].cells[0].text == "TT")
    rows = [[c.text.replace("\xa0", " ") for c in row.cells] for row in indicators.rows]
    assert rows[0] == ["TT", "Chỉ tiêu", "Chỉ tiêu giao", "Kết quả", "Tình trạng"]
    assert rows[1] == ["1", "Số vụ bạo lực được phát hiện (R01)", "—", "1.234", "—"]
    assert rows[2] == ["2", "Tỷ lệ nạn nhân được hỗ trợ trong 24 giờ (R02)", "tối thiểu 80 %",
                       "90,0 %", "Đạt"]  # fmt: skip
    assert rows[3][3] == "<5"
    assert rows[3][4] == "Chưa đủ số liệu"
    assert len(document.inline_shapes) == 1  # the chart
    bottom = _bottom(document)
    copies = [p.text for p in bottom.cell(0, 0).paragraphs]
    assert copies[0] == "Nơi nhận:"
    assert copies[1] == "- Như trên;"
    assert copies[-1] == "- Lưu: VT, VHXH."
    signature = [p.text for p in bottom.cell(0, 1).paragraphs]
    assert signature[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert "Phụ lục I" in texts
    appendix = document.tables[-1]
    assert [c.text for c in appendix.rows[0].cells][:3] == ["TT", "Mã", "Chỉ tiêu"]
    assert [c.text for c in appendix.rows[2].cells][3:5] == ["45", "50"]
    assert [c.text for c in appendix.rows[3].cells][3:6] == ["<5", "<5", "<5"]


def _bottom(document):
    return next(t for t in document.tables if t.cell(0, 0).paragraphs[0].text == "Nơi nhận:")


def test_a_draft_has_no_number_and_says_so(cycle):
    draft = _write(cycle.get(cycle.a), cycle.reporter_a)
    content, name = submission_docx(submission=draft, actor=cycle.reporter_a)
    document = _read(content)
    assert "DỰ THẢO BÁO CÁO" in _texts(document)
    assert any(t.startswith("Số: ") and t.endswith("/BC-UBND") and "0" not in t
               for t in _header_texts(document))  # fmt: skip
    assert name == "bao-cao-2026C-23293-du-thao.docx"
    assert not DocumentRecord.objects.exists()


def test_an_unknown_version_is_not_found(cycle):
    from django.http import Http404

    submission = _submitted(cycle)
    with pytest.raises(Http404):
        submission_docx(submission=submission, actor=cycle.reporter_a, version=9)
    with pytest.raises(Http404):
        submission_xlsx(submission=submission, actor=cycle.reporter_a, version=9)


def test_the_recipient_reads_the_snapshot_not_the_live_text(cycle):
    submission = _submitted(cycle, direction="Văn bản đã gửi.")
    submission_return(actor=cycle.province_reporter, submission=submission, reason="Bổ sung")
    submission.refresh_from_db()
    submission_save_sections(actor=cycle.reporter_a, submission=submission,
                             sections=[{"key": "direction", "text": "Đang sửa."}],
                             version=submission.version)  # fmt: skip
    submission.refresh_from_db()
    mine = _texts(_read(submission_docx(submission=submission, actor=cycle.reporter_a)[0]))
    theirs = _read(submission_docx(submission=submission, actor=cycle.province_reporter)[0])
    assert "Đang sửa." in mine
    assert "Văn bản đã gửi." not in mine
    assert "Văn bản đã gửi." in _texts(theirs)
    assert "Đang sửa." not in _texts(theirs)


# ---------------------------------------------------------------- the XLSX


def test_the_workbook(cycle):
    submission = _submitted(cycle, direction='=HYPERLINK("http://x")')
    content, name = submission_xlsx(submission=submission, actor=cycle.reporter_a)
    assert name == "bao-cao-2026C-23293-v1.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Biểu chỉ tiêu", "Thuyết minh", "_meta"]
    main, narrative, meta = book["Biểu chỉ tiêu"], book["Thuyết minh"], book["_meta"]
    assert meta.sheet_state == "hidden"
    assert main.sheet_state == "visible"
    assert main.freeze_panes == f"A{CODES_ROW + 1}"
    assert main["A1"].value.startswith("Biểu báo cáo")
    assert main["C1"].value == "Đơn vị báo cáo: UBND phường Kon Tum"
    assert main["C2"].value == "Đơn vị nhận báo cáo: Sở Nội vụ tỉnh Quảng Ngãi"
    assert main["A5"].value.startswith("BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH")
    heads = [c.value for c in main[CODES_ROW - 1]]
    assert heads == ["TT", "Chỉ tiêu", "Mã", "Tử số", "Mẫu số", "Kết quả", "Chỉ tiêu giao",
                     "Tình trạng"]  # fmt: skip
    assert [c.value for c in main[CODES_ROW]] == ["A", "B", "C", "1", "2", "3", "4", "5"]
    count, ratio, hidden = (main[CODES_ROW + i] for i in (1, 2, 3))
    assert count[2].value == "R01"
    assert count[3].value == 1234
    assert count[5].value == 1234
    assert count[5].number_format == "#,##0"
    assert ratio[3].value == 45
    assert ratio[4].value == 50
    assert ratio[5].value == pytest.approx(0.9)
    assert ratio[5].number_format == "0.0%"
    assert ratio[6].value.replace("\xa0", " ") == "tối thiểu 80 %"
    assert ratio[7].value == "Đạt"
    assert [c.value for c in hidden[3:6]] == ["<5", "<5", "<5"]
    assert main["A5"].font.name == "Times New Roman"
    assert main["A6"].value == "Năm 2026 (15/12/2025–14/12/2026)"  # the period line
    cells = {r[0].value: r[1].value for r in meta.iter_rows() if r[0].value}
    assert cells["report_id"] == submission.pk
    assert cells["version"] == 1
    assert cells["period"] == "2026C"
    assert cells["unit_code"] == "23293"
    assert cells["source"].startswith("submission_version:")
    assert cells["generated_at"]
    text = next(r[1].value for r in narrative.iter_rows(min_row=2) if r[1].value)
    assert text == '\'=HYPERLINK("http://x")'
    assert all(c.data_type != "f" for ws in book for row in ws.iter_rows() for c in row)


def test_no_formula_from_an_agency_name(cycle):
    cycle.a.name = "=cmd|' /C calc'!A0"
    cycle.a.save()
    submission = _submitted(cycle)
    content, _name = submission_xlsx(submission=submission, actor=cycle.reporter_a)
    book = openpyxl.load_workbook(io.BytesIO(content))
    main = book["Biểu chỉ tiêu"]
    assert main["C1"].value == "Đơn vị báo cáo: =cmd|' /C calc'!A0"
    assert all(c.data_type != "f" for ws in book for row in ws.iter_rows() for c in row)
    submission_docx(submission=submission, actor=cycle.reporter_a)  # renders without a field


def test_an_empty_report_workbook(cycle):
    draft = _write(cycle.get(cycle.a), cycle.reporter_a, values=[])
    content, name = submission_xlsx(submission=draft, actor=cycle.reporter_a)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book["Biểu chỉ tiêu"].cell(CODES_ROW + 1, 2).value.startswith("Chưa có số liệu")
    assert name.endswith("-du-thao.xlsx")
    cells = {r[0].value: r[1].value for r in book["_meta"].iter_rows() if r[0].value}
    assert cells["status"] == "draft"


# ---------------------------------------------------------------- the API


def _url(submission, kind):
    return f"/api/v1/reports/{submission.pk}/{kind}"


def test_the_api_serves_both_files_and_logs_them(cycle):
    submission = _submitted(cycle)
    client = verified_client(cycle.reporter_a)
    response = client.get(_url(submission, "docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-2026C-23293-v1.docx"'
    assert _read(response.content).paragraphs
    response = client.get(_url(submission, "xlsx"), {"version": 1})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "v1.xlsx" in response["Content-Disposition"]
    actions = list(AccessLog.objects.unscoped().filter(object_id=str(submission.pk),
                                            action__startswith="reports.export.")
                   .values_list("action", flat=True))  # fmt: skip
    assert sorted(actions) == ["reports.export.docx", "reports.export.xlsx"]


def test_the_api_hides_what_the_caller_may_not_read(cycle):
    submission = _submitted(cycle)
    draft = cycle.get(cycle.b)
    other = verified_client(cycle.reporter_b)
    assert other.get(_url(submission, "docx")).status_code == 404
    assert other.get(_url(submission, "xlsx")).status_code == 404
    recipient = verified_client(cycle.province_reporter)
    assert recipient.get(_url(draft, "docx")).status_code == 404  # a child's draft
    assert recipient.get(_url(submission, "docx")).status_code == 200
    assert recipient.get(_url(submission, "xlsx"), {"version": 2}).status_code == 404
    assert recipient.get("/api/v1/reports/99999999/docx").status_code == 404
    assert recipient.get("/api/v1/reports/99999999999999/xlsx").status_code == 404
    assert recipient.get(_url(submission, "docx"), {"version": "x"}).status_code == 422
    assert not AccessLog.objects.unscoped().filter(
        action="reports.export.docx", actor=cycle.reporter_b
    )


def test_the_api_after_acceptance(cycle):
    submission = _submitted(cycle)
    submission_accept(actor=cycle.province_reporter, submission=submission)
    response = verified_client(cycle.reporter_a).get(_url(submission, "docx"))
    assert response.status_code == 200
    assert DocumentRecord.objects.filter(submission_version__submission=submission).count() == 1


# ---------------------------------------------------------------- LibreOffice

needs_soffice = pytest.mark.skipif(
    pdf.soffice() is None, reason="LibreOffice (soffice) is not installed"
)


@needs_soffice
def test_libreoffice_renders_the_report(cycle, tmp_path):
    submission = _submitted(cycle, direction="Ban hành 03 kế hoạch.")
    content, _name = submission_docx(submission=submission, actor=cycle.reporter_a)
    rendered = pdf.to_pdf(content)
    assert rendered.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(rendered)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False)
    if info.returncode == 0:
        pages = int(next(line.split()[-1] for line in info.stdout.splitlines()
                         if line.startswith("Pages:")))  # fmt: skip
        assert pages >= 2  # the body and the appendix
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"],
                           capture_output=True, text=True, check=False)  # fmt: skip
    if first.returncode == 0:
        text = " ".join(first.stdout.split())
        assert "Số: 01/BC-UBND" in text
        assert "Kính gửi: Sở Nội vụ tỉnh Quảng Ngãi." in text


def test_numbers_restart_each_year_and_the_file_hash_is_the_first_files(cycle):
    import datetime
    import hashlib

    from gbvms.reports.models import SubmissionVersion

    submission = _submitted(cycle)
    content, _name = submission_docx(submission=submission, actor=cycle.reporter_a)
    record = DocumentRecord.objects.get(submission_version__submission=submission)
    assert record.file_sha256 == hashlib.sha256(content).hexdigest()
    other = cycle.get(cycle.a, period="2026S1C")
    other = _write(other, cycle.reporter_a)
    submission_submit(actor=cycle.reporter_a, submission=other)

    SubmissionVersion.objects.filter(submission=other).update(
        created_at=datetime.datetime(YEAR + 1, 1, 5, 3, tzinfo=datetime.UTC)
    )
    content, _name = submission_docx(submission=other, actor=cycle.reporter_a)
    record = DocumentRecord.objects.get(submission_version__submission=other)
    assert (record.year, record.number) == (YEAR + 1, 1)
    header = _header_texts(_read(content))
    assert "Số: 01/BC-UBND" in header
    assert any(t.endswith(f"ngày 05 tháng 01 năm {YEAR + 1}") for t in header)


def test_period_labels_and_the_action_month_outline():
    assert export.period_label("2026S1") == "6 tháng đầu năm 2026"
    assert export.period_label("2026") == "năm 2026"
    assert export.period_label("2026AM") == "Tháng hành động năm 2026"
    blocks = export.section_blocks(
        [{"key": "launch", "title": "1. Lễ phát động", "text": "Ngày 15/11."},
         {"key": "funding", "title": "5. Kinh phí", "text": ""},
         {"key": "content", "title": "Nội dung báo cáo", "text": "x"}]
    )  # fmt: skip
    assert [(k, b.kind, b.title) for k, b in blocks] == [
        ("launch", "item", "Lễ phát động"),
        ("funding", "item", "Kinh phí"),
        ("content", "section", "Nội dung báo cáo"),
    ]


def test_the_api_with_a_bearer_token(cycle, capsys):
    from django.core.management import call_command
    from django.test import Client

    submission = _submitted(cycle)
    call_command("create_token", "reporter_a")
    raw = capsys.readouterr().out.strip()
    response = Client().get(_url(submission, "xlsx"), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.content.startswith(b"PK")
    assert Client().get(_url(submission, "xlsx")).status_code == 401
