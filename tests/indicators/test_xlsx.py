"""The XLSX of a unit's indicators in the layout of a statistical form (gbvms/indicators/xlsx.py,
REPORTING §C.3), read back with openpyxl; and rendered once by LibreOffice when it is installed."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from gbvms.indicators import dimensions
from gbvms.indicators.models import IndicatorVersion, UnitTarget
from gbvms.indicators.xlsx import HEADER_ROW, filename, indicators_workbook
from tests.conftest import make_user

AS_OF = datetime.datetime(2026, 7, 2, 1, 5, tzinfo=datetime.UTC)  # 08:05 in Việt Nam
COLUMNS = [
    "TT",
    "Chỉ tiêu",
    "ĐVT",
    "Số lượng/Tỷ lệ",
    "Tử số",
    "Mẫu số",
    "Chỉ tiêu kế hoạch",
    "Đánh giá",
]


@dataclass(frozen=True)
class Row:  # the shape of selectors.ExportRow
    indicator: Any
    version: Any
    disagg: dict[str, str]
    n: int | None
    d: int | None
    value: float | None
    hidden: bool = False


def row(code: str, disagg: str = "", n=None, d=None, value=None, hidden=False) -> Row:
    version = IndicatorVersion.objects.select_related("indicator").get(
        indicator__code=code, status="current"
    )
    if hidden:
        n = d = value = None
    return Row(version.indicator, version, dimensions.parse_disagg(disagg), n, d, value, hidden)


def book(unit, rows, period="2026S1", **kw):
    data = indicators_workbook(unit, period, rows, as_of=AS_OF, **kw)
    return load_workbook(io.BytesIO(data))


def find(sheet, text: str, column: int = 2) -> int:
    """The number of the first row whose column ``column`` holds ``text``."""
    for cells in sheet.iter_rows(min_row=HEADER_ROW + 1):
        if cells[column - 1].value == text:
            return cells[0].row
    raise AssertionError(f"{text!r} not in column {column}")


def indicator_row(sheet, code: str) -> int:
    for cells in sheet.iter_rows(min_row=HEADER_ROW + 1):
        if isinstance(cells[1].value, str) and cells[1].value.endswith(f"({code})"):
            return cells[0].row
    raise AssertionError(code)


def option_row(sheet, code: str, title: str, label: str) -> int:
    """The row of option ``label`` under the breakdown ``title`` of indicator ``code``."""
    start = indicator_row(sheet, code)
    in_block = False
    for cells in sheet.iter_rows(min_row=start + 1):
        text = cells[1].value
        if isinstance(text, str) and text.endswith(")") and "(R" in text:
            break  # the next indicator
        if text == title:
            in_block = True
        elif in_block and text and text.startswith("Chia theo"):
            break
        elif in_block and text == label:
            return cells[0].row
    raise AssertionError((code, title, label))


@pytest.fixture
def figures(db):
    return [
        row("R01", n=1234),
        row("R01", "SEX=F", n=1200),
        row("R01", "SEX=M", hidden=True),
        row("R01", "SEX=X", n=0),
        row("R01C", n=0),
        row("R02", n=45, d=50, value=90.0),
        row("R02", "SEX=M", hidden=True),
        row("R09", n=40, value=12.5),
    ]


@pytest.mark.django_db
def test_header_block_title_period_and_columns(province, figures):
    sheet = book(province, figures).worksheets[0]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:B1", "C1:H1", "A2:B2", "C2:H2", "A5:H5", "A6:H6"} <= merged
    assert sheet["A1"].value == "Biểu số liệu chỉ tiêu phòng, chống BLTCSG"
    assert sheet["A2"].value.startswith("Căn cứ Nghị định số 09/2019/NĐ-CP")
    assert sheet["A3"].value == "Số liệu tính đến 08:05 ngày 02/07/2026"
    assert sheet["C1"].value == "Đơn vị báo cáo: Tỉnh Quảng Ngãi"
    assert sheet["C2"].value == "Đơn vị nhận báo cáo: Bộ Nội vụ"
    assert sheet["A5"].value == "SỐ LIỆU CHỈ TIÊU PHÒNG, CHỐNG BẠO LỰC TRÊN CƠ SỞ GIỚI"
    assert sheet["A5"].alignment.horizontal == "center"
    assert sheet["A6"].value == "6 tháng đầu năm 2026"
    assert [c.value for c in sheet[HEADER_ROW]] == COLUMNS
    assert sheet.title == "Chỉ tiêu 2026S1"
    fonts = {c.font.name for r in sheet.iter_rows() for c in r if c.value is not None}
    assert fonts == {"Times New Roman"}
    assert sheet["B9"].font.sz == 12
    assert sheet["A5"].font.sz == 14


@pytest.mark.django_db
def test_a_commune_reports_to_its_province_and_a_cutoff_period_shows_its_window(commune_a):
    sheet = book(commune_a, [], period="2026S1C").worksheets[0]
    assert sheet["C1"].value == "Đơn vị báo cáo: Phường Kon Tum"
    assert sheet["C2"].value == "Đơn vị nhận báo cáo: Tỉnh Quảng Ngãi"
    assert sheet["A6"].value == "6 tháng đầu năm 2026 (15/12/2025–14/06/2026)"


@pytest.mark.django_db
def test_freeze_panes_widths_and_print_titles(province, figures):
    sheet = book(province, figures).worksheets[0]
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    widths = [sheet.column_dimensions[c].width for c in "ABC"]
    assert widths == [6, 60, 8]
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"


@pytest.mark.django_db
def test_sections_numbering_and_option_labels(province, figures):
    sheet = book(province, figures).worksheets[0]
    first = HEADER_ROW + 1
    assert [sheet.cell(first, c).value for c in (1, 2)] == ["I", "PHÁT HIỆN"]
    sections = [
        sheet.cell(r, 2).value
        for r in range(first, sheet.max_row + 1)
        if sheet.cell(r, 1).value in {"I", "II", "III", "IV", "V"}
    ]
    assert sections == [
        "PHÁT HIỆN",
        "HỖ TRỢ VÀ CAN THIỆP",
        "NGƯỜI GÂY BẠO LỰC",
        "CHUYỂN GỬI VÀ BIỆN PHÁP BẢO VỆ",
        "BẠO LỰC GIA ĐÌNH THEO HÌNH THỨC",
    ]
    r01 = indicator_row(sheet, "R01")
    assert sheet.cell(r01, 1).value == "1"
    assert sheet.cell(r01, 3).value == "Người"
    assert [sheet.cell(r01 + 1, c).value for c in (1, 2)] == ["1.1", "Chia theo giới tính"]
    assert [sheet.cell(r01 + 2, c).value for c in (1, 2)] == ["1.1.1", "Nữ"]
    assert [sheet.cell(r01 + 3, c).value for c in (1, 2)] == ["1.1.2", "Nam"]
    assert sheet.cell(indicator_row(sheet, "R01C"), 3).value == "Vụ việc"
    assert sheet.cell(indicator_row(sheet, "R13"), 3).value == "Vụ"
    assert sheet.cell(indicator_row(sheet, "R02"), 3).value == "%"
    assert sheet.cell(indicator_row(sheet, "R09"), 3).value == "Giờ"
    pair = option_row(sheet, "R01", "Chia theo giới tính và nhóm tuổi", "Nữ – 16–59 tuổi")
    assert option_row(sheet, "R01", "Chia theo loại bạo lực (GBVIMS)", "Hiếp dâm") < pair
    assert sheet.cell(pair, 1).value.startswith("1.")
    names = {sheet.cell(r, 2).value for r in range(first, sheet.max_row + 1)}
    raw = {"SEX=F", "F", "Y16_59", "AGE_VN=Y16_59", "PSYCH", "TINHTHAN"}
    assert not names & raw  # labels, never the codes


@pytest.mark.django_db
def test_a_survey_value_only_for_its_periods_and_levels(province, commune_a):
    sdg = [row("X01", value=21.5)]  # SDG 5.2.1: yearly, province and up
    sheet = book(province, sdg, period="2026").worksheets[0]
    r = indicator_row(sheet, "X01")
    assert sheet.cell(r - 1, 1).value == "VI"
    assert sheet.cell(r - 1, 2).value == "SỐ LIỆU ĐIỀU TRA"
    assert (sheet.cell(r, 3).value, sheet.cell(r, 4).value) == ("%", 0.215)
    assert sheet.cell(r, 4).number_format == "0.0%"
    for unit, period in [(province, "2026S1"), (commune_a, "2026")]:
        sheet = book(unit, sdg, period=period).worksheets[0]
        texts = {c.value for r in sheet.iter_rows() for c in r if isinstance(c.value, str)}
        assert not [t for t in texts if "(X01)" in t]
        assert "SỐ LIỆU ĐIỀU TRA" not in texts  # no empty section


@pytest.mark.django_db
def test_numbers_are_typed_with_their_formats(province, figures):
    sheet = book(province, figures).worksheets[0]
    r01 = indicator_row(sheet, "R01")
    assert (sheet.cell(r01, 4).value, sheet.cell(r01, 4).data_type) == (1234, "n")
    assert sheet.cell(r01, 4).number_format == "#,##0"
    assert sheet.cell(r01, 4).alignment.horizontal == "right"
    female = option_row(sheet, "R01", "Chia theo giới tính", "Nữ")
    assert sheet.cell(female, 4).value == 1200
    r02 = indicator_row(sheet, "R02")
    share, n, d = (sheet.cell(r02, c) for c in (4, 5, 6))
    assert (share.value, share.number_format) == (0.9, "0.0%")
    assert (n.value, n.number_format, d.value, d.number_format) == (45, "#,##0", 50, "#,##0")
    r09 = indicator_row(sheet, "R09")
    assert (sheet.cell(r09, 4).value, sheet.cell(r09, 4).number_format) == (12.5, "#,##0.0")


@pytest.mark.django_db
def test_zeros_are_shown_and_a_missing_cell_is_zero(province, figures):
    sheet = book(province, figures).worksheets[0]
    assert sheet.cell(indicator_row(sheet, "R01C"), 4).value == 0
    other = option_row(sheet, "R01", "Chia theo giới tính", "Khác, không rõ")
    assert (sheet.cell(other, 4).value, sheet.cell(other, 4).data_type) == (0, "n")
    r06 = indicator_row(sheet, "R06")  # no cell written at all
    assert sheet.cell(r06, 4).value == 0
    r03 = indicator_row(sheet, "R03")  # a ratio of nothing: 0 of 0, undefined
    assert [sheet.cell(r03, c).value for c in (4, 5, 6)] == ["—", 0, 0]


@pytest.mark.django_db
def test_a_hidden_cell_reads_the_symbol_and_a_note_explains_it(province, figures, settings):
    sheet = book(province, figures).worksheets[0]
    male = option_row(sheet, "R01", "Chia theo giới tính", "Nam")
    assert sheet.cell(male, 4).value == "<5"
    assert sheet.cell(male, 4).data_type == "s"
    ratio = option_row(sheet, "R02", "Chia theo giới tính", "Nam")
    assert [sheet.cell(ratio, c).value for c in (4, 5, 6)] == ["<5", "<5", "<5"]
    texts = [c.value for r in sheet.iter_rows() for c in r if isinstance(c.value, str)]
    notes = [t for t in texts if t.startswith("(1) “<5”")]
    assert len(notes) == 1
    assert "từ 1 đến 4" in notes[0]
    assert any("chưa có biểu mẫu thống kê chính thức" in t for t in texts)
    settings.SMALL_CELL_THRESHOLD = 11
    sheet = book(province, figures).worksheets[0]
    assert sheet.cell(male, 4).value == "<11"
    texts = [c.value for r in sheet.iter_rows() for c in r if isinstance(c.value, str)]
    assert any(t.startswith("(1) “<11”") and "từ 1 đến 10" in t for t in texts)


@pytest.mark.django_db
def test_signatures_in_the_footer(province, figures):
    sheet = book(province, figures).worksheets[0]
    drafter = find(sheet, "Người lập biểu", column=1)
    assert sheet.cell(drafter, 5).value == "Thủ trưởng đơn vị"
    assert sheet.cell(drafter + 1, 5).value == "(ký, đóng dấu)"
    assert drafter > indicator_row(sheet, "R14")


@pytest.mark.django_db
def test_commune_level_leaves_out_ethnicity_and_disability(commune_a, province, figures):
    commune = book(commune_a, figures).worksheets[0]
    titles = {c.value for r in commune.iter_rows() for c in r if isinstance(c.value, str)}
    assert "Chia theo dân tộc" not in titles
    assert "Chia theo khuyết tật" not in titles
    assert "Chia theo giới tính" in titles
    assert any(t.startswith("(4) Không công bố ở cấp này") and "dân tộc" in t for t in titles)
    whole = book(province, figures).worksheets[0]
    titles = {c.value for r in whole.iter_rows() for c in r if isinstance(c.value, str)}
    assert "Chia theo dân tộc" in titles
    assert "Chia theo khuyết tật" in titles


@pytest.mark.django_db
def test_meta_sheet_is_hidden_and_traces_every_row(province, figures):
    workbook = book(province, figures, submitted_id=77)
    meta = workbook["_meta"]
    assert meta.sheet_state == "hidden"
    assert workbook.active.title == "Chỉ tiêu 2026S1"
    pairs = {r[0]: r[1] for r in meta.iter_rows(values_only=True) if r and r[0]}
    assert pairs["unit_code"] == "51"
    assert pairs["unit_path"] == province.path
    assert pairs["period"] == "2026S1"
    assert pairs["as_of"] == "2026-07-02T01:05:00+00:00"
    assert pairs["submission_id"] == "77"
    assert pairs["small_cell_threshold"] == 5
    rows = list(meta.iter_rows(values_only=True))
    current = IndicatorVersion.objects.filter(status="current").select_related("indicator")
    codes = {v.indicator.code for v in current}
    versions = {r[0]: r[1] for r in rows if r and r[0] in codes}
    assert versions == {v.indicator.code: v.number for v in current}
    trace = {(r[1], r[3]): (r[0], r[4]) for r in rows if r and isinstance(r[0], int)}
    sheet = workbook.worksheets[0]
    assert trace[("R01", None)] == (indicator_row(sheet, "R01"), False)  # "" is the total
    male = option_row(sheet, "R01", "Chia theo giới tính", "Nam")
    assert trace[("R01", "SEX=M")] == (male, True)


@pytest.mark.django_db
def test_targets_and_their_status(province, figures):
    user = make_user("planner")
    common = {"unit_path": "/", "year": 2025, "set_by": user}
    r02 = IndicatorVersion.objects.get(indicator__code="R02", status="current").indicator
    r01 = IndicatorVersion.objects.get(indicator__code="R01", status="current").indicator
    UnitTarget.objects.create(indicator=r02, comparator=">", value=Decimal("90"), **common)
    UnitTarget.objects.create(indicator=r01, comparator=">=", value=Decimal("1000"), **common)
    sheet = book(province, figures, period="2025").worksheets[0]  # 2025 ended before AS_OF
    r02_row, r01_row = indicator_row(sheet, "R02"), indicator_row(sheet, "R01")
    assert [sheet.cell(r02_row, c).value for c in (7, 8)] == ["trên 90%", "Chưa đạt"]  # 90 ≯ 90
    assert [sheet.cell(r01_row, c).value for c in (7, 8)] == ["tối thiểu 1000", "Đạt"]
    running = book(province, figures, period="2026").worksheets[0]  # 2026 has not ended
    assert running.cell(indicator_row(running, "R01"), 8).value is None  # no 2026 target
    r03 = indicator_row(sheet, "R03")
    assert sheet.cell(r03, 7).value is None


@pytest.mark.django_db
def test_a_hidden_total_has_insufficient_data_not_a_status(province):
    user = make_user("planner")
    r02 = IndicatorVersion.objects.get(indicator__code="R02", status="current").indicator
    UnitTarget.objects.create(
        indicator=r02, unit_path="/", year=2025, comparator=">", value=90, set_by=user
    )
    sheet = book(province, [row("R02", hidden=True)], period="2025").worksheets[0]
    r = indicator_row(sheet, "R02")
    assert [sheet.cell(r, c).value for c in (4, 7, 8)] == ["<5", "trên 90%", "Không đủ số liệu"]


@pytest.mark.django_db
def test_no_formula_even_when_a_unit_name_starts_with_equals(commune_a, figures):
    commune_a.name = '=HYPERLINK("http://evil.example/","Bấm")'
    commune_a.save()
    workbook = book(commune_a, figures)
    cells = [c for s in workbook.worksheets for r in s.iter_rows() for c in r]
    assert not [c for c in cells if c.data_type == "f"]
    assert not [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    pairs = {r[0]: r[1] for r in workbook["_meta"].iter_rows(values_only=True) if r and r[0]}
    assert pairs["unit_name"] == "'" + commune_a.name
    assert workbook.worksheets[0]["C1"].value == "Đơn vị báo cáo: " + commune_a.name


@pytest.mark.django_db
def test_the_nation_and_the_filename(figures):
    sheet = book(None, figures).worksheets[0]
    assert sheet["C1"].value == "Đơn vị báo cáo: Toàn quốc"
    assert sheet["C2"].value is None
    assert filename(None, "2026") == "Chỉ tiêu BLTCSG - Toàn quốc - 2026.xlsx"


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.django_db
@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_renders_the_workbook_to_pdf(province, figures, tmp_path):
    source = tmp_path / "chi-tieu.xlsx"
    source.write_bytes(indicators_workbook(province, "2026S1", figures, as_of=AS_OF))
    done = subprocess.run(
        [_soffice(), "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True,
        timeout=180,
        check=False,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    pdf = tmp_path / "chi-tieu.pdf"
    assert done.returncode == 0, done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 5000
