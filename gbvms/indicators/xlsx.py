"""The indicators of one unit and period as an XLSX in the layout of a statistical form
(REPORTING §C.3), written through ``core.tabular`` (typed cells, neutralised text, no formula).

Layout: top left the table's name, its legal basis and the time of the figures; top right the
reporting and the receiving unit; the title centred in upper case and the period below; columns
``TT | Chỉ tiêu | ĐVT | Số lượng/Tỷ lệ | Tử số | Mẫu số | Chỉ tiêu kế hoạch | Đánh giá``; section
rows in Roman numerals, items numbered 1, 1.1, 1.1.1 (an indicator, a breakdown by one declared
dimension, its options by label); notes; the signatures. Counts are numbers (``#,##0``), ratios
the fraction N/D (``0.0%``); a cell hidden for suppressed audiences reads "<k" and a note says
why; a zero stays 0. A hidden ``_meta`` sheet names the indicator codes and definition versions,
the time of the figures, the unit's NSO code, the period and the submission, and maps every row
of the table to its (indicator, version, disaggregation), so a returned workbook is traceable.

No official form number exists for GBV statistics: this is GBVMS's own table, and a note says so.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gbvms.core.tabular import Cell, Sheet, Style, xlsx_layout_bytes
from gbvms.indicators import dimensions, periods
from gbvms.indicators.models import CountUnit, IndicatorVersion, Kind, UnitTarget

FORMAT = "gbvms.indicators.xlsx/1"
WIDTHS = [6, 60, 8, 14, 12, 12, 16, 18]
COLUMNS = len(WIDTHS)
HEADER_ROW = 8  # the column header; rows above it stay in view
LINE = 16.0  # points per line of 12 pt text
LEVEL_RANK = {"commune": 0, "province": 1, "national": 2}
LEGAL_BASIS = gettext_lazy(
    "Căn cứ Nghị định số 09/2019/NĐ-CP ngày 24/01/2019 của Chính phủ quy định về chế độ báo cáo "
    "của cơ quan hành chính nhà nước"
)
SECTIONS = [
    (gettext_lazy("Phát hiện"), ["R01", "R01C", "R05"]),
    (gettext_lazy("Hỗ trợ và can thiệp"), ["R02", "R03", "R04", "R04S", "R09", "R12", "R15"]),
    (gettext_lazy("Người gây bạo lực"), ["R06", "R07", "R08"]),
    (gettext_lazy("Chuyển gửi và biện pháp bảo vệ"), ["R10", "R11"]),
    (gettext_lazy("Bạo lực gia đình theo hình thức"), ["R13", "R14"]),
    (gettext_lazy("Số liệu điều tra"), ["X01"]),
]
OTHERS = gettext_lazy("Chỉ tiêu khác")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
STATUS = {
    "met": gettext_lazy("Đạt"),
    "not_met": gettext_lazy("Chưa đạt"),
    "insufficient_data": gettext_lazy("Không đủ số liệu"),
    "not_due": gettext_lazy("Chưa đến kỳ đánh giá"),
}
PERCENT_KINDS = {Kind.RATIO, Kind.EXTERNAL}

COUNT = "#,##0"
PERCENT = "0.0%"
HOURS = "#,##0.0"
HEAD = Style(bold=True, align="center", wrap=True, border=True)
BODY = Style(border=True, wrap=True)
CENTRE = Style(border=True, align="center")
NUMBER = Style(border=True, align="right")
AS_COUNT = Style(border=True, align="right", number_format=COUNT)
AS_SHARE = Style(border=True, align="right", number_format=PERCENT)
AS_HOURS = Style(border=True, align="right", number_format=HOURS)


@dataclass(frozen=True)
class Figures:
    """One cell of the table as exported (suppressed audience)."""

    n: int | None = None
    d: int | None = None
    value: float | None = None
    hidden: bool = False
    version: int | None = None
    protective: bool = False  # hidden to protect another cell: "ẩn", never "<5"


@dataclass
class _Table:
    rows: list[list[Any]]
    heights: dict[int, float]
    trace: list[list[Any]]  # _meta: row, indicator, version, disagg, hidden
    left_out: set[str]  # dimension titles not published at this unit's level

    def add(self, row: list[Any], lines: int = 1) -> int:
        self.rows.append(row)
        if lines > 1:
            self.heights[len(self.rows)] = LINE * lines
        return len(self.rows)


def _code(indicator: Any) -> str:
    return indicator if isinstance(indicator, str) else indicator.code


def _number(version: Any) -> int | None:
    if version is None or isinstance(version, int):
        return version
    return version.number


def _grouped(rows: Iterable[Any]) -> dict[str, dict[str, Figures]]:
    """ExportRows → {indicator code: {disagg key: Figures}}."""
    out: dict[str, dict[str, Figures]] = {}
    for row in rows:
        key = dimensions.disagg_key(dict(row.disagg or {}))
        out.setdefault(_code(row.indicator), {})[key] = Figures(
            row.n,
            row.d,
            row.value,
            bool(row.hidden),
            _number(row.version),
            bool(getattr(row, "protective", False)),
        )
    return out


def _lines(text: str, width: float) -> int:
    return max(1, math.ceil(len(text) * 1.1 / max(width - 2, 1)))


def _symbol() -> str:
    return f"<{int(getattr(settings, 'SMALL_CELL_THRESHOLD', 5))}"


def _unit_of_measure(indicator: Any) -> str:
    if indicator.kind in PERCENT_KINDS:
        return "%"
    if indicator.kind == Kind.MEDIAN:
        return str(CountUnit.HOUR.label)
    return str(CountUnit(indicator.count_unit).label)


def _missing(kind: str) -> Figures:
    """A cell the engine did not write: nothing counted (0; a ratio 0 of 0); a survey figure
    or a median is unknown."""
    if kind == Kind.RATIO:
        return Figures(n=0, d=0)
    if kind in {Kind.MEDIAN, Kind.EXTERNAL}:
        return Figures()
    return Figures(n=0, value=0.0)


def _figures(kind: str, cell: Figures | None) -> list[Any]:
    """The cells of columns D–F (Số lượng/Tỷ lệ, Tử số, Mẫu số)."""
    cell = cell or _missing(kind)
    if cell.hidden:
        hidden = Cell(_("ẩn") if cell.protective else _symbol(), NUMBER)
        return [hidden, hidden, hidden] if kind in PERCENT_KINDS else [hidden, None, None]
    if kind in PERCENT_KINDS:
        n, d = cell.n, cell.d
        if n is not None and d:
            share: Any = Cell(n / d, AS_SHARE)
        elif cell.value is not None:
            share = Cell(cell.value / 100, AS_SHARE)
        else:
            share = Cell("—", NUMBER)
        return [share, Cell(n, AS_COUNT), Cell(d, AS_COUNT)]
    if kind == Kind.MEDIAN:
        value = cell.value if cell.value is not None else "—"
        return [Cell(value, AS_HOURS), None, None]
    return [Cell(cell.n or 0, AS_COUNT), None, None]


def _bordered(row: list[Any]) -> list[Any]:
    return [c if isinstance(c, Cell) else Cell(c, BODY) for c in row]


# ----------------------------------------------------------------------------- targets


def _targets(unit_path: str, year: int) -> dict[int, UnitTarget]:
    try:  # another part of the app; the column stays blank without it
        from gbvms.indicators.targets import targets_for_unit
    except ImportError:  # pragma: no cover - only while that module is absent
        return {}
    return targets_for_unit(unit_path, year)


def _target_text(indicator: Any, target: UnitTarget | None) -> str:
    if target is None:
        return ""
    word = dict(UnitTarget.COMPARATORS).get(target.comparator, target.comparator)
    value = f"{target.value.normalize():f}"
    return f"{word} {value}{'%' if indicator.kind in PERCENT_KINDS else ''}"


def _status(target: UnitTarget | None, cell: Figures | None, period_key: str, today) -> str:
    if target is None:
        return ""
    from gbvms.indicators.targets import target_status

    cell = cell or _missing(target.indicator.kind)
    value = cell.value
    if value is None and target.indicator.kind == Kind.COUNT and cell.n is not None:
        value = float(cell.n)  # a count's value is its number
    status = target_status(
        target,
        n=cell.n,
        d=cell.d,
        value=value,
        hidden=cell.hidden,
        period_key=period_key,
        today=today,
    )["status"]
    return str(STATUS.get(status, status))


# ----------------------------------------------------------------------------- body


def _published(
    indicator: Any, level: str, kind: str
) -> tuple[bool, list[tuple[str, ...]], set[str]]:
    """Whether the indicator is published at ``level`` for suppressed audiences and periods of
    type ``kind``, the breakdowns that are, and the titles of dimensions left out (REPORTING
    §F.6)."""
    rank = LEVEL_RANK[level]
    minimum = indicator.min_level or {}
    if rank < LEVEL_RANK.get(minimum.get("suppressed", "commune"), 0):
        return False, [], set()
    if indicator.period_types and kind not in indicator.period_types:
        return False, [], set()
    floors = minimum.get("dimensions", {})
    kept, left_out = [], set()
    for combo in dimensions.breakdowns(list(indicator.disaggregations or [])):
        low = [n for n in combo if rank < LEVEL_RANK.get(floors.get(n, "commune"), 0)]
        if low:
            left_out |= {str(dimensions.dimension(n).title) for n in low}
        else:
            kept.append(combo)
    return True, kept, left_out


def _options(combo: tuple[str, ...]) -> list[tuple[str, str]]:
    """(disagg key, label) of every option of a breakdown, in the dimensions' order."""
    dims = [dimensions.dimension(n) for n in combo]
    keys: list[tuple[dict[str, str], list[str]]] = [({}, [])]
    for dim in dims:
        keys = [
            ({**pairs, dim.category: code}, [*labels, str(label)])
            for pairs, labels in keys
            for code, label in dim.options
        ]
    return [(dimensions.disagg_key(pairs), " – ".join(labels)) for pairs, labels in keys]


