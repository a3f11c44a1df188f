"""Bulk entry by spreadsheet (issue 11): XLSX templates, import and export of events,
trainings and budget lines.

* :func:`workbook_bytes` — the template (no rows) or an export (the user's records) in one
  layout: a data sheet with Vietnamese headers, drop-downs (data validations) for the controlled
  lists and the agencies the user records for, referring to a hidden "Danh mục" sheet of labels,
  and a sheet of instructions. Every text cell is neutralised (``core.tabular``).
* :func:`import_file` — all rows in one transaction, each through the real service inside a
  savepoint, so every row is checked; any error and nothing is saved, every error is listed as
  (row, column, message). Size and zip checks before the file is opened; at most
  ``MAX_ROWS`` rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as noop

from gbvms.core import tabular, uploads
from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency
from gbvms.programme import vocab
from gbvms.programme.xlsx_columns import (
    COLUMNS,
    NO,
    YES,
    CellError,
    Column,
    References,
    agencies_for,
    lookup,
    normal,
    options,
    read_cell,
)

KINDS = ("event", "training", "budget")
HEAD = tabular.Style(bold=True, wrap=True)
DATE = tabular.Style(number_format="dd/mm/yyyy")
MAX_ROWS = 2000
LIST_SHEET = "Danh mục"
SHEET = {"event": noop("Hoạt động"), "training": noop("Tập huấn"), "budget": noop("Kinh phí")}
HELP = [
    noop("Mỗi dòng là một bản ghi; dòng 1 là tiêu đề cột, không sửa tiêu đề."),
    noop("Các cột có danh sách chọn: chọn trong danh sách, hoặc ghi mã của danh mục."),
    noop("Ngày: ô kiểu ngày, hoặc ghi dd/mm/yyyy. Số tiền ghi bằng đồng, không có đơn vị."),
    noop(
        "Đơn vị hành chính: ghi mã (5 chữ số với xã, 2 chữ số với tỉnh) hoặc tên đơn vị; "
        "để trống thì lấy đơn vị của cơ quan chủ trì."
    ),
    noop("Nhiều nguồn kinh phí: «Nguồn: số tiền; Nguồn: số tiền»."),
    noop(
        "Tập huấn: mỗi nhóm đối tượng có ba cột (Nữ, Nam, Khác); nhóm có ô được điền là nhóm "
        "đối tượng của lớp."
    ),
    noop("Nếu có lỗi ở bất kỳ dòng nào thì không dòng nào được lưu; sửa các lỗi rồi nhập lại."),
]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Result:
    records: list[Any] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


# ------------------------------------------------------------------ writing


def _cell(column: Column, value: Any) -> Any:
    """A record's value as its cell shows it (``core.tabular`` neutralises the text)."""
    if value is None or value == "":
        return None
    if column.type == "choice":
        return vocab.label(column.vocab, value)
    if column.type == "bool":
        return _(YES) if value else _(NO)
    if column.type == "date":
        return tabular.Cell(value, DATE)
    return value


def _lists(columns: list[Column], agencies: list[Agency]) -> dict[str, list[str]]:
    """The drop-down lists: by column key, the labels it offers."""
    lists: dict[str, list[str]] = {}
    for column in columns:
        if column.type in {"choice", "funding"}:
            lists[column.key] = [label for _code, label in options(column)]
        elif column.type == "agency":
            lists[column.key] = list(dict.fromkeys(a.name for a in agencies))
        elif column.type == "bool":
            lists[column.key] = [_(YES), _(NO)]
    return lists


def _list_sheet(columns: list[Column], lists: dict[str, list[str]]) -> tuple[tabular.Sheet, list]:
    """The hidden sheet of labels (a column per list) and the drop-downs that point into it."""
    from openpyxl.utils import get_column_letter, quote_sheetname

    listed = [c for c in columns if c.key in lists]
    depth = max((len(lists[c.key]) for c in listed), default=0)
    rows = [[c.title() for c in listed]]
    rows += [[(lists[c.key][r] if r < len(lists[c.key]) else None) for c in listed]
             for r in range(depth)]  # fmt: skip
    checks = []
    for number, column in enumerate(listed, start=1):
        letter = get_column_letter(number)
        last = max(2, len(lists[column.key]) + 1)
        target = get_column_letter(columns.index(column) + 1)
        checks.append(
            tabular.ListCheck(
                cells=f"{target}2:{target}{MAX_ROWS + 1}",
                source=f"{quote_sheetname(LIST_SHEET)}!${letter}$2:${letter}${last}",
                message=_("Chọn một giá trị trong danh sách."),
                warn=column.type == "funding",
            )
        )
    return tabular.Sheet(LIST_SHEET, rows, hidden=True), checks


