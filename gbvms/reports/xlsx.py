"""A report's tables as an XLSX in the layout of a statistical form (REPORTING §C.3), written
through ``core.tabular`` (typed cells, neutralised text, never a formula).

Sheet "Biểu chỉ tiêu": top left the form's name and legal basis, top right the reporting and
the receiving unit; the title centred in upper case with the period below; the column header
``TT | Chỉ tiêu | Mã | Tử số | Mẫu số | Kết quả | Chỉ tiêu giao | Tình trạng`` and under it the
columns' codes (A, B, C, 1 … 5), frozen; one row per indicator (counts ``#,##0``, ratios the
fraction ``0.0%``; a suppressed cell "<k", explained in a note); notes; the signatures.
Sheet "Thuyết minh": the narrative sections. Hidden sheet ``_meta``: report id, version, period,
unit code, generated at, source, and one row per indicator.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from gbvms.core.tabular import Cell, Sheet, Style, xlsx_layout_bytes
from gbvms.reports import document as d
from gbvms.reports import export
from gbvms.reports.models import Submission, SubmissionVersion

FORMAT = "gbvms.reports.xlsx/1"
WIDTHS = [6, 60, 8, 12, 12, 12, 18, 18]
COLUMNS = len(WIDTHS)
HEADER_ROW = 8
CODES_ROW = HEADER_ROW + 1
LINE = 16.0
HEAD = Style(bold=True, align="center", wrap=True, border=True)
CODE = Style(italic=True, align="center", border=True)
BODY = Style(border=True, wrap=True)
CENTRE = Style(border=True, align="center")
NUMBER = Style(border=True, align="right")
AS_COUNT = Style(border=True, align="right", number_format="#,##0")
AS_SHARE = Style(border=True, align="right", number_format="0.0%")
AS_DECIMAL = Style(border=True, align="right", number_format="#,##0.0")


def _symbol() -> str:
    return f"<{int(getattr(settings, 'SMALL_CELL_THRESHOLD', 5))}"


def _lines(text: str, width: float) -> int:
    return max(1, -(-len(text) // max(int(width * 1.1), 1)))


def _figures(value: dict) -> list[Cell]:
    """Tử số, Mẫu số, Kết quả."""
    ratio = value.get("kind") in export.RATIO_KINDS
    if value.get("suppressed"):
        hidden = Cell(_symbol(), NUMBER)
        return [hidden, hidden if ratio else Cell(None, BODY), hidden]
    n, den = export._number(value.get("numerator")), export._number(value.get("denominator"))
    result = export._number(value.get("value"))
    if ratio:
        if n is not None and den:
            share = Cell(n / den, AS_SHARE)
        elif result is not None:
            share = Cell(result / 100, AS_SHARE)
        else:
            share = Cell("—", NUMBER)
        return [Cell(n, AS_COUNT), Cell(den, AS_COUNT), share]
    if result is None:
        result = n
    style = AS_COUNT if isinstance(result, int) or (result or 0) == int(result or 0) else AS_DECIMAL
    return [Cell(n, AS_COUNT), Cell(den, AS_COUNT), Cell(result, style) if result is not None
            else Cell("—", NUMBER)]  # fmt: skip


def _main_rows(submission: Submission, values: list[dict], label: str) -> tuple[list, dict]:
    obligation = submission.obligation
    rows: list[list[Any]] = []
    heights: dict[int, float] = {}

    def add(row: list[Any], lines: int = 1) -> None:
        rows.append(row)
        if lines > 1:
            heights[len(rows)] = LINE * lines

    form = "Biểu báo cáo kết quả thực hiện các chỉ tiêu phòng, chống bạo lực trên cơ sở giới"
    basis = str(export_basis())
    reporting = f"Đơn vị báo cáo: {d.one_line(obligation.submitter_agency.name)}"
    receiving = f"Đơn vị nhận báo cáo: {d.one_line(obligation.recipient_agency.name)}"
    left, right = sum(WIDTHS[:2]), sum(WIDTHS[2:])
    bold = Style(bold=True, wrap=True)
    add([Cell(form, bold, span=2), Cell(reporting, bold, span=6)],
        max(_lines(form, left), _lines(reporting, right)))  # fmt: skip
    add([Cell(basis, Style(italic=True, wrap=True), span=2), Cell(receiving, bold, span=6)],
        max(_lines(basis, left), _lines(receiving, right)))  # fmt: skip
    unit = obligation.submitter_unit
    add([Cell(f"Mã đơn vị: {unit.code}", Style(italic=True), span=2)])
    add([])
    plan = obligation.requirement.plan
    title = " ".join(["Báo cáo kết quả thực hiện", d.one_line(plan.title) if plan else ""]).upper()
    add([Cell(title, Style(bold=True, size=14, align="center", wrap=True), span=COLUMNS)],
        _lines(title, sum(WIDTHS) * 0.8))  # fmt: skip
    add([Cell(d.one_line(label)[:1].upper() + d.one_line(label)[1:],
              Style(italic=True, align="center"), span=COLUMNS)])  # fmt: skip
    add([])
    heads = ["TT", "Chỉ tiêu", "Mã", "Tử số", "Mẫu số", "Kết quả", "Chỉ tiêu giao", "Tình trạng"]
    add([Cell(h, HEAD) for h in heads], 2)
    add([Cell(c, CODE) for c in ("A", "B", "C", "1", "2", "3", "4", "5")])
    if len(rows) != CODES_ROW:  # pragma: no cover
        raise RuntimeError("the column codes must be row CODES_ROW")
    for i, value in enumerate(values, start=1):
        name = d.one_line(value.get("name", "")) or d.one_line(value.get("indicator", ""))
        add([Cell(i, CENTRE), Cell(name, BODY), Cell(d.one_line(value.get("indicator", "")),
             CENTRE), *_figures(value), Cell(export.target_text(value), BODY),
             Cell(export.status_text(value), BODY)], _lines(name, WIDTHS[1]))  # fmt: skip
    if not values:
        add([Cell(None, CENTRE), Cell("Chưa có số liệu chỉ tiêu trong kỳ", BODY),
             *[Cell(None, BODY) for _ in range(6)]])  # fmt: skip
    notes = [
        f"“{_symbol()}”: ô được ẩn để bảo vệ danh tính người bị bạo lực (số nhỏ, hoặc ô ẩn kèm "
        "để không suy ra được ô nhỏ). Số 0 được ghi là 0.",
        "Tỷ lệ (cột 3) được tính từ tử số (cột 1) và mẫu số (cột 2), không lấy trung bình các "
        "tỷ lệ; “—”: không xác định.",
        "Biểu của hệ thống GBVMS (chưa có biểu mẫu thống kê chính thức); mã chỉ tiêu, kỳ, đơn vị "
        "và phiên bản báo cáo ghi trong trang ẩn _meta.",
    ]
    add([])
    add([Cell("Ghi chú:", Style(bold=True, italic=True), span=COLUMNS)])
    for n, note in enumerate(notes, start=1):
        text = f"({n}) {note}"
        add([Cell(text, Style(italic=True, wrap=True), span=COLUMNS)], _lines(text, sum(WIDTHS)))
    centre_b, centre_i = Style(bold=True, align="center"), Style(italic=True, align="center")
    place = export.place_name(unit)
    add([])
    add([None, None, None, None, Cell(f"{place}, ngày … tháng … năm …", centre_i, span=4)])
    add([Cell("Người lập biểu", centre_b, span=2), None, None,
         Cell("Thủ trưởng đơn vị", centre_b, span=4)])  # fmt: skip
    add([Cell("(ký, ghi rõ họ tên)", centre_i, span=2), None, None,
         Cell("(ký, đóng dấu)", centre_i, span=4)])  # fmt: skip
    return rows, heights


def export_basis() -> str:
    return (
        "Căn cứ Nghị định số 09/2019/NĐ-CP ngày 24/01/2019 của Chính phủ quy định về chế độ báo "
        "cáo của cơ quan hành chính nhà nước"
    )


def _sections_sheet(sections: list[dict]) -> Sheet:
    rows: list[list[Any]] = [[Cell("Mục", HEAD), Cell("Nội dung", HEAD)]]
    for section in sections:
        title = d.one_line(section.get("title", "")) or d.one_line(section.get("key", ""))
        text = d.clean(section.get("text", ""))
        rows.append([Cell(title, Style(bold=True, wrap=True, border=True)),
                     Cell(text or None, BODY)])  # fmt: skip
    heights = {
        i: LINE * min(_lines(d.clean(s.get("text", "")), 90) + d.clean(s.get("text", "")).count(
            "\n"), 25)
        for i, s in enumerate(sections, start=2)
    }  # fmt: skip
    return Sheet(title="Thuyết minh", rows=rows, widths=[40, 100], heights=heights, freeze_rows=1)


def _meta(submission: Submission, snapshot: SubmissionVersion | None, values: list[dict]) -> Sheet:
    unit = submission.obligation.submitter_unit
    rows: list[list[Any]] = [
        ["key", "value"],
        ["format", FORMAT],
        ["report_id", submission.pk],
        ["version", snapshot.number if snapshot is not None else ""],
        ["status", "submitted" if snapshot is not None else "draft"],
        ["period", submission.period],
        ["unit_code", unit.code],
        ["unit_path", unit.path],
        ["agency_id", submission.obligation.submitter_agency_id],
        ["recipient_agency_id", submission.obligation.recipient_agency_id],
        ["generated_at", timezone.now().isoformat()],
        ["source", f"submission_version:{snapshot.pk}" if snapshot is not None
         else f"submission:{submission.pk}:live"],
        ["audience", "suppressed"],
        ["small_cell_threshold", int(getattr(settings, "SMALL_CELL_THRESHOLD", 5))],
        [],
        ["row", "indicator", "kind", "period", "suppressed", "source", "comparator", "target"],
    ]  # fmt: skip
    for i, v in enumerate(values):
        rows.append([CODES_ROW + 1 + i, d.one_line(v.get("indicator", "")),
                     d.one_line(v.get("kind", "")), d.one_line(v.get("period", "")),
                     bool(v.get("suppressed")), d.one_line(v.get("source", "")),
                     d.one_line(v.get("comparator") or ""),
                     export._number(v.get("target"))])  # fmt: skip
    return Sheet(title="_meta", rows=rows, widths=[22, 40, 12, 12, 12, 14, 12, 12], hidden=True)


def workbook(submission: Submission, snapshot: SubmissionVersion | None) -> bytes:
    values = export._values(submission, snapshot)
    sections = export._sections(submission, snapshot)
    label = export.period_label(submission.period)
    rows, heights = _main_rows(submission, values, label)
    main = Sheet(title="Biểu chỉ tiêu", rows=rows, widths=WIDTHS, heights=heights,
                 freeze_rows=CODES_ROW, landscape=True, repeat_row=HEADER_ROW)  # fmt: skip
    return xlsx_layout_bytes([main, _sections_sheet(sections), _meta(submission, snapshot, values)])


def submission_xlsx(
    *, submission: Submission, actor: Any, version: int | None = None
) -> tuple[bytes, str]:
    """(XLSX bytes, file name) of ``submission`` (the version :func:`export.resolve_version`
    picks; ``VersionNotFound`` for an unknown number)."""
    snapshot = export.resolve_version(submission, version, actor=actor)
    return workbook(submission, snapshot), export.filename(submission, snapshot, "xlsx")