def _lower_first(text: str) -> str:
    """``Loại bạo lực (GBVIMS)`` → ``loại bạo lực (GBVIMS)``: acronyms keep their case."""
    return text[:1].lower() + text[1:]


def _combo_title(combo: tuple[str, ...]) -> str:
    titles = [_lower_first(str(dimensions.dimension(n).title)) for n in combo]
    return _("Chia theo %(dimensions)s") % {"dimensions": _(" và ").join(titles)}


def _trace(table: _Table, row: int, version: IndicatorVersion, key: str, cell) -> None:
    number = cell.version if cell is not None and cell.version is not None else version.number
    hidden = bool(cell is not None and cell.hidden)
    table.trace.append([row, version.indicator.code, number, key, hidden])


def _breakdowns(table: _Table, number: str, version: IndicatorVersion, cells, combos) -> None:
    indicator = version.indicator
    unit = _unit_of_measure(indicator)
    for b, combo in enumerate(combos, start=1):
        title = _combo_title(combo)
        heading = Cell(title, Style(border=True, italic=True, indent=1))
        table.add(_bordered([Cell(f"{number}.{b}", CENTRE), heading, *[None] * 6]))
        for o, (key, label) in enumerate(_options(combo), start=1):
            item = f"{number}.{b}.{o}"
            row = table.add(
                _bordered(
                    [
                        Cell(item, CENTRE),
                        Cell(label, Style(border=True, wrap=True, indent=2)),
                        Cell(unit, CENTRE),
                        *_figures(indicator.kind, cells.get(key)),
                        None,
                        None,
                    ]
                )
            )
            _trace(table, row, version, key, cells.get(key))


