"""Every CSV and XLSX file the system writes goes through here (docs/architecture.md).

* :func:`neutralise` — a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading ``'``, so a spreadsheet shows it as text instead of running it
  as a formula (OWASP "CSV injection"). :func:`unneutralise` undoes exactly that, for an import
  that reads the system's own exports.
* :func:`csv_bytes` / :func:`csv_response` — UTF-8 with a byte order mark, so Excel opens
  Vietnamese text correctly; every text cell neutralised.
* :func:`xlsx_bytes` / :func:`xlsx_response` — typed cells: numbers stay numbers, dates stay
  dates (aware datetimes in local time), booleans stay booleans, text is neutralised and stored
  as a string cell, never as a formula; characters XML cannot hold are dropped.
* :func:`xlsx_layout_bytes` / :func:`xlsx_layout_response` — a laid-out workbook (official
  statistical tables): :class:`Sheet` descriptions of rows of values or :class:`Cell` (a
  :class:`Style`: bold, italic, size, alignment, wrap, border, number format; ``span`` merges
  columns), column widths, frozen rows, hidden sheets, print set-up. One font for the whole book
  (Times New Roman 12 by default); every cell goes through the same typing and neutralising.
* :func:`attachment_header` — ``Content-Disposition`` for a download; a Vietnamese name gets an
  ASCII fallback and an RFC 5987 ``filename*``.
* :func:`xlsx_rows` — the rows of an uploaded XLSX's first sheet, one at a time, after the zip
  checks of ``core.uploads``. (openpyxl's read-only mode scans a whole sheet that has no
  ``<dimension>`` element when it opens it; this reads only as far as the caller asks.)
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.core import uploads

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Rows = Iterable[Sequence[Any]]


def neutralise(value: str) -> str:
    """``'=1+1'`` → ``"'=1+1"``; any other text unchanged."""
    return "'" + value if value.startswith(DANGEROUS_FIRST) else value


def unneutralise(value: str) -> str:
    """Undo :func:`neutralise`: one leading ``'`` before a dangerous character is dropped (a
    value that merely starts with ``'`` is kept as it is)."""
    if value.startswith("'") and value[1:].startswith(DANGEROUS_FIRST):
        return value[1:]
    return value