def workbook_bytes(kind: str, user: Any, rows: Iterable[dict[str, Any]] = ()) -> bytes:
    """The template of ``kind`` (no ``rows``) or an export of ``rows`` in the same layout."""
    columns = COLUMNS[kind]
    lists, checks = _list_sheet(columns, _lists(columns, agencies_for(user)))
    head = [tabular.Cell(c.title(), HEAD) for c in columns]
    data = tabular.Sheet(
        _(SHEET[kind]),
        [head] + [[_cell(c, values.get(c.key)) for c in columns] for values in rows],
        widths=[c.width for c in columns],
        freeze_rows=1,
        landscape=True,
        checks=checks,
    )
    guide = tabular.Sheet(_("Hướng dẫn"), [[_(line)] for line in HELP], widths=[110])
    return tabular.xlsx_layout_bytes([data, guide, lists], font="Calibri", size=11)


# ------------------------------------------------------------------ reading


def file_error(message: str) -> Result:
    return Result(errors=[RowError(0, "", message)])


def _header(cells: list[Any], columns: list[Column]) -> tuple[dict[int, Column], list[RowError]]:
    by_title = {title: c for c in columns for title in c.titles()}
    found: dict[int, Column] = {}
    errors = []
    for index, value in enumerate(cells):
        text = normal(str(value)) if value is not None else ""
        if not text:
            continue
        if text not in by_title:
            errors.append(RowError(1, str(value), _("Cột không có trong mẫu.")))
        else:
            found[index] = by_title[text]
    for column in columns:
        if column.required and column not in found.values():
            errors.append(RowError(1, column.title(), _("Thiếu cột bắt buộc.")))
    return found, errors


def _read(data: bytes) -> Iterator[list[Any]]:
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("Tệp quá lớn (tối đa %(max)s MB).")
            % {"max": settings.UPLOAD_MAX_BYTES // uploads.MB},
            code="too_large",
        )
    return tabular.xlsx_rows(data)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse(data: bytes, kind: str) -> tuple[list[tuple[int, dict[str, Any], list[RowError]]],
                                           list[RowError]]:  # fmt: skip
    """The rows of an upload as (row number, values by column key, cell errors), or file-level
    errors (size, zip, unreadable, header, too many rows)."""
    columns = COLUMNS[kind]
    tables = {c.key: lookup(c) for c in columns if c.type in {"choice", "funding"}}
    try:
        rows = _read(data)
        header, errors = _header(next(rows, []), columns)
        if errors:
            return [], errors
        parsed = []
        for number, cells in enumerate(rows, start=2):
            if all(_blank(v) for v in cells):
                continue
            if len(parsed) >= MAX_ROWS:
                message = _("Tệp có hơn %(max)s dòng dữ liệu; hãy chia thành nhiều tệp.")
                return [], [RowError(0, "", message % {"max": MAX_ROWS})]
            parsed.append((number, *_row(cells, header, tables)))
    except ValidationError as exc:
        return [], [RowError(0, "", " ".join(exc.messages))]
    return parsed, []


def _row(cells: list[Any], header: dict[int, Column], tables: dict[str, dict[str, str]]
         ) -> tuple[dict[str, Any], list[RowError]]:  # fmt: skip
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for index, column in header.items():
        value = cells[index] if index < len(cells) else None
        if _blank(value):
            if column.required:
                errors.append(RowError(0, column.title(), _("Bắt buộc phải điền.")))
            continue
        try:
            values[column.key] = read_cell(column, value, tables)
        except CellError as exc:
            errors.append(RowError(0, column.title(), str(exc)))
    return values, errors


# ------------------------------------------------------------------ import


def _place(values: dict[str, Any], refs: References) -> tuple[AdminUnit, Agency, Any]:
    """The row's unit, lead agency and plan activity (``CellError`` keyed by column key)."""
    unit = None
    if values.get("unit_code"):
        unit = _at("unit_code", refs.unit_by_code, values["unit_code"])
    agency = _at("agency", refs.agency, values["agency"], unit)
    if unit is None and values.get("unit_name"):
        unit = _at("unit_name", refs.unit_by_name, values["unit_name"], agency.unit)
    activity = values.get("activity")
    if activity is not None:
        activity = _at("activity", refs.activity, activity)
    return unit or agency.unit, agency, activity