def _indicator(table: _Table, number: str, version: IndicatorVersion, cells, ctx) -> None:
    indicator = version.indicator
    total = cells.get("")
    target = ctx["targets"].get(indicator.pk)
    name = f"{indicator.name_vi} ({indicator.code})"
    row = table.add(
        _bordered(
            [
                Cell(number, Style(border=True, align="center", bold=True)),
                Cell(name, Style(border=True, wrap=True, bold=True)),
                Cell(_unit_of_measure(indicator), CENTRE),
                *_figures(indicator.kind, total),
                Cell(_target_text(indicator, target), CENTRE),
                Cell(_status(target, total, ctx["period"], ctx["today"]), CENTRE),
            ]
        ),
        _lines(name, WIDTHS[1]),
    )
    _trace(table, row, version, "", total)
    _breakdowns(table, number, version, cells, ctx["combos"])


def _sections(versions: list[IndicatorVersion]) -> list[tuple[str, list[IndicatorVersion]]]:
    by_code = {v.indicator.code: v for v in versions}
    out: list[tuple[str, list[IndicatorVersion]]] = []
    placed: set[str] = set()
    for title, codes in SECTIONS:
        members = [by_code[c] for c in codes if c in by_code]
        placed |= set(codes)
        if members:
            out.append((str(title), members))
    rest = [v for v in versions if v.indicator.code not in placed]
    if rest:
        out.append((str(OTHERS), rest))
    return out


