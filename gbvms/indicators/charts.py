"""Server-side charts of indicator values (matplotlib, no pyplot): SVG markup for pages, PNG bytes
for the DOCX reports, from the same drawing code.

Values: a number is drawn; ``None`` is a cell hidden by small-cell suppression (drawn as "<k",
k = settings.SMALL_CELL_THRESHOLD, or "ẩn" on percent charts, where "<5" would read as "<5%");
``float("nan")`` is a value that does not exist (e.g. a ratio with denominator 0), drawn as "—".

The SVG is inline-ready: no XML prolog, ``role="img"`` with ``aria-labelledby`` pointing at its
``<title>``, ``width="100%"`` and a viewBox so it scales to a phone, ids prefixed by a hash of the
content (several charts on one page never collide) and no ``style`` attributes or ``<style>``
element — the page's CSP (``style-src 'self'``) would block them — only presentation attributes.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import textwrap
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import matplotlib
from django.conf import settings
from django.http import HttpResponse
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from lxml import etree
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import text_to_path
from matplotlib.ticker import FuncFormatter, MaxNLocator

# Fixed, process-wide settings (set once, never changed afterwards): text stays text in the SVG
# (searchable, accessible), no mathtext parsing of labels, DejaVu Sans (ships with matplotlib,
# covers Vietnamese), a fixed hash salt so ids do not depend on a per-process uuid.
matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "gbvms-charts",
        "text.parse_math": False,
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],
        "font.size": 9,
    }
)

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
PNG_DPI = 200
WIDTH_IN = 4.0  # 288 pt drawn 100% wide: on a 390 px phone, 9 pt text shows at about 11 px
INK = "#1a1a1a"
MUTED = "#595959"
BLUE = "#0072B2"  # Okabe–Ito blue
TARGET = "#D55E00"  # Okabe–Ito vermillion
HIDDEN_FILL = "#d9d9d9"
NODATA_FILL = "#f2f2f2"
# Light-to-dark blue ramp (ColorBrewer Blues, single hue: readable with any colour vision).
PALETTE = LinearSegmentedColormap.from_list(
    "gbvms_blues", ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
)

# Tile map of the 34 provinces (NSO codes, geo/data/units.csv), roughly north → south:
# code → (row, column, short name).
TILES: dict[str, tuple[int, int, str]] = {
    "12": (0, 0, "Lai Châu"), "15": (0, 1, "Lào Cai"), "08": (0, 2, "Tuyên Quang"),
    "04": (0, 3, "Cao Bằng"),
    "11": (1, 0, "Điện Biên"), "14": (1, 1, "Sơn La"), "25": (1, 2, "Phú Thọ"),
    "19": (1, 3, "Thái Nguyên"), "20": (1, 4, "Lạng Sơn"),
    "01": (2, 2, "Hà Nội"), "24": (2, 3, "Bắc Ninh"), "22": (2, 4, "Quảng Ninh"),
    "37": (3, 2, "Ninh Bình"), "33": (3, 3, "Hưng Yên"), "31": (3, 4, "Hải Phòng"),
    "38": (4, 2, "Thanh Hóa"),
    "40": (5, 1, "Nghệ An"), "42": (5, 2, "Hà Tĩnh"),
    "44": (6, 2, "Quảng Trị"), "46": (6, 3, "Huế"),
    "48": (7, 3, "Đà Nẵng"),
    "51": (8, 3, "Quảng Ngãi"),
    "52": (9, 3, "Gia Lai"),
    "66": (10, 3, "Đắk Lắk"),
    "68": (11, 3, "Lâm Đồng"), "56": (11, 4, "Khánh Hòa"),
    "80": (12, 1, "Tây Ninh"), "75": (12, 2, "Đồng Nai"),
    "91": (13, 0, "An Giang"), "82": (13, 1, "Đồng Tháp"), "79": (13, 2, "Hồ Chí Minh"),
    "96": (14, 0, "Cà Mau"), "92": (14, 1, "Cần Thơ"), "86": (14, 2, "Vĩnh Long"),
}  # fmt: skip
TILE_W, TILE_H, TITLE_H = WIDTH_IN / 5, 0.52, 0.45  # inches
STATUS_MARKS = {"met": "✓", "not_met": "✗", "insufficient_data": "?", "not_due": "○"}


def _status_labels() -> dict[str, str]:
    return {
        "met": _("Đạt"),
        "not_met": _("Chưa đạt"),
        "insufficient_data": _("Chưa đủ số liệu"),
        "not_due": _("Chưa đến hạn"),
    }


# ---------------------------------------------------------------- values and their text


def _num(value) -> float | None:
    """A value as a float (Decimal targets, int counts) keeping None (hidden) and NaN."""
    return None if value is None else float(value)


def _missing(value: float | None) -> bool:
    return value is None or not math.isfinite(value)


def _gap_text(value: float | None, percent: bool) -> str:
    """Text of a value that is not drawn: hidden (None) or not existing (NaN)."""
    if value is not None:
        return "—"
    return _("ẩn") if percent else f"<{settings.SMALL_CELL_THRESHOLD}"


def fmt_value(value: float | None, *, percent: bool = False) -> str:
    """A value as pages print it (active language's separators): '92,5%', '1.234', '<5', '—'."""
    if _missing(value):
        return _gap_text(value, percent)
    decimals = 1 if percent or value != int(value) else 0
    return _number(value, decimals) + ("%" if percent else "")


def _number(value: float, decimals: int) -> str:
    """Rounded half up, grouped by thousands with the active language's separators ('1.234,5' in
    Vietnamese). Django's numberformat alone truncates floats (89.99 → '89,9')."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return numberformat.format(rounded, get_format("DECIMAL_SEPARATOR"), decimals, 3,
                               get_format("THOUSAND_SEPARATOR"), force_grouping=True)  # fmt: skip


def _wrap(text: str, width: int) -> str:
    """Lines of at most ``width`` characters; a caller's own line breaks are kept."""
    lines = [line for part in str(text).split("\n") for line in textwrap.wrap(part, width)]
    return "\n".join(lines) or " "


def _value_axis_max(values: Sequence[float], target: float | None, percent: bool) -> float:
    top = max([*values, target or 0, 0])
    if percent:
        return 100.0 if top <= 100 else top * 1.1
    return max(top * 1.2, 1.0)


def _value_formatter(percent: bool) -> FuncFormatter:
    """Axis ticks: '40%', '1.200', '2,5' (decimals only where the tick needs them)."""
    return FuncFormatter(
        lambda v, _pos: _number(v, 0 if v == int(v) else 1) + ("%" if percent else "")
    )


# ---------------------------------------------------------------- figure → SVG / PNG


def text_width(text: str, size: float = 9) -> float:
    """Width in points of the widest line of ``text`` in DejaVu Sans (for margins)."""
    font = FontProperties(size=size)
    return max(text_to_path.get_text_width_height_descent(line, font, ismath=False)[0]
               for line in str(text).split("\n"))  # fmt: skip


def _figure(plot_in: float, title: str, *, left: float, bottom: float, top: float = 0):
    """A figure with a wrapped bold title and one axes framed by margins given in points
    (measured from the labels: much cheaper than a layout engine's extra draw)."""
    heading = _wrap(title, 46)
    top += 14 + 13 * heading.count("\n") + 14
    height_in = plot_in + (top + bottom) / 72
    fig = Figure(figsize=(WIDTH_IN, height_in))
    fig.text(0.1 / WIDTH_IN, 1 - 10 / 72 / height_in, heading, va="top", fontsize=10,
             fontweight="bold", color=INK)  # fmt: skip
    width_pt, height_pt = WIDTH_IN * 72, height_in * 72
    ax = fig.add_axes((left / width_pt, bottom / height_pt, 1 - (left + 12) / width_pt,
                       1 - (bottom + top) / height_pt))  # fmt: skip
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _render(fig: Figure, fmt: str, title: str, tooltips: dict[str, str] | None = None):
    if fmt == "png":
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
        return buffer.getvalue()
    if fmt != "svg":
        raise ValueError(f"unknown chart format {fmt!r}")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return accessible_svg(buffer.getvalue(), title=title, tooltips=tooltips or {})


_URL_REF = re.compile(r"url\(#([^)]+)\)")


def _inline_styles(root: etree._Element) -> None:
    """style="a: b; c: d" → presentation attributes a="b" c="d" (allowed under the CSP)."""
    for element in root.iter():
        style = element.attrib.pop("style", None)
        for declaration in (style or "").split(";"):
            name, sep, value = declaration.partition(":")
            if sep and name.strip():
                element.set(name.strip(), value.strip())


def _references(root: etree._Element) -> set[str]:
    used: set[str] = set()
    for element in root.iter():
        href = element.get(XLINK_HREF, "")
        if href.startswith("#"):
            used.add(href[1:])
        for value in element.attrib.values():
            used.update(_URL_REF.findall(value))
    return used


def _rename_ids(root: etree._Element, prefix: str, tooltips: dict[str, str]) -> None:
    """Keep only referenced ids, renamed ``prefix-N``; artists with a tooltip gid get <title>."""
    used = _references(root)
    mapping: dict[str, str] = {}
    for element in root.iter():
        old = element.attrib.pop("id", None)
        if old in tooltips:
            element.set("data-key", old.split(":", 1)[-1])
            tip = etree.Element(f"{{{SVG_NS}}}title")
            tip.text = tooltips[old]
            element.insert(0, tip)
        elif old in used:
            mapping[old] = f"{prefix}-{len(mapping) + 1}"
            element.set("id", mapping[old])
    for element in root.iter():
        href = element.get(XLINK_HREF, "")
        if href[1:] in mapping:
            element.set(XLINK_HREF, "#" + mapping[href[1:]])
        for name, value in element.attrib.items():
            if "url(#" in value:
                element.set(name, _URL_REF.sub(lambda m: f"url(#{mapping[m[1]]})", value))


def accessible_svg(raw: str, *, title: str, tooltips: dict[str, str] | None = None) -> str:
    """Matplotlib's SVG document → an inline, accessible, CSP-clean <svg> element (a string)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(raw.encode(), parser)  # our own output, not user input
    prefix = "c" + hashlib.sha256(raw.encode()).hexdigest()[:10]
    for element in root.findall(f"{{{SVG_NS}}}metadata"):
        root.remove(element)
    for element in root.iterfind(f".//{{{SVG_NS}}}style"):
        element.getparent().remove(element)
    _inline_styles(root)
    _rename_ids(root, prefix, tooltips or {})
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    root.set("width", "100%")
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title")
    root.set("class", "chart")
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    heading = etree.Element(f"{{{SVG_NS}}}title", id=f"{prefix}-title")
    heading.text = title
    root.insert(0, heading)
    return etree.tostring(root, encoding="unicode")


def chart_response(chart: str | bytes, filename: str) -> HttpResponse:
    """A download of a chart: SVG markup (str) or PNG bytes, as an attachment named safely."""
    is_png = isinstance(chart, bytes)
    stem = slugify(filename.rsplit(".", 1)[0] if "." in filename else filename) or "chart"
    response = HttpResponse(chart, content_type="image/png" if is_png else "image/svg+xml")
    extension = "png" if is_png else "svg"
    response["Content-Disposition"] = f'attachment; filename="{stem}.{extension}"'
    return response


# ---------------------------------------------------------------- trend


def _trend_labels(ax, xs, values, percent: bool, top: float) -> None:
    """Value labels above points (all when ≤ 6 points, else the last) and gap marks."""
    shown = [i for i, v in enumerate(values) if not _missing(v)]
    labelled = set(shown if len(values) <= 6 else shown[-1:])
    for i, value in zip(xs, values, strict=True):
        if _missing(value):
            ax.text(i, top * 0.03, _gap_text(value, percent), ha="center", va="bottom",
                    color=MUTED, fontsize=8)  # fmt: skip
        elif i in labelled:
            ax.annotate(fmt_value(value, percent=percent), (i, value), xytext=(0, 5),
                        textcoords="offset points", ha="center", fontsize=8, color=INK)  # fmt: skip


def _target_line(ax, target: float, label: str, percent: bool, *, vertical: bool) -> str:
    """The target as a dashed line, named in a key above the plot (never over the data)."""
    line = ax.axvline if vertical else ax.axhline
    line(target, color=TARGET, linestyle="--", linewidth=1.4, gid="target:line")
    text = f"– – {label or _('Mục tiêu')}: {fmt_value(target, percent=percent)}"
    ax.text(0, 1.0, text, transform=ax.transAxes, ha="left", va="bottom", color=TARGET,
            fontsize=8, fontweight="bold")  # fmt: skip
    return text[4:]


def _trend_margins(labels: list[str], rotate: bool, widest_value: str) -> tuple[float, float]:
    """Left and bottom margins (points) that fit the value ticks and the period labels."""
    if rotate:
        bottom = max([text_width(label) for label in labels] or [0]) * 0.72 + 18
    else:
        bottom = 14 + 11 * max([label.count("\n") + 1 for label in labels] or [1])
    return text_width(widest_value) + 28, bottom


def trend_chart(
    points: list[tuple[str, float | None]],
    *,
    title: str,
    unit_label: str,
    target: float | None = None,
    target_label: str = "",
    percent: bool = False,
    fmt: str = "svg",
) -> str | bytes:
    """A line of values over periods (labels in order); gaps where a value is hidden/missing."""
    names = [str(label) for label, _value in points]
    labels = [_wrap(label, 14) for label in names]
    raw = [_num(v) for _label, v in points]
    values = [math.nan if _missing(v) else v for v in raw]
    target = _num(target)
    xs = list(range(len(points)))
    top = _value_axis_max([v for v in values if not _missing(v)], target, percent)
    rotate = len(points) > 6
    left, bottom = _trend_margins(labels, rotate, fmt_value(top, percent=percent))
    fig, ax = _figure(2.0, title, left=left, bottom=bottom, top=12 if target is not None else 0)
    ax.plot(xs, values, color=BLUE, linewidth=2, marker="o", markersize=5, gid="series:line")
    ax.set_ylim(0, top)
    ax.set_xlim(-0.5, max(len(points) - 0.5, 0.5))
    ax.yaxis.set_major_formatter(_value_formatter(percent))
    ax.yaxis.set_major_locator(MaxNLocator(5, integer=not percent))
    ax.set_ylabel(unit_label, color=MUTED)
    ax.set_xticks(xs, labels, rotation=45 if rotate else 0, ha="right" if rotate else "center")
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    _trend_labels(ax, xs, raw, percent, top)
    tips = {}
    if target is not None:
        tips["target:line"] = _target_line(ax, target, target_label, percent, vertical=False)
    for i, (label, value) in enumerate(zip(names, raw, strict=True)):
        # an invisible, larger marker over each point carries its tooltip
        tips[f"point:{i}"] = f"{label}: {fmt_value(value, percent=percent)}"
        y = 0 if _missing(value) else value
        ax.plot([i], [y], marker="o", markersize=12, linestyle="none", alpha=0, gid=f"point:{i}")
    return _render(fig, fmt, title, tips)


# ---------------------------------------------------------------- bars


def bar_chart(
    items: list[tuple[str, float | None]],
    *,
    title: str,
    unit_label: str,
    percent: bool = False,
    target: float | None = None,
    target_label: str = "",
    fmt: str = "svg",
) -> str | bytes:
    """Horizontal bars in the given order (top to bottom); hidden values as a hatched stub."""
    labels = [_wrap(label, 24) for label, _value in items]
    raw = [_num(v) for _label, v in items]
    target = _num(target)
    lines = sum(label.count("\n") + 1 for label in labels)
    left = max([text_width(label) for label in labels] or [0]) + 10
    fig, ax = _figure(0.15 * lines + 0.12 * len(items) + 0.05, title, left=left, bottom=32,
                      top=12 if target is not None else 0)  # fmt: skip
    top = _value_axis_max([v for v in raw if not _missing(v)], target, percent)
    ys = list(range(len(items)))
    tips = {}
    for y, label, value in zip(ys, [str(label) for label, _v in items], raw, strict=True):
        text = fmt_value(value, percent=percent)
        tips[f"bar:{y}"] = f"{label}: {text}"
        if value is None:
            ax.barh(y, top * 0.04, color="white", edgecolor=MUTED, hatch="////", height=0.6,
                    linewidth=0.8, gid=f"bar:{y}")  # fmt: skip
            ax.text(top * 0.05, y, text, va="center", color=MUTED)
        elif _missing(value):
            ax.text(0, y, " " + text, va="center", color=MUTED, gid=f"bar:{y}")
        else:
            ax.barh(y, value, color=BLUE, height=0.6, gid=f"bar:{y}")
            ax.text(value + top * 0.01, y, text, va="center", color=INK, fontsize=8)
    ax.set_yticks(ys, labels)
    ax.set_ylim(len(items) - 0.5, -0.5)
    ax.set_xlim(0, top * 1.12)
    ax.xaxis.set_major_formatter(_value_formatter(percent))
    ax.xaxis.set_major_locator(MaxNLocator(5, integer=not percent))
    ax.set_xlabel(unit_label, color=MUTED)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    if target is not None:
        tips["target:line"] = _target_line(ax, target, target_label, percent, vertical=True)
    return _render(fig, fmt, title, tips)


# ---------------------------------------------------------------- tile map


def _text_colour(fill) -> str:
    r, g, b = to_rgb(fill)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "white" if luminance < 0.45 else INK


def _tile_fill(value: float | None, top: float):
    if value is None:
        return HIDDEN_FILL
    if _missing(value):
        return NODATA_FILL
    return PALETTE(min(max(value / top, 0.0), 1.0)) if top else PALETTE(0.0)


class _Sheet:
    """Drawing straight on a figure in inches from its top-left corner (no axes: nothing to
    clip or autoscale, which keeps a 34-tile map fast)."""

    def __init__(self, fig: Figure):
        self.fig = fig
        self.height = fig.get_figheight()

    def rect(self, x: float, y: float, w: float, h: float, **style) -> None:
        patch = Rectangle((x, self.height - y - h), w, h, transform=self.fig.dpi_scale_trans,
                          **style)  # fmt: skip
        self.fig.add_artist(patch)

    def text(self, x: float, y: float, text: str, **style) -> None:
        self.fig.text(x, self.height - y, text, transform=self.fig.dpi_scale_trans, **style)


def _draw_tile(sheet: _Sheet, code: str, cell: tuple[float | None, str], top: float, percent: bool):
    value, status = cell
    row, col, name = TILES[code]
    x, y = col * TILE_W, TITLE_H + row * TILE_H
    fill = _tile_fill(value, top)
    border = INK if status == "not_met" else "white"
    sheet.rect(x + 0.03, y + 0.03, TILE_W - 0.06, TILE_H - 0.06, facecolor=fill,
               edgecolor=border, linewidth=1.6 if border == INK else 1,
               gid=f"tile:{code}")  # fmt: skip
    ink = _text_colour(fill)
    sheet.text(x + TILE_W / 2, y + 0.36 * TILE_H, name, ha="center", va="center", fontsize=6.5,
               color=ink)  # fmt: skip
    mark = STATUS_MARKS.get(status, "")
    text = (
        f"{mark} {fmt_value(value, percent=percent)}" if mark else fmt_value(value, percent=percent)
    )
    sheet.text(x + TILE_W / 2, y + 0.72 * TILE_H, text, ha="center", va="center", fontsize=8.5,
               fontweight="bold", color=ink)  # fmt: skip


def _tile_legend(sheet: _Sheet, top: float, percent: bool, statuses: set[str]) -> None:
    """Colour ramp, grey swatches and status marks in the empty west of the central provinces."""
    x0, y = 0.1, TITLE_H + 6 * TILE_H + 0.1
    for i in range(5):
        sheet.rect(x0 + i * 0.3, y, 0.3, 0.18, facecolor=PALETTE(i / 4), edgecolor="none")
    sheet.text(x0, y + 0.22, fmt_value(0, percent=percent), va="top", fontsize=7, color=MUTED)
    sheet.text(x0 + 1.5, y + 0.22, fmt_value(top, percent=percent), va="top", ha="right",
               fontsize=7, color=MUTED)  # fmt: skip
    y += 0.55
    swatches = [
        (HIDDEN_FILL, _gap_text(None, percent), _("số nhỏ, không công bố")),
        (NODATA_FILL, "—", _("không có số liệu")),
    ]
    for fill, mark, label in swatches:
        sheet.rect(x0, y, 0.3, 0.2, facecolor=fill, edgecolor="none")
        sheet.text(x0 + 0.15, y + 0.1, mark, ha="center", va="center", fontsize=6.5, color=INK)
        sheet.text(x0 + 0.4, y + 0.1, label, va="center", fontsize=7, color=INK)
        y += 0.28
    labels = _status_labels()
    for status in (s for s in STATUS_MARKS if s in statuses):
        sheet.text(x0 + 0.15, y + 0.1, STATUS_MARKS[status], ha="center", va="center",
                   fontsize=8, color=INK, fontweight="bold")  # fmt: skip
        sheet.text(x0 + 0.4, y + 0.1, labels[status], va="center", fontsize=7, color=INK)
        y += 0.28


def tile_map(
    values: dict[str, tuple[float | None, str]],
    *,
    title: str,
    percent: bool = False,
    fmt: str = "svg",
) -> str | bytes:
    """The 34 provinces as tiles coloured by value; a province missing from ``values`` shows "—".
    The status ("met", "not_met", "insufficient_data", "not_due", "") is a mark before the value
    (✓ ✗ ? ○; not_met also gets a dark border); colour never carries meaning alone."""
    unknown = set(values) - set(TILES)
    if unknown:
        raise ValueError(f"not province codes: {sorted(unknown)}")
    cells = {code: values.get(code, (math.nan, "")) for code in TILES}
    shown = [v for v, _s in cells.values() if not _missing(v)]
    top = 100.0 if percent else max([*shown, 1.0])
    rows = 1 + max(row for row, _c, _n in TILES.values())
    fig = Figure(figsize=(WIDTH_IN, TITLE_H + rows * TILE_H + 0.05))
    sheet = _Sheet(fig)
    sheet.text(0.1, 0.12, _wrap(title, 46), va="top", fontsize=10, fontweight="bold", color=INK)
    tips = {}
    statuses = _status_labels()
    for code, cell in cells.items():
        _draw_tile(sheet, code, cell, top, percent)
        state = f" — {statuses[cell[1]]}" if cell[1] in statuses else ""
        tips[f"tile:{code}"] = f"{TILES[code][2]}: {fmt_value(cell[0], percent=percent)}{state}"
    _tile_legend(sheet, top, percent, {s for _v, s in cells.values()})
    return _render(fig, fmt, title, tips)