class _KeyedError(Exception):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def _at(key: str, function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except CellError as exc:
        raise _KeyedError(key, str(exc)) from None


def _funding(values: dict[str, Any], spent: int) -> list[dict[str, Any]]:
    parts = values.get("funding") or []
    if len(parts) == 1 and parts[0][1] is None:
        return [{"source": parts[0][0], "amount": spent}]
    if any(amount is None for _code, amount in parts):
        raise _KeyedError("funding", _("Nhiều nguồn: ghi số tiền của từng nguồn (Nguồn: số tiền)."))
    return [{"source": code, "amount": amount} for code, amount in parts]


def _common(values: dict[str, Any], refs: References) -> dict[str, Any]:
    unit, agency, activity = _place(values, refs)
    return {"title": values["title"], "unit": unit, "lead_agency": agency,
            "plan_activity": activity, "status": values.get("status") or "done",
            "note": values.get("note", "")}  # fmt: skip


def _dated(values: dict[str, Any], refs: References) -> dict[str, Any]:
    kwargs = _common(values, refs)
    cost_planned, cost_actual = values.get("cost_planned", 0), values.get("cost_actual", 0)
    kwargs.update(start=values["start"], end=values.get("end"), venue=values.get("venue", ""),
                  cost_planned=cost_planned, cost_actual=cost_actual,
                  funding=_funding(values, cost_actual or cost_planned))  # fmt: skip
    return kwargs


def _save_event(actor: Any, values: dict[str, Any], refs: References, request: Any) -> Any:
    from gbvms.programme.services import event_save

    counts = {name: values.get(name, 0) for name in (
        "participants_female", "participants_male", "participants_other")}  # fmt: skip
    optional = {name: values.get(name) for name in (
        "participants_total", "participants_ethnic", "participants_disability")}  # fmt: skip
    return event_save(actor=actor, kind=values["kind"], **_dated(values, refs), **counts,
                      **optional, request=request)  # fmt: skip


def _save_training(actor: Any, values: dict[str, Any], refs: References, request: Any) -> Any:
    from gbvms.programme.services import training_save

    groups, participants = [], []
    for key, count in values.items():
        if key.startswith("group:"):
            _prefix, group, sex = key.split(":")
            groups.append(group)
            if count:
                participants.append({"group": group, "sex": sex, "count": count})
    return training_save(actor=actor, topic=values["topic"], **_dated(values, refs),
                         target_groups=list(dict.fromkeys(groups)), participants=participants,
                         level=values.get("level", ""), days=values.get("days"),
                         request=request)  # fmt: skip


def _save_budget(actor: Any, values: dict[str, Any], refs: References, request: Any) -> Any:
    from gbvms.programme.services_budget import budget_line_save

    kwargs = _common(values, refs)
    activity = kwargs["plan_activity"]
    amounts = {name: values.get(name, 0) for name in (
        "amount_estimated", "amount_allocated", "amount_committed")}  # fmt: skip
    texts = {name: values.get(name, "") for name in ("allocation_decision", "donor", "project")}
    return budget_line_save(actor=actor, fiscal_year=values["fiscal_year"],
                            funding_source=values["funding_source"], **kwargs, **amounts,
                            **texts, plan=activity.plan if activity else None,
                            ethnic_minority_area=values.get("ethnic_minority_area", False),
                            request=request)  # fmt: skip


SAVERS = {"event": _save_event, "training": _save_training, "budget": _save_budget}


def _service_errors(number: int, exc: ValidationError, columns: list[Column]) -> list[RowError]:
    by_field = {name: c.title() for c in reversed(columns) for name in c.fields}
    if not hasattr(exc, "error_dict"):
        return [RowError(number, "", m) for m in exc.messages]
    return [RowError(number, by_field.get(name, ""), message)
            for name, messages in exc.message_dict.items() for message in messages]  # fmt: skip


def _save_row(kind: str, actor: Any, number: int, values: dict[str, Any], refs: References,
              request: Any) -> tuple[Any, list[RowError]]:  # fmt: skip
    columns = COLUMNS[kind]
    titles = {c.key: c.title() for c in columns}
    try:
        with transaction.atomic():  # a savepoint: a refused row leaves nothing behind
            return SAVERS[kind](actor, values, refs, request), []
    except _KeyedError as exc:
        return None, [RowError(number, titles[exc.key], str(exc))]
    except PermissionDenied:
        return None, [RowError(number, titles["agency"], _("Bạn không ghi nhận cho cơ quan này"))]
    except ValidationError as exc:
        return None, _service_errors(number, exc, columns)


def import_file(*, actor: Any, kind: str, data: bytes, request: Any = None) -> Result:
    """Import an upload: every row saved through its service, or nothing saved and every
    error listed (row 0: the whole file)."""
    rows, errors = parse(data, kind)
    result = Result(errors=errors)
    if errors:
        return result
    if not rows:
        return file_error(_("Tệp không có dòng dữ liệu nào."))
    refs = References(actor)
    with transaction.atomic():
        for number, values, cell_errors in rows:
            if cell_errors:
                result.errors += [RowError(number, e.column, e.message) for e in cell_errors]
                continue
            record, row_errors = _save_row(kind, actor, number, values, refs, request)
            result.errors += row_errors
            if record is not None:
                result.records.append(record)
        if result.errors:
            transaction.set_rollback(True)
            result.records = []
    return result