def _body(table: _Table, versions, grouped, ctx) -> None:
    """The sections that have an indicator published here, each with its indicators."""
    number, section = 0, 0
    for title, members in _sections(versions):
        shown = []
        for version in members:
            published, combos, left_out = _published(version.indicator, ctx["level"], ctx["kind"])
            table.left_out |= left_out
            if published:
                shown.append((version, combos))
        if not shown:
            continue
        roman = ROMAN[section] if section < len(ROMAN) else str(section + 1)
        section += 1
        head = Style(border=True, bold=True)
        table.add(_bordered([Cell(roman, Style(border=True, bold=True, align="center")),
                             Cell(title.upper(), head), *[None] * 6]))  # fmt: skip
        for version, combos in shown:
            number += 1
            cells = grouped.get(version.indicator.code, {})
            _indicator(table, str(number), version, cells, {**ctx, "combos": combos})


# ----------------------------------------------------------------------------- frame


def _unit_texts(unit: Any) -> tuple[str, str, str, str]:
    """(name, NSO code, level, receiving unit) of the reporting unit; None is the nation."""
    if unit is None:
        return str(_("Toàn quốc")), "VN", "national", ""
    if unit.level == "province":
        return unit.name, unit.code, "province", str(_("Bộ Nội vụ"))
    parent = unit.parent.name if unit.parent_id else ""
    return unit.name, unit.code, "commune", parent


def _header(table: _Table, unit: Any, period: periods.Period, as_of: datetime.datetime) -> None:
    name, _nso, _level, recipient = _unit_texts(unit)
    local = timezone.localtime(as_of) if timezone.is_aware(as_of) else as_of
    left, right = sum(WIDTHS[:2]), sum(WIDTHS[2:])
    form = _("Biểu số liệu chỉ tiêu phòng, chống BLTCSG")
    basis = str(LEGAL_BASIS)
    reporting = _("Đơn vị báo cáo: %(unit)s") % {"unit": name}
    receiving = _("Đơn vị nhận báo cáo: %(unit)s") % {"unit": recipient} if recipient else ""
    as_of_text = _("Số liệu tính đến %(time)s ngày %(date)s") % {
        "time": f"{local:%H:%M}",
        "date": f"{local:%d/%m/%Y}",
    }
    bold = Style(bold=True, align="left", wrap=True)
    table.add(
        [Cell(form, bold, span=2), Cell(reporting, Style(bold=True, wrap=True), span=6)],
        max(_lines(form, left), _lines(reporting, right)),
    )
    table.add(
        [Cell(basis, Style(italic=True, wrap=True), span=2),
         Cell(receiving or None, Style(bold=True, wrap=True), span=6)],
        max(_lines(basis, left), _lines(receiving, right)),
    )  # fmt: skip
    table.add([Cell(as_of_text, Style(italic=True), span=2)])
    table.add([])
    title = _("Số liệu chỉ tiêu phòng, chống bạo lực trên cơ sở giới").upper()
    table.add([Cell(title, Style(bold=True, size=14, align="center", wrap=True), span=COLUMNS)])
    table.add([Cell(period.label(), Style(italic=True, align="center"), span=COLUMNS)])
    table.add([])
    heads = [_("TT"), _("Chỉ tiêu"), _("ĐVT"), _("Số lượng/Tỷ lệ"), _("Tử số"), _("Mẫu số"),
             _("Chỉ tiêu kế hoạch"), _("Đánh giá")]  # fmt: skip
    if table.add([Cell(h, HEAD) for h in heads], 2) != HEADER_ROW:  # pragma: no cover
        raise RuntimeError("the column header must be row HEADER_ROW")


