"""Laid-out workbooks (gbvms/core/tabular.py: Sheet / Cell / Style → XLSX bytes): merged header
cells, one font, number formats, frozen rows, widths, hidden sheets — and still no formula, every
text cell neutralised."""

import datetime
import io
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from gbvms.core import tabular
from gbvms.core.tabular import Cell, Sheet, Style

EVIL = '=HYPERLINK("http://evil.example/","x")'


def _book(*sheets, **kwargs):
    return load_workbook(io.BytesIO(tabular.xlsx_layout_bytes(list(sheets), **kwargs)))


def _layout():
    bold = Style(bold=True, align="center")
    return Sheet(
        title="Bảng [1]: số/liệu?",
        rows=[
            [Cell("Biểu số liệu", bold, span=3), None, Cell("Đơn vị: " + EVIL, span=2)],
            [Cell(EVIL, span=6)],
            ["TT", "Chỉ tiêu", Cell(1234567, Style(number_format="#,##0"))],
            [1, "-2+3", Cell(0.375, Style(number_format="0.0%", border=True), span=2), "@x"],
            [Cell(datetime.date(2026, 6, 30)), Cell(True), None, Cell(None, Style(border=True))],
        ],
        widths=[6, 60, 8],
        heights={2: 48},
        freeze_rows=3,
        landscape=True,
        repeat_row=3,
    )


def test_merges_widths_freeze_and_one_font():
    book = _book(_layout(), Sheet("_meta", [["key", "value"]], hidden=True))
    sheet = book.worksheets[0]
    assert sheet.title == "Bảng  1   số liệu"[:31]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert merged == {"A1:C1", "E1:F1", "A2:F2", "C4:D4"}
    assert sheet["A1"].value == "Biểu số liệu"
    assert sheet["A1"].font.b
    assert sheet["A1"].alignment.horizontal == "center"
    assert sheet["E1"].value == "Đơn vị: " + EVIL  # does not start with "=": unchanged
    assert sheet.freeze_panes == "A4"
    assert [sheet.column_dimensions[c].width for c in "ABC"] == [6, 60, 8]
    assert sheet.row_dimensions[2].height == 48
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$3:$3"
    fonts = {
        (c.font.name, c.font.sz) for row in sheet.iter_rows() for c in row if c.value is not None
    }
    assert fonts == {("Times New Roman", 12)}
    assert book.active.title == sheet.title
    meta = book["_meta"]
    assert meta.sheet_state == "hidden"


def test_cells_are_typed_neutralised_and_never_formulas():
    sheet = _book(_layout()).worksheets[0]
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("'" + EVIL, "s")
    assert (sheet["C3"].value, sheet["C3"].data_type, sheet["C3"].number_format) == (
        1234567,
        "n",
        "#,##0",
    )
    assert (sheet["C4"].value, sheet["C4"].number_format) == (0.375, "0.0%")
    assert sheet["C4"].border.left.style == "thin"
    assert sheet["D4"].border.right.style == "thin"  # the whole merged range is bordered
    assert sheet["B4"].value == "'-2+3"
    assert sheet["E4"].value == "'@x"
    assert (sheet["A4"].value, sheet["A4"].number_format) == (1, "General")
    assert sheet["A5"].is_date
    assert sheet["A5"].number_format == "dd/mm/yyyy"
    assert sheet["B5"].value is True
    assert sheet["D5"].border.top.style == "thin"
    assert sheet["D5"].value is None
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert not [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]


def test_font_and_size_of_the_book_and_per_style():
    sheet = _book(
        Sheet("x", [["a", Cell("b", Style(size=14, italic=True))]]), font="Arial", size=10
    ).active
    assert (sheet["A1"].font.name, sheet["A1"].font.sz) == ("Arial", 10)
    assert (sheet["B1"].font.sz, sheet["B1"].font.i) == (14, True)


def test_sheet_titles_are_valid_and_unique():
    assert tabular.sheet_title("'" + "x" * 40 + "'") == "x" * 31
    assert tabular.sheet_title("[]:*?/\\") == "Sheet"
    book = _book(Sheet("Data", [["a"]]), Sheet("data", [["b"]]))
    assert [s.title for s in book.worksheets] == ["Data", "data~2"]


def test_a_book_needs_a_visible_sheet():
    with pytest.raises(ValueError, match="visible sheet"):
        tabular.xlsx_layout_bytes([Sheet("_meta", [["k"]], hidden=True)])


def test_layout_response_and_vietnamese_filename():
    response = tabular.xlsx_layout_response(
        [Sheet("x", [["a"]])], filename='Chỉ tiêu "Đắk Lắk"\r\n2026S1.xlsx'
    )
    assert response["Content-Type"] == tabular.XLSX_TYPE
    header = response["Content-Disposition"]
    fallback, star = header.split("; filename*=UTF-8''")
    assert fallback == 'attachment; filename="Chi tieu _Dak Lak___2026S1.xlsx"'
    assert unquote(star) == 'Chỉ tiêu "Đắk Lắk"\r\n2026S1.xlsx'
    assert "\r" not in header
    assert "\n" not in header
    assert '"' not in star
    assert load_workbook(io.BytesIO(response.content)).active["A1"].value == "a"
    # a plain ASCII name keeps the old header exactly
    assert tabular.attachment_header("x.csv") == 'attachment; filename="x.csv"'
