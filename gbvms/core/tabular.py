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
* :func:`xlsx_rows` — the rows of an uploaded XLSX's first sheet, one at a time, after the zip
  checks of ``core.uploads``. (openpyxl's read-only mode scans a whole sheet that has no
  ``<dimension>`` element when it opens it; this reads only as far as the caller asks.)
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

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


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: Rows, *, filename: str) -> HttpResponse:
    return _attachment(csv_bytes(rows), "text/csv; charset=utf-8", filename)


def xlsx_response(rows: Rows, *, filename: str, sheet: str = "data") -> HttpResponse:
    return _attachment(xlsx_bytes(rows, sheet=sheet), XLSX_TYPE, filename)


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