def _notes(table: _Table) -> None:
    k = int(getattr(settings, "SMALL_CELL_THRESHOLD", 5))
    notes = [
        _(
            "“%(symbol)s”: ô được ẩn để bảo vệ danh tính người bị bạo lực — giá trị từ 1 đến "
            "%(max)s, hoặc ô được ẩn kèm để không suy ra được ô nhỏ từ các tổng và các kỳ; một "
            "tỷ lệ cũng được ẩn khi tử số, mẫu số hoặc hiệu của chúng nhỏ hơn %(k)s. Số 0 được "
            "ghi là 0."
        )
        % {"symbol": _symbol(), "max": k - 1, "k": k},
        _(
            "Tỷ lệ được tính từ tổng tử số và tổng mẫu số, không lấy trung bình các tỷ lệ; "
            "“—”: không xác định (mẫu số bằng 0)."
        ),
        _(
            "Đây là biểu của hệ thống GBVMS: hiện chưa có biểu mẫu thống kê chính thức (số hiệu "
            "biểu) cho phòng, chống bạo lực trên cơ sở giới. Mã và phiên bản định nghĩa chỉ tiêu "
            "ghi trong trang ẩn _meta."
        ),
    ]
    if table.left_out:
        notes.append(
            _("Không công bố ở cấp này: phân tổ theo %(dimensions)s (để bảo vệ danh tính).")
            % {"dimensions": ", ".join(sorted(_lower_first(d) for d in table.left_out))}
        )
    table.add([])
    table.add([Cell(_("Ghi chú:"), Style(bold=True, italic=True), span=COLUMNS)])
    width = sum(WIDTHS)
    for i, note in enumerate(notes, start=1):
        text = f"({i}) {note}"
        table.add([Cell(text, Style(italic=True, wrap=True), span=COLUMNS)], _lines(text, width))


def _signatures(table: _Table) -> None:
    """Left under columns A–B the drafter, right under E–H the head of the unit."""
    bold, italic = Style(bold=True, align="center"), Style(italic=True, align="center")

    def pair(left: str | None, right: str, style: Style) -> list[Any]:
        return [Cell(left, style, span=2), None, None, Cell(right, style, span=4)]

    table.add([])
    table.add(pair(None, _("…, ngày … tháng … năm …"), italic))
    table.add(pair(_("Người lập biểu"), _("Thủ trưởng đơn vị"), bold))
    table.add(pair(_("(ký, ghi rõ họ tên)"), _("(ký, đóng dấu)"), italic))