def _plain(value: Any) -> Any:
    """A cell as a CSV writer takes it: numbers as they are, everything else as safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return neutralise(str(value))


def csv_bytes(rows: Rows) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_plain(v) for v in row])
    return out.getvalue().encode("utf-8")


def _typed(value: Any) -> Any:
    """A cell as openpyxl should store it: never a str that it would read as a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date | datetime.time):
        return value
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def xlsx_bytes(rows: Rows, *, sheet: str = "data") -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    worksheet = book.create_sheet(title=sheet[:31])
    for row in rows:
        worksheet.append([_typed(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ascii_filename(filename: str) -> str:
    """``Chỉ tiêu Quảng Ngãi.xlsx`` → ``Chi tieu Quang Ngai.xlsx``: no diacritics, and nothing
    a header could be broken with (quotes, backslashes, line breaks become ``_``)."""
    plain = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9._ ()-]", "_", plain)


def attachment_header(filename: str) -> str:
    """``attachment; filename="x.csv"``; a name that is not plain ASCII also gets
    ``filename*=UTF-8''…`` (RFC 6266/5987) beside its ASCII fallback."""
    fallback = _ascii_filename(filename)
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename)
    return response


def stored_file_response(data: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A stored, user-uploaded file (evidence, report attachments) as a download: never
    rendered inline, never sniffed, never cached, sandboxed if a browser opens it anyway."""
    response = _attachment(data, content_type, filename)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def csv_response(rows: Rows, *, filename: str) -> HttpResponse:
    return _attachment(csv_bytes(rows), "text/csv; charset=utf-8", filename)


def xlsx_response(rows: Rows, *, filename: str, sheet: str = "data") -> HttpResponse:
    return _attachment(xlsx_bytes(rows, sheet=sheet), XLSX_TYPE, filename)


# --- Laid-out workbooks (official statistical tables, REPORTING §C.3) -------------------------


@dataclass(frozen=True)
class Style:
    """How a cell looks. ``size`` None is the book's size; ``number_format`` applies to numbers
    (``#,##0``, ``0.0%``); a date without one shows as ``dd/mm/yyyy``."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    align: str = "left"  # left, center, right
    wrap: bool = False
    border: bool = False
    number_format: str = ""
    indent: int = 0


PLAIN = Style()


@dataclass(frozen=True)
class Cell:
    """A value with its style; ``span`` > 1 merges it over that many columns to the right (the
    next value of the row goes after them)."""

    value: Any = None
    style: Style = PLAIN
    span: int = 1


@dataclass(frozen=True)
class ListCheck:
    """A drop-down on ``cells`` (e.g. ``C2:C2001``) offering the values of ``source`` (a range
    such as ``'Danh mục'!$A$2:$A$9``). ``warn`` lets another value in after a warning;
    otherwise it is refused with ``message``."""

    cells: str
    source: str
    message: str = ""
    warn: bool = False


@dataclass
class Sheet:
    """One sheet: ``rows`` of plain values or :class:`Cell` (None leaves a cell empty),
    ``widths`` of the columns from A, ``heights`` of rows by number (1-based; Excel does not
    fit a merged row's height to its text), ``freeze_rows`` kept in view when scrolling,
    ``repeat_row`` printed on every page (0 for none), ``checks`` drop-down lists
    (:class:`ListCheck`)."""

    title: str
    rows: Sequence[Sequence[Any]]
    widths: Sequence[float] = ()
    heights: Mapping[int, float] = field(default_factory=dict)
    freeze_rows: int = 0
    hidden: bool = False
    landscape: bool = False
    repeat_row: int = 0
    checks: Sequence[ListCheck] = ()


_TITLE_BAD = re.compile(r"[\\/?*\[\]:\x00-\x1f]")


def sheet_title(title: str) -> str:
    """A name Excel accepts: none of ``\\ / ? * [ ] :``, no edge quote, 1–31 characters."""
    cleaned = _TITLE_BAD.sub(" ", title).strip().strip("'").strip()
    return cleaned[:31].strip() or "Sheet"


def _cell_style(cell: Any, style: Style, font: str, size: float) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    cell.font = Font(name=font, size=style.size or size, bold=style.bold, italic=style.italic)
    cell.alignment = Alignment(horizontal=style.align, vertical="center", wrap_text=style.wrap,
                               indent=style.indent)  # fmt: skip
    if style.border:
        thin = Side(style="thin")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    value = cell.value
    if style.number_format and isinstance(value, int | float | Decimal):
        cell.number_format = style.number_format
    elif isinstance(value, datetime.date | datetime.datetime):
        cell.number_format = style.number_format or "dd/mm/yyyy"


class _Styler:
    """Styles cells; a look already built is copied (openpyxl's own idiom, ``cell._style``),
    which is many times faster than building fonts and borders for every cell."""

    def __init__(self, font: str, size: float) -> None:
        self.font, self.size = font, size
        self.built: dict[tuple[Style, type], Any] = {}

    def __call__(self, cell: Any, style: Style) -> None:
        from copy import copy

        key = (style, type(cell.value))
        held = self.built.get(key)
        if held is not None:
            cell._style = copy(held)
            return
        _cell_style(cell, style, self.font, self.size)
        self.built[key] = copy(cell._style)


def _write_row(worksheet: Any, number: int, row: Sequence[Any], styler: _Styler) -> None:
    column = 1
    for item in row:
        cell = item if isinstance(item, Cell) else Cell(item)
        span = max(1, cell.span)
        if cell.value is not None or cell.style is not PLAIN or span > 1:
            target = worksheet.cell(row=number, column=column, value=_typed(cell.value))
            styler(target, cell.style)
            if cell.style.border:  # a bordered merge is bordered on every covered cell
                for extra in range(column + 1, column + span):
                    styler(worksheet.cell(row=number, column=extra), cell.style)
            if span > 1:
                worksheet.merge_cells(start_row=number, start_column=column, end_row=number,
                                      end_column=column + span - 1)  # fmt: skip
        column += span


def _fill_sheet(worksheet: Any, sheet: Sheet, font: str, size: float) -> None:
    from openpyxl.utils import get_column_letter

    styler = _Styler(font, size)
    for number, row in enumerate(sheet.rows, start=1):
        _write_row(worksheet, number, row, styler)
    for index, width in enumerate(sheet.widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    for number, height in sheet.heights.items():
        worksheet.row_dimensions[number].height = height
    if sheet.freeze_rows:
        worksheet.freeze_panes = worksheet.cell(row=sheet.freeze_rows + 1, column=1)
    if sheet.hidden:
        worksheet.sheet_state = "hidden"
    worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
    worksheet.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
    worksheet.page_setup.fitToWidth, worksheet.page_setup.fitToHeight = 1, 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    if sheet.repeat_row:
        worksheet.print_title_rows = f"{sheet.repeat_row}:{sheet.repeat_row}"
    for check in sheet.checks:
        _add_check(worksheet, check)


def _add_check(worksheet: Any, check: ListCheck) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(
        type="list",
        formula1=check.source,
        allow_blank=True,
        errorStyle="warning" if check.warn else "stop",
        showErrorMessage=True,
        error=check.message or None,
    )
    validation.add(check.cells)
    worksheet.add_data_validation(validation)


def xlsx_layout_bytes(
    sheets: Sequence[Sheet], *, font: str = "Times New Roman", size: float = 12
) -> bytes:
    """A workbook laid out as ``sheets`` describe (see :class:`Sheet`); every text cell is
    neutralised and stored as a string, never a formula. At least one sheet must be visible."""
    from openpyxl import Workbook

    if not any(not s.hidden for s in sheets):
        raise ValueError("a workbook needs a visible sheet")
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "GBVMS"
    seen: set[str] = set()
    for number, sheet in enumerate(sheets, start=1):
        title = sheet_title(sheet.title)
        if title.casefold() in seen:  # Excel compares sheet names without case
            title = f"{title[:27]}~{number}"
        seen.add(title.casefold())
        _fill_sheet(book.create_sheet(title=title), sheet, font, size)
    book.active = next(i for i, s in enumerate(sheets) if not s.hidden)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_layout_response(
    sheets: Sequence[Sheet], *, filename: str, font: str = "Times New Roman", size: float = 12
) -> HttpResponse:
    return _attachment(xlsx_layout_bytes(sheets, font=font, size=size), XLSX_TYPE, filename)


def xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    """The values of the first sheet's rows (a missing row is ``[]``), read lazily. Raises
    ``ValidationError`` (codes of ``core.uploads.check_zip``, or ``unreadable``)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._reader import WorkSheetParser

    uploads.check_zip(data, kind="XLSX")
    unreadable = ValidationError(_("Không mở được tệp XLSX."), code="unreadable")
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)  # number formats: which cells are dates
        _sheet, rel = next(reader.parser.find_sheets())
        source = reader.archive.open(rel.target)
    except Exception as exc:  # any unreadable file is one clear error
        raise unreadable from exc
    book = reader.wb
    parser = WorkSheetParser(
        source,
        reader.shared_strings,
        data_only=True,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )
    try:
        yield from _values(parser.parse())
    except ValidationError:
        raise
    except Exception as exc:  # damage found while reading on
        raise unreadable from exc
    finally:
        source.close()
        reader.archive.close()


def _values(parsed: Iterator[tuple[int, list[dict[str, Any]]]]) -> Iterator[list[Any]]:
    expected = 1
    for number, cells in parsed:
        while expected < number:  # rows the file leaves out are empty
            yield []
            expected += 1
        expected = number + 1
        by_column = {cell["column"]: cell["value"] for cell in cells}
        yield [by_column.get(c) for c in range(1, max(by_column, default=0) + 1)]
