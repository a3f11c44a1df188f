"""The official DOCX of a report (Nghị định 30/2020 layout, REPORTING §C.1–C.2), read back with
python-docx, and rendered to PDF with LibreOffice."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
from decimal import Decimal

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from gbvms.indicators import charts
from gbvms.reports import document as d
from gbvms.reports import pdf
from gbvms.reports.docx import CHART_CM, DOCX_TYPE, body_lines, docx_bytes, docx_response

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FONT = "Times New Roman"
DATE = datetime.date(2026, 2, 5)


def chart_png() -> bytes:
    return charts.bar_chart(
        [("Đăk Tô", 92.5), ("Ngọc Hồi", 71.0), ("Kon Plông", None), ("Sa Thầy", 64.3)],
        title="Tỷ lệ vụ việc được hỗ trợ trong 24 giờ",
        unit_label="%",
        percent=True,
        target=80,
        fmt="png",
    )


def province_report(png: bytes, **changes) -> d.ReportDoc:
    indicators = d.Table(
        caption="Bảng 1. Kết quả thực hiện các chỉ tiêu năm 2025",
        header=["TT", "Chỉ tiêu", "Chỉ tiêu giao", "Kết quả", "Tình trạng"],
        rows=[
            [1, "Số vụ bạo lực gia đình được phát hiện (GBV-R01)", None, 1234, "—"],
            [2, "Tỷ lệ nạn nhân được hỗ trợ trong 24 giờ (GBV-R02)", 80, 95.2, "Đạt"],
            [3, "Tỷ lệ xã có mô hình phòng, chống BLG (GBV-P03)", 70, Decimal("64.25"), "Chưa đạt"],
            [4, "Kinh phí huy động (đồng)", None, 1234567890, "—"],
        ],
        widths_cm=[1.2, 7.3, 2.5, 2.5, 3.0],
        number_format=["int", "auto", "percent", "auto", "auto"],
    )
    blocks = [
        d.Block("legal_basis", text="Căn cứ Kế hoạch số 12/KH-UBND ngày 20/3/2025 của UBND tỉnh"),
        d.Block("paragraph", text="Sở Nội vụ báo cáo kết quả thực hiện năm 2025 như sau:"),
        d.Block("section", title="Công tác chỉ đạo, điều hành"),
        d.Block(
            "paragraph",
            text="Ủy ban nhân dân tỉnh đã ban hành 03 kế hoạch và 02 hướng dẫn.\n"
            "Các sở, ngành đã triển khai kịp thời.",
        ),
        d.Block("section", title="II. Kết quả thực hiện các chỉ tiêu"),
        d.Block("table", table=indicators),
        d.Block("chart", png=png, caption="Biểu đồ 1. Tỷ lệ hỗ trợ trong 24 giờ theo xã"),
        d.Block("section", title="Kết quả thực hiện nhiệm vụ, giải pháp"),
        d.Block("item", title="Công tác truyền thông", text="Tổ chức 45 buổi truyền thông."),
        d.Block("point", title="Truyền thông trực tiếp", text="Có 3.200 lượt người tham dự."),
        d.Block("point", text="Phát 1.500 tờ rơi tại các xã."),
        d.Block(
            "quote",
            text="Xã đã duy trì 02 mô hình địa chỉ tin cậy tại cộng đồng.",
            origin="Nguồn: UBND xã Đăk Tô, báo cáo phiên bản 2",
        ),
        d.Block("item", text="Công tác tập huấn được thực hiện theo kế hoạch."),
        d.Block("section", title="Đánh giá chung"),
        d.Block("paragraph", text="Một số xã báo cáo chậm so với thời hạn.\x0b\x01"),
        d.Block("section", title="Đề xuất, kiến nghị"),
        d.Block("paragraph", text="Đề nghị Bộ { PAGE } hỗ trợ kinh phí tập huấn cho cấp xã."),
    ]
    appendix = d.Appendix(
        title="Số liệu chi tiết theo xã",
        blocks=[
            d.Block(
                "table",
                table=d.Table(
                    caption="",
                    header=["TT", "Xã", "Số vụ", "Tỷ lệ hỗ trợ"],
                    rows=[[i, f"Xã {i}", i * 3, 50 + i / 3] for i in range(1, 61)],
                    number_format=["int", "auto", "int", "percent"],
                ),
            )
        ],
    )
    values = dict(
        parent_body="UBND tỉnh Kon Tum",
        issuer="Sở Nội vụ",
        issuer_name="Sở Nội vụ",
        number=5,
        symbol="BC-SNV",
        place="Kon Tum",
        date=DATE,
        summary="Kết quả thực hiện công tác phòng, chống bạo lực trên cơ sở giới năm 2025",
        recipients=["Bộ Nội vụ", "Ủy ban nhân dân tỉnh Kon Tum"],
        blocks=blocks,
        signer_authority=["KT. Giám đốc", "Phó Giám đốc"],
        signer_name="Nguyễn Văn An",
        copies_to=["Giám đốc Sở", "Các phòng chuyên môn"],
        drafting_unit="PCTCTN",
        appendices=[appendix],
        contact="Liên hệ: Phòng Công tác thanh niên, điện thoại 0260 3862 000.",
    )
    values.update(changes)
    return d.ReportDoc(**values)


@pytest.fixture(scope="module")
def png() -> bytes:
    return chart_png()


@pytest.fixture(scope="module")
def report(png) -> d.ReportDoc:
    return province_report(png)


@pytest.fixture(scope="module")
def data(report) -> bytes:
    return docx_bytes(report)


@pytest.fixture(scope="module")
def document(data):
    return docx.Document(io.BytesIO(data))


def all_paragraphs(document):
    """Paragraphs of the body, its tables (in order), headers and footers."""
    body = document.element.body
    for p in body.iter(f"{W}p"):
        yield docx.text.paragraph.Paragraph(p, document)
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.first_page_footer):
            for p in part._element.iter(f"{W}p"):
                yield docx.text.paragraph.Paragraph(p, part)


def texts(container) -> list[str]:
    return [p.text for p in container.paragraphs if p.text.strip()]


def body_paragraph(document, start: str):
    return next(p for p in document.paragraphs if p.text.startswith(start))


# ---------------------------------------------------------------- the text rules


@pytest.mark.parametrize(
    ("date", "words"),
    [
        (datetime.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (datetime.date(2026, 1, 31), "ngày 31 tháng 01 năm 2026"),
        (datetime.date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (datetime.date(2025, 12, 15), "ngày 15 tháng 12 năm 2025"),
    ],
)
def test_dates_take_the_decrees_leading_zeros(date, words):
    assert d.date_words(date) == words
    assert d.place_date_line(" Kon  Tum ", date) == "Kon Tum, " + words


def test_numbers_and_symbols():
    assert d.number_line(5, "bc-snv") == "Số: 05/BC-SNV"
    assert d.number_line(12, "BC-UBND") == "Số: 12/BC-UBND"
    assert d.number_line(None, "BC-SNV") == "Số:       /BC-SNV"
    with pytest.raises(ValueError, match="starts at 1"):
        d.number_line(0, "BC-SNV")


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (1234567, "auto", "1.234.567"),
        (95.2, "percent", "95,2\u00a0%"),
        (Decimal("64.25"), "auto", "64,3"),
        (80, "percent", "80,0\u00a0%"),
        (-1500.5, "decimal2", "-1.500,50"),
        (None, "auto", "—"),
        (float("nan"), "auto", "—"),
        ("Đạt", "int", "Đạt"),
    ],
)
def test_numbers_are_written_the_vietnamese_way(value, fmt, text):
    assert d.format_value(value, fmt) == text


def test_recipient_and_copy_lines(report, png):
    assert d.recipient_lines(["Bộ Nội vụ;"]) == ["Bộ Nội vụ."]
    assert d.recipient_lines(["Bộ Nội vụ", "- UBND tỉnh."]) == ["- Bộ Nội vụ;", "- UBND tỉnh."]
    assert d.copies_lines(report) == [
        "- Như trên;",
        "- Giám đốc Sở;",
        "- Các phòng chuyên môn;",
        "- Lưu: VT, PCTCTN.",
    ]
    no_recipient = province_report(png, recipients=[], copies_to=[], blocks=[])
    assert d.copies_lines(no_recipient) == ["- Lưu: VT, PCTCTN."]


def test_numbering_restarts_under_each_level():
    blocks = [d.Block(k, title="x") for k in ("section", "item", "point", "point", "item",
                                              "section", "item", "part", "section")]  # fmt: skip
    labels = [label for _block, label in d.numbered(blocks)]
    assert labels == ["I.", "1.", "a)", "b)", "2.", "II.", "1.", "Phần I", "I."]
    assert d.without_label("II. Kết quả", "II.") == "Kết quả"
    assert d.without_label("Kết quả", "II.") == "Kết quả"
    assert d.point_letter(5) == "đ"


def test_a_chart_needs_png_bytes():
    with pytest.raises(ValueError, match="PNG"):
        d.Block("chart", png=b"<svg/>")
    with pytest.raises(ValueError, match="kind"):
        d.Block("heading")  # type: ignore[arg-type]


# ---------------------------------------------------------------- the DOCX read back


def test_page_setup(document):
    for section in document.sections:
        mm = [round(length.mm, 1) for length in (section.page_width, section.page_height,
              section.top_margin, section.bottom_margin, section.left_margin,
              section.right_margin)]  # fmt: skip
        assert mm == [210, 297, 20, 20, 30, 15]
        assert section.orientation == docx.enum.section.WD_ORIENT.PORTRAIT
        assert section.different_first_page_header_footer is True


def test_every_run_is_times_new_roman(document):
    runs = 0
    for paragraph in all_paragraphs(document):
        for r in paragraph._p.iter(f"{W}r"):
            fonts = r.find(f"{W}rPr/{W}rFonts")
            assert fonts is not None, paragraph.text
            for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
                assert fonts.get(qn(f"w:{attr}")) == FONT, (attr, paragraph.text)
            runs += 1
    assert runs > 150
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert {defaults.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {FONT}
    assert not [k for k in defaults.attrib if "Theme" in k or "theme" in k]
    styles_xml = document.styles.element.xml
    assert "majorHAnsi" not in styles_xml
    assert "minorHAnsi" not in styles_xml


def test_the_header_block(document):
    header = document.tables[0]
    assert header.style is None or header.style.name == "Normal Table"
    assert "w:tblBorders" not in header._tbl.xml
    left, right = header.cell(0, 0), header.cell(0, 1)
    assert texts(left) == ["UBND TỈNH KON TUM", "SỞ NỘI VỤ"]
    parent, issuer = [p.runs[0] for p in left.paragraphs[:2]]
    assert (parent.bold, issuer.bold) == (False, True)
    assert parent.font.size == issuer.font.size == Pt(13)
    assert texts(right) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert all(p.runs[0].bold for p in right.paragraphs[:2])
    assert right.paragraphs[1].runs[0].font.size == Pt(13)
    assert texts(header.cell(1, 0)) == ["Số: 05/BC-SNV"]
    date = header.cell(1, 1).paragraphs[0]
    assert date.text == "Kon Tum, ngày 05 tháng 02 năm 2026"
    assert date.runs[0].italic is True
    assert date.runs[0].font.size == Pt(14)
    # the rules: borders of empty paragraphs, centred by equal indents, never underlined spaces
    rules = [p for p in (*left.paragraphs, *right.paragraphs) if "w:pBdr" in p._p.xml]
    assert len(rules) == 2
    assert all(p.text == "" for p in rules)
    for rule in rules:
        fmt = rule.paragraph_format
        assert fmt.left_indent == fmt.right_indent
        assert fmt.left_indent > Cm(0.5)
    assert "w:u " not in document.element.body.xml


def test_title_summary_and_recipients(document, png):
    title = body_paragraph(document, "BÁO CÁO")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].bold
    assert title.runs[0].font.size == Pt(14)
    summary = body_paragraph(document, "Kết quả thực hiện công tác")
    assert summary.runs[0].bold
    assert summary.alignment == WD_ALIGN_PARAGRAPH.CENTER
    lines = [p.text for p in document.paragraphs]
    start = lines.index("Kính gửi:")
    assert lines[start + 1 : start + 3] == ["- Bộ Nội vụ;", "- Ủy ban nhân dân tỉnh Kon Tum."]
    label, first = document.paragraphs[start], document.paragraphs[start + 1]
    assert first.paragraph_format.left_indent > label.paragraph_format.left_indent
    one = docx.Document(io.BytesIO(docx_bytes(province_report(png, recipients=["Bộ Nội vụ"],
                                                              blocks=[]))))  # fmt: skip
    assert "Kính gửi: Bộ Nội vụ." in [p.text for p in one.paragraphs]


def test_body_and_headings(document):
    styles = {p.text: p.style.name for p in document.paragraphs if p.text}
    assert styles["I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"] == "Heading 1"
    assert styles["II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"] == "Heading 1"
    assert styles["1. Công tác truyền thông"] == "Heading 2"
    assert styles["a) Truyền thông trực tiếp"] == "Heading 3"
    assert styles["b) Phát 1.500 tờ rơi tại các xã."] == "Normal"
    assert styles["2. Công tác tập huấn được thực hiện theo kế hoạch."] == "Normal"
    heading = document.styles["Heading 1"]
    assert heading.font.bold
    assert heading.font.size == Pt(14)
    assert heading.font.color.rgb == docx.shared.RGBColor(0, 0, 0)
    section = body_paragraph(document, "I. CÔNG TÁC")
    assert section.runs[0].bold is True
    text = body_paragraph(document, "Ủy ban nhân dân tỉnh đã ban hành")
    fmt = text.paragraph_format
    assert text.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert fmt.first_line_indent == Cm(1.27)
    assert fmt.space_before >= Pt(6)
    assert text.runs[0].font.size == Pt(14)
    assert not text.runs[0].italic
    basis = body_paragraph(document, "Căn cứ Kế hoạch")
    assert basis.text.endswith("UBND tỉnh.")
    assert basis.runs[0].italic
    origin = body_paragraph(document, "Nguồn: UBND xã Đăk Tô")
    assert origin.runs[0].italic
    assert origin.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_user_text_is_never_a_field_and_control_characters_are_dropped(data, document):
    assert "Một số xã báo cáo chậm so với thời hạn." in [p.text for p in document.paragraphs]
    import zipfile

    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "Đề nghị Bộ { PAGE } hỗ trợ" in body
    assert "instrText" not in body
    assert "fldSimple" not in body
    assert "fldChar" not in body


def test_the_indicator_table(document):
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "TT")
    assert [c.text for c in table.rows[0].cells] == ["TT", "Chỉ tiêu", "Chỉ tiêu giao",
                                                     "Kết quả", "Tình trạng"]  # fmt: skip
    assert table.style.name == "Table Grid"
    assert "w:tblHeader" in table.rows[0]._tr.xml
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert rows[0][2:4] == ["—", "1.234"]
    assert rows[1][2:4] == ["80,0\u00a0%", "95,2"]
    assert rows[2][3] == "64,3"
    assert rows[3][3] == "1.234.567.890"
    number = table.rows[1].cells[3].paragraphs[0]
    assert number.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert number.runs[0].font.size == Pt(12)
    assert body_paragraph(document, "Bảng 1.").runs[0].bold


def test_the_chart(document, png):
    shapes = document.inline_shapes
    assert len(shapes) == 1
    assert shapes[0].width == Cm(CHART_CM)
    assert CHART_CM <= 16
    assert document.part.related_parts  # the picture part
    images = [p for p in document.part.package.parts if p.content_type == "image/png"]
    assert [p.blob for p in images] == [png]
    caption = body_paragraph(document, "Biểu đồ 1.")
    assert caption.runs[0].italic
    assert caption.runs[0].font.size == Pt(13)
    assert caption.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_recipients_and_signature(document):
    bottom = next(t for t in document.tables if t.cell(0, 0).text.startswith("Nơi nhận:"))
    left, right = bottom.cell(0, 0), bottom.cell(0, 1)
    assert texts(left) == ["Nơi nhận:", "- Như trên;", "- Giám đốc Sở;",
                           "- Các phòng chuyên môn;", "- Lưu: VT, PCTCTN."]  # fmt: skip
    label = left.paragraphs[0].runs[0]
    assert label.bold
    assert label.italic
    assert label.font.size == Pt(12)
    assert {p.runs[0].font.size for p in left.paragraphs[1:]} == {Pt(11)}
    assert not any(p.runs[0].bold for p in left.paragraphs[1:])
    assert texts(right) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An"]
    assert all(p.runs[0].bold for p in right.paragraphs)
    name = right.paragraphs[-1]
    assert name.paragraph_format.space_before >= Pt(48)
    assert "w:tblBorders" not in bottom._tbl.xml


def test_page_numbers_from_page_two(document):
    main = document.sections[0]
    header = main.header._element.xml
    assert "<w:instrText" in header
    assert " PAGE " in header
    assert main.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert not main.first_page_header.is_linked_to_previous
    first = main.first_page_header._element
    assert "fldChar" not in first.xml
    assert not "".join(first.itertext()).strip()
    contact = main.first_page_footer.paragraphs[0]
    assert contact.text.startswith("Liên hệ:")
    assert contact.runs[0].font.size == Pt(11)
    assert "w:top " in contact._p.xml  # under a full-width rule


def test_the_appendix_is_its_own_section_numbered_from_one(document):
    assert len(document.sections) == 2
    appendix = document.sections[1]
    assert appendix.start_type == docx.enum.section.WD_SECTION.NEW_PAGE
    numbering = appendix._sectPr.find(f"{W}pgNumType")
    assert numbering is not None
    assert numbering.get(qn("w:start")) == "1"
    assert appendix.header.is_linked_to_previous  # the same PAGE header
    assert not "".join(appendix.first_page_footer._element.itertext()).strip()  # no contact
    lines = [p.text for p in document.paragraphs if p.text]
    start = lines.index("Phụ lục I")
    assert lines[start + 1 : start + 3] == [
        "SỐ LIỆU CHI TIẾT THEO XÃ",
        "(Kèm theo Báo cáo số 05/BC-SNV ngày 05 tháng 02 năm 2026 của Sở Nội vụ)",
    ]
    assert body_paragraph(document, "Phụ lục I").runs[0].bold


def test_an_unnumbered_report_leaves_the_number_blank(png):
    blank = docx.Document(io.BytesIO(docx_bytes(province_report(png, number=None))))
    assert blank.tables[0].cell(1, 0).text == "Số:       /BC-SNV"
    assert "(Kèm theo Báo cáo số       /BC-SNV ngày 05" in "\n".join(
        p.text for p in blank.paragraphs
    )


def test_the_download(report):
    response = docx_response(report, "Báo cáo năm 2025")
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="Bao cao nam 2025.docx"; '
        "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20n%C4%83m%202025.docx"
    )
    assert response.content.startswith(b"PK")


def test_to_pdf_says_when_libreoffice_is_missing(monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda _name: None)
    with pytest.raises(pdf.PdfConversionError, match="not installed") as error:
        pdf.to_pdf(b"PK")
    assert error.value.code == "no_soffice"


# ---------------------------------------------------------------- rendered by LibreOffice


needs_soffice = pytest.mark.skipif(
    pdf.soffice() is None, reason="LibreOffice (soffice) is not installed"
)


@pytest.fixture(scope="module")
def rendered(data) -> bytes:
    return pdf.to_pdf(data, timeout=180)


def pdf_text(data: bytes, page: int, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / "report.pdf"
    source.write_bytes(data)
    done = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(source), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return done.stdout.decode()


@needs_soffice
def test_libreoffice_renders_several_pages(rendered):
    assert rendered.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", rendered))
    assert pages >= 3  # the report runs onto page 2 and the appendix starts a page of its own


@needs_soffice
def test_the_first_page_as_rendered(rendered, tmp_path):
    first = pdf_text(rendered, 1, tmp_path)
    words = " ".join(first.split())
    for text in ("UBND TỈNH KON TUM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỞ NỘI VỤ",
                 "Độc lập - Tự do - Hạnh phúc", "Số: 05/BC-SNV",
                 "Kon Tum, ngày 05 tháng 02 năm 2026", "BÁO CÁO", "Kính gửi:",
                 "- Bộ Nội vụ;", "Liên hệ: Phòng Công tác thanh niên"):  # fmt: skip
        assert text in words, text
    # "Số" and the date share a line; no page number on page 1, "2" atop page 2
    assert re.search(r"Số: 05/BC-SNV\s+Kon Tum, ngày 05", first)
    assert first.strip().splitlines()[0].split()[0] == "UBND"
    assert pdf_text(rendered, 2, tmp_path).strip().splitlines()[0].strip() == "2"


def test_parts_take_the_first_heading_level(png):
    blocks = [
        d.Block("part", title="Kết quả năm 2025"),
        d.Block("section", title="Chỉ tiêu"),
        d.Block("item", title="Truyền thông"),
        d.Block("part", title="Phương hướng năm 2026"),
        d.Block("section", title="Nhiệm vụ"),
    ]
    parts = docx.Document(io.BytesIO(docx_bytes(province_report(png, blocks=blocks))))
    styles = {p.text: p.style.name for p in parts.paragraphs if p.text}
    assert styles["Phần I\nKẾT QUẢ NĂM 2025"] == "Heading 1"
    assert styles["Phần II\nPHƯƠNG HƯỚNG NĂM 2026"] == "Heading 1"
    assert styles["I. CHỈ TIÊU"] == styles["I. NHIỆM VỤ"] == "Heading 2"
    assert styles["1. Truyền thông"] == "Heading 3"
    part = body_paragraph(parts, "Phần I")
    assert part.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(run.bold for run in part.runs)


@needs_soffice
def test_to_pdf_gives_up_after_its_timeout(data):
    with pytest.raises(pdf.PdfConversionError, match="within") as error:
        pdf.to_pdf(data, timeout=0.01)
    assert error.value.code == "timeout"


def test_a_long_body_name_breaks_before_its_level(png):
    assert body_lines("SỞ NỘI VỤ", 13, bold=True, room=6.2) == ["SỞ NỘI VỤ"]
    name = "ỦY BAN NHÂN DÂN XÃ ĐĂK TÔ"
    assert body_lines(name, 13, bold=True, room=6.2) == ["ỦY BAN NHÂN DÂN", "XÃ ĐĂK TÔ"]
    commune = docx.Document(
        io.BytesIO(docx_bytes(province_report(png, parent_body="", issuer=name.lower())))
    )
    issuer = commune.tables[0].cell(0, 0).paragraphs[0]
    assert issuer.text == "ỦY BAN NHÂN DÂN\nXÃ ĐĂK TÔ"
    assert {(run.bold, run.font.size) for run in issuer.runs} == {(True, Pt(13))}


@needs_soffice
def test_conversions_at_the_same_time_do_not_share_a_profile(png):
    from concurrent.futures import ThreadPoolExecutor

    short = docx_bytes(province_report(png, appendices=[], blocks=[]))
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(pool.map(lambda data: pdf.to_pdf(data, timeout=180), [short, short]))
    assert all(p.startswith(b"%PDF") for p in pdfs)