def _meta(unit, period, as_of, submitted_id, versions, targets, trace, title) -> Sheet:
    name, code, level, _recipient = _unit_texts(unit)
    rows: list[list[Any]] = [
        ["key", "value"],
        ["format", FORMAT],
        ["sheet", title],
        ["unit_code", code],
        ["unit_path", unit.path if unit is not None else "/"],
        ["unit_name", name],
        ["unit_level", level],
        ["period", period.key],
        ["period_start", period.start.isoformat()],
        ["period_end", period.end.isoformat()],
        ["as_of", as_of.isoformat()],
        ["generated_at", timezone.now().isoformat()],
        ["submission_id", "" if submitted_id is None else str(submitted_id)],
        ["audience", "suppressed"],
        ["small_cell_threshold", int(getattr(settings, "SMALL_CELL_THRESHOLD", 5))],
        [],
        ["indicator", "version", "kind", "count_unit", "target_comparator", "target_value",
         "target_unit_path"],
    ]  # fmt: skip
    for v in versions:
        t = targets.get(v.indicator.pk)
        rows.append(
            [v.indicator.code, v.number, v.indicator.kind, v.indicator.count_unit,
             t.comparator if t else "", float(t.value) if t else None, t.unit_path if t else ""]
        )  # fmt: skip
    rows += [[], ["row", "indicator", "version", "disagg", "hidden"], *trace]
    return Sheet(title="_meta", rows=rows, widths=[22, 28, 10, 28, 18, 14, 18], hidden=True)


def _versions(grouped: dict[str, dict[str, Figures]]) -> list[IndicatorVersion]:
    """Every active indicator in catalogue order, each with the definition version its rows
    carry (a snapshot may hold a version no longer current), else the current one."""
    wanted = {
        code: next((f.version for f in cells.values() if f.version is not None), None)
        for code, cells in grouped.items()
    }
    qs = IndicatorVersion.objects.select_related("indicator").filter(indicator__is_active=True)
    chosen: dict[str, IndicatorVersion] = {}
    for v in qs.order_by("indicator__order", "indicator__code", "number"):
        code = v.indicator.code
        if wanted.get(code) == v.number or (wanted.get(code) is None and v.status == "current"):
            chosen[code] = v
    return list(chosen.values())


def indicators_workbook(
    unit: Any,
    period_key: str,
    rows: Iterable[Any],
    *,
    as_of: datetime.datetime,
    submitted_id: Any = None,
    codes: Iterable[str] | None = None,
) -> bytes:
    """The XLSX of ``rows`` (``selectors.export_rows(unit_path, period)``: the suppressed
    audience's cells) for ``unit`` (an AdminUnit; None is the nation) and ``period_key``;
    ``codes`` limits it to a set of indicators (default: the whole catalogue). Raises
    ``periods.PeriodError`` for a bad key."""
    period = periods.parse(period_key)
    grouped = _grouped(rows)
    versions = _versions(grouped)
    if codes is not None:
        wanted = set(codes)
        versions = [v for v in versions if v.indicator.code in wanted]
    _name, _nso, level, _recipient = _unit_texts(unit)
    unit_path = unit.path if unit is not None else "/"
    targets = _targets(unit_path, period.year)
    local = timezone.localtime(as_of) if timezone.is_aware(as_of) else as_of
    table = _Table(rows=[], heights={}, trace=[], left_out=set())
    _header(table, unit, period, as_of)
    ctx = {
        "targets": targets,
        "period": period.key,
        "kind": period.type,
        "today": local.date(),
        "level": level,
    }
    _body(table, versions, grouped, ctx)
    _notes(table)
    _signatures(table)
    title = _("Chỉ tiêu %(period)s") % {"period": period.key}
    main = Sheet(
        title=title,
        rows=table.rows,
        widths=WIDTHS,
        heights=table.heights,
        freeze_rows=HEADER_ROW,
        landscape=True,
        repeat_row=HEADER_ROW,
    )
    meta = _meta(unit, period, as_of, submitted_id, versions, targets, table.trace, title)
    return xlsx_layout_bytes([main, meta])


def filename(unit: Any, period_key: str) -> str:
    """``Chỉ tiêu BLTCSG - Tỉnh Quảng Ngãi - 2026S1.xlsx`` (the response adds an ASCII
    fallback)."""
    name = _unit_texts(unit)[0]
    return _("Chỉ tiêu BLTCSG - %(unit)s - %(period)s.xlsx") % {"unit": name, "period": period_key}
