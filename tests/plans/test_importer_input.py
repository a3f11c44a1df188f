"""The importer on text as it is published: hard-wrapped copies of the seed documents and a PDF
made from a seed in the test (Chromium prints it; a text PDF as portals publish them)."""

from __future__ import annotations

import html
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from gbvms.plans.documents import UnreadableDocumentError, read_document
from gbvms.plans.importer import document_text, parse_plan

HERE = Path(__file__).parent
SEEDS = sorted((HERE / "fixtures" / "seeds").glob("*.txt"))
# every document shape the tests hold: the seeds, the fixtures, the golden inputs
DOCUMENTS = SEEDS + sorted(
    p for folder in (HERE / "fixtures", HERE / "golden") for p in folder.iterdir()
    if p.suffix in (".txt", ".md") and p.name != "README.md"
)  # fmt: skip
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def facts(result: dict) -> dict:
    """The facts a reader checks, comparable between two readings of one document."""
    return {
        "title": result["title"],
        "issuer": result["issuer"],
        "document_number": result["document_number"],
        "issued_on": result["issued_on"],
        "period": result["period"],
        "basis": result["basis"],
        "targets": [(t["comparator"], t["value"], t["year"]) for t in result["targets"]],
        "activities": [(a["code"], a["lead"]) for a in result["activities"]],
        "reporting": [(r["kind"], r["due"]) for r in result["reporting"]],
        "campaigns": [(c["start"], c["end"]) for c in result["campaigns"]],
    }


def hard_wrap(text: str, width: int) -> str:
    """Every paragraph cut at ``width`` characters, as a web page or a PDF copy does; list marks,
    headings, table rows and blank lines kept."""
    out = []
    for line in text.splitlines():
        if line.lstrip().startswith("|"):
            out.append(line)
            continue
        out.extend(textwrap.wrap(line, width, break_on_hyphens=False) or [""])
    return "\n".join(out)


@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem for s in SEEDS])
@pytest.mark.parametrize("width", [60, 75, 90])
def test_hard_wrapped_seed_reads_as_the_original(seed: Path, width: int):
    text = seed.read_text(encoding="utf-8")
    wrapped = hard_wrap(text, width)
    assert wrapped.count("\n") > text.count("\n") * 1.5  # the copy is really cut
    assert facts(parse_plan(wrapped)) == facts(parse_plan(text))


def _same_range(a: dict) -> dict:
    """'2021 -2025' and '2021 - 2025' (a wrap at the dash) name the same years."""
    return {**a, "title": a["title"].replace(" -2", " - 2")}


@pytest.mark.parametrize("document", DOCUMENTS, ids=[d.stem for d in DOCUMENTS])
def test_every_document_shape_reads_the_same_hard_wrapped(document: Path):
    text = document.read_text(encoding="utf-8")
    original = _same_range(facts(parse_plan(text)))
    for width in (50, 65, 80, 100):
        assert _same_range(facts(parse_plan(hard_wrap(text, width)))) == original, width


def test_rejoin_keeps_items_headings_and_tables_apart():
    text = "\n".join([
        "KẾ HOẠCH", "Phòng ngừa bạo lực năm 2024", "", "II. NHIỆM VỤ",
        "1. Tuyên truyền về phòng, chống bạo lực", "- Chủ trì: Sở Tư pháp",
        "- Phối hợp: Hội Nông dân", "2. Tập huấn", "a) cho cán bộ xã",
        "| TT | Ghi chú |", "| 1 | và các huyện |", "III. KINH PHÍ", "| Nguồn | Số tiền |",
        "| và ngân sách | 10 |",
    ])  # fmt: skip
    result = parse_plan(text)
    assert [(a["code"], a["title"]) for a in result["activities"]] == [
        ("1", "Tuyên truyền về phòng, chống bạo lực"), ("a", "cho cán bộ xã"),
    ]  # fmt: skip
    assert result["activities"][0]["lead"] == ["Sở Tư pháp"]
    assert result["activities"][0]["coordinating"] == ["Hội Nông dân"]
    assert all("và" not in a["title"] for a in result["activities"])


def _print_pdf(html_text: str, tmp_path: Path) -> bytes:
    page = tmp_path / "page.html"
    page.write_text(html_text, encoding="utf-8")
    out = tmp_path / "page.pdf"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={out}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return out.read_bytes()


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium prints the PDF")
def test_pdf_made_from_a_seed_reads_as_its_text(tmp_path):
    seed = next(s for s in SEEDS if "province" in s.name)
    text = seed.read_text(encoding="utf-8")
    style = "white-space:pre-wrap;font-family:'DejaVu Sans';font-size:11pt"
    data = _print_pdf(
        f"<html><meta charset='utf-8'><body><pre style=\"{style}\">{html.escape(text)}</pre>",
        tmp_path,
    )
    assert data[:5] == b"%PDF-"
    from_pdf = document_text(data, "ke-hoach.pdf")
    assert from_pdf.count("\n") > text.count("\n")  # the page width cut the lines
    assert read_document("ke-hoach.pdf", data) == from_pdf
    assert facts(parse_plan(from_pdf)) == facts(parse_plan(text))


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium prints the PDF")
def test_scanned_pdf_is_refused_in_vietnamese(tmp_path):
    data = _print_pdf("<html><body><div style='width:300px;height:300px;background:#777'>"
                      "</div></body></html>", tmp_path)  # fmt: skip
    with pytest.raises(UnreadableDocumentError) as caught:
        document_text(data, "scan.pdf")
    assert caught.value.code == "pdf_scanned"
    assert "bản quét" in str(caught.value)


def test_damaged_pdf_is_refused():
    with pytest.raises(UnreadableDocumentError) as caught:
        document_text(b"%PDF-1.7\n1 0 obj <<>> garbage", "x.pdf")
    assert caught.value.code in ("unreadable", "pdf_scanned")


def test_text_and_markdown_still_read():
    assert document_text("KẾ HOẠCH\nA".encode(), "a.md") == "KẾ HOẠCH\nA"


def test_pdf_page_numbers_are_dropped_and_pages_rejoin():
    from gbvms.plans.importer.read import _without_page_number

    first = _without_page_number("KẾ HOẠCH\nCăn cứ Quyết định số 2232/QĐ-TTg\n1\n")
    second = _without_page_number("2\nngày 28/12/2020 của Thủ tướng Chính phủ;\nI. MỤC TIÊU")
    assert first.splitlines()[-1] == "Căn cứ Quyết định số 2232/QĐ-TTg"
    plan = parse_plan(first + "\n" + second)
    assert plan["basis"] == ["Quyết định số 2232/QĐ-TTg ngày 28/12/2020 của Thủ tướng Chính phủ"]


def test_docx_with_its_header_laid_out_as_a_table():
    import io

    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nXÃ IA CHIM\n-------"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    table.cell(1, 0).text = "Số: 31/KH-UBND"
    table.cell(1, 1).text = "Ia Chim, ngày 11 tháng 4 năm 2024"
    for text in ("KẾ HOẠCH", "Phòng, chống bạo lực gia đình năm 2024", "I. MỤC TIÊU"):
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    plan = parse_plan(document_text(buffer.getvalue(), "ke-hoach.docx"))
    assert plan["issuer"] == "Ủy ban nhân dân xã Ia Chim"
    assert (plan["document_number"], plan["issued_on"]) == ("31/KH-UBND", "2024-04-11")
    assert plan["place"] == "Ia Chim"
    assert plan["title"] == "Kế hoạch Phòng, chống bạo lực gia đình năm 2024"
