"""A :class:`~gbvms.reports.document.ReportDoc` as a DOCX in the layout of Nghị định 30/2020
(REPORTING §C.1–C.2), with python-docx.

* Page: A4 portrait, margins 20 / 20 / 30 / 15 mm; Times New Roman on every run (ascii, hAnsi,
  eastAsia and cs), the document defaults and every style; Vietnamese as the language.
* First page: a borderless 2-column table (issuing body under its superior, a rule, "Số:" on the
  left; national name, motto, a rule and the italic place and date on the right, "Số" and the
  date on one row), then the document type and summary with a short rule, then "Kính gửi".
* Body: justified, first-line indent 1.27 cm, 6 pt before each paragraph; parts, sections,
  items and points are real "Heading n" styles (styled to the decree, numbered here); tables with
  a repeated header row; charts as PNG at the text width (at most 16 cm), caption below in
  italic 13.
* Last page: a borderless 2-column table, "Nơi nhận" left, the signature block right.
* Page numbers: a PAGE field centred in the primary header; the first page has its own, empty
  header (``titlePg``); each appendix is a section of its own that starts on a new page and
  numbers its pages from 1.
* Rules are paragraph borders whose indents come from the measured text width (LibreOffice
  draws underlined spaces differently). User text is only ever a ``w:t``: it cannot become a
  field; characters XML cannot hold are dropped.
"""

from __future__ import annotations

import copy
import functools
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.http import HttpResponse

from gbvms.core.tabular import attachment_header
from gbvms.reports import document as d

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_CM = (PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]) / 10  # 16.5
CHART_CM = min(16.0, TEXT_CM)
BODY_PT = 14
TABLE_PT = 12
INDENT_CM = 1.27
CELL_PAD_CM = 0.19 * 2  # Word's default left + right cell margins
HEADER_SPLIT = 0.4  # the left column of the header block takes 40 % of the width
BOTTOM_SPLIT = 0.45  # "Nơi nhận" column of the last table
# Metric-compatible fonts, to measure text for the rules (Times New Roman if installed).
_FONT_DIRS = ("/usr/share/fonts/truetype/msttcorefonts", "/usr/share/fonts/truetype/liberation2",
              "/usr/share/fonts/truetype/liberation")  # fmt: skip
_FONT_FILES = {
    (False, False): ("Times_New_Roman.ttf", "LiberationSerif-Regular.ttf"),
    (True, False): ("Times_New_Roman_Bold.ttf", "LiberationSerif-Bold.ttf"),
    (False, True): ("Times_New_Roman_Italic.ttf", "LiberationSerif-Italic.ttf"),
    (True, True): ("Times_New_Roman_Bold_Italic.ttf", "LiberationSerif-BoldItalic.ttf"),
}


# ---------------------------------------------------------------- measuring


@functools.cache
def _font(bold: bool, italic: bool) -> Any:
    from PIL import ImageFont

    for folder in _FONT_DIRS:
        for name in _FONT_FILES[(bold, italic)]:
            path = Path(folder) / name
            if path.exists():
                return ImageFont.truetype(str(path), 1000)
    return None


def text_cm(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    """Width of one line of ``text`` in Times New Roman (or a font with its metrics) in cm; an
    estimate from Times' average widths when no such font is installed."""
    font = _font(bold, italic)
    em = font.getlength(text) / 1000 if font is not None else _estimate_em(text, bold)
    return em * size / 72 * 2.54


def _estimate_em(text: str, bold: bool) -> float:
    """Times New Roman's average advance widths: capitals about 0.7 em (bold 0.74), small
    letters and digits 0.47 (bold 0.5), a space 0.25; on the wide side, so a rule that asks
    "does it fit" errs towards breaking the line."""
    capital, small = (0.74, 0.5) if bold else (0.7, 0.47)
    return sum(0.25 if c.isspace() else capital if c.isupper() else small for c in text)


_LEVEL_WORDS = ("XÃ", "PHƯỜNG", "ĐẶC KHU", "TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "THỊ XÃ")


def body_lines(name: str, size: float, *, bold: bool, room: float) -> list[str]:
    """An issuing body's name on one line when it fits in ``room`` cm, else on two: broken
    before the unit's level ("ỦY BAN NHÂN DÂN" / "XÃ ĐĂK TÔ") when both halves fit, otherwise
    where the two lines are most even."""
    if text_cm(name, size, bold=bold) <= room or " " not in name:
        return [name]
    words = name.split()
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]

    def longer(pair: tuple[str, str]) -> float:
        return max(text_cm(part, size, bold=bold) for part in pair)

    for head, tail in reversed(splits):
        if tail.startswith(_LEVEL_WORDS) and longer((head, tail)) <= room:
            return [head, tail]
    return list(min(splits, key=longer))


# ---------------------------------------------------------------- low-level XML


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _el(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement

    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(_qn(f"w:{key}"), value)
    return element


def _set_fonts(rpr: Any) -> None:
    """Times New Roman for all four scripts, and no theme font that would override it."""
    fonts = rpr.find(_qn("w:rFonts"))
    if fonts is None:
        fonts = _el("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(_qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(_qn(f"w:{attr}"), FONT)


def _border(ppr: Any, side: str) -> None:
    borders = ppr.find(_qn("w:pBdr"))
    if borders is None:
        borders = _el("w:pBdr")
        # pBdr comes before shd/tabs/spacing/ind/jc … in pPr's sequence
        anchor = next((c for c in ppr if c.tag in _AFTER_PBDR), None)
        anchor.addprevious(borders) if anchor is not None else ppr.append(borders)
    borders.append(_el(f"w:{side}", val="single", sz="6", space="1", color="000000"))


_AFTER_PBDR = {
    _qn(f"w:{t}")
    for t in ("shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
              "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
              "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
              "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
              "cnfStyle", "rPr", "sectPr", "pPrChange")
}  # fmt: skip


def _page_field(paragraph: Any, size: float) -> None:
    """A PAGE field (the only field in the file, never built from user text)."""
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "2"),
                       ("end", None)):  # fmt: skip
        run = paragraph.add_run()
        _style_run(run, size)
        if kind == "instr":
            instr = _el("w:instrText")
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text
        else:
            run._r.append(_el("w:fldChar", fldCharType=kind))


def _style_run(run: Any, size: float, bold: bool = False, italic: bool = False) -> None:
    from docx.shared import Pt

    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    _set_fonts(run._r.get_or_add_rPr())


# ---------------------------------------------------------------- the writer


class _Writer:
    def __init__(self, doc: d.ReportDoc) -> None:
        import docx

        self.doc = doc
        self.document = docx.Document()
        has_parts = any(
            b.kind == "part" for b in [*doc.blocks, *(x for a in doc.appendices for x in a.blocks)]
        )
        kinds = d.HEADING_KINDS if has_parts else d.HEADING_KINDS[1:]
        self.levels = {kind: i + 1 for i, kind in enumerate(kinds)}
        self._ppr: dict[tuple, Any] = {}
        self._rpr: dict[tuple, Any] = {}

    # -- paragraphs and runs

    def para(self, container: Any = None, *, align: str = "justify", before: float = 0,
             after: float = 0, first: float | None = None, left: float | None = None,
             right: float | None = None, style: str | None = None, keep: bool = False,
             first_in_cell: bool = False) -> Any:  # fmt: skip
        """A paragraph (a new one, or a cell's first); its properties are built once per
        combination and copied after that (python-docx's setters are slow on big tables)."""
        container = container if container is not None else self.document
        paragraph = container.paragraphs[0] if first_in_cell else container.add_paragraph()
        key = (style, align, before, after, first, left, right, keep)
        proto = self._ppr.get(key)
        if proto is None:
            self._format(paragraph, key)
            self._ppr[key] = copy.deepcopy(paragraph._p.pPr)
        else:
            if paragraph._p.pPr is not None:
                paragraph._p.remove(paragraph._p.pPr)
            paragraph._p.insert(0, copy.deepcopy(proto))
        return paragraph

    def _format(self, paragraph: Any, key: tuple) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Cm, Pt

        style, align, before, after, first, left, right, keep = key
        if style:
            paragraph.style = self.document.styles[style]
        fmt = paragraph.paragraph_format
        fmt.alignment = getattr(WD_ALIGN_PARAGRAPH, align.upper())
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        for name, value in (("first_line_indent", first), ("left_indent", left),
                            ("right_indent", right)):  # fmt: skip
            if value is not None:
                setattr(fmt, name, Cm(value))
        if keep:
            fmt.keep_with_next = True

    def run(self, paragraph: Any, text: str, size: float = BODY_PT, *, bold: bool = False,
            italic: bool = False) -> Any:  # fmt: skip
        """A run of text (never anything but a ``w:t``) with its own fonts and size."""
        from docx.text.run import Run

        key = (size, bold, italic)
        proto = self._rpr.get(key)
        if proto is None:
            sample = paragraph.add_run()
            _style_run(sample, size, bold, italic)
            proto = self._rpr[key] = copy.deepcopy(sample._r.rPr)
            paragraph._p.remove(sample._r)
        r = _el("w:r")
        r.append(copy.deepcopy(proto))
        t = _el("w:t")
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = d.clean(text).replace("\n", " ")
        r.append(t)
        paragraph._p.append(r)
        return Run(r, paragraph)

    def rule(self, container: Any, width: float, room: float, *, first_in_cell: bool = False,
             before: float = 3, after: float = 0) -> None:  # fmt: skip
        """A solid rule ``width`` cm long, centred in ``room`` cm: the bottom border of a thin
        empty paragraph indented from both sides."""
        from docx.enum.text import WD_LINE_SPACING
        from docx.shared import Pt

        width = min(width, room)
        side = max((room - width) / 2, 0)
        paragraph = self.para(container, align="center", left=side, right=side, before=before,
                              after=after, first=0, first_in_cell=first_in_cell)  # fmt: skip
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.paragraph_format.line_spacing = Pt(2)
        ppr = paragraph._p.get_or_add_pPr()
        _border(ppr, "bottom")
        mark = _el("w:rPr")
        mark.append(_el("w:sz", val="4"))
        ppr.append(mark)

    def body(self, text: str, *, italic: bool = False, container: Any = None,
             size: float = BODY_PT, **kwargs: Any) -> Any:  # fmt: skip
        kwargs.setdefault("first", INDENT_CM)
        kwargs.setdefault("before", 6)
        paragraph = self.para(container, **kwargs)
        self.run(paragraph, text, size, italic=italic)
        return paragraph

    # -- set-up

    def setup(self) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Cm, Mm

        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.header_distance = section.footer_distance = Cm(1)
        section.gutter = 0
        self.styles()
        props = self.document.core_properties
        props.title = d.one_line(self.doc.summary)
        props.subject = d.one_line(self.doc.doc_type)
        props.author = props.last_modified_by = d.one_line(self.doc.issuer)
        props.comments = ""
        props.language = "vi-VN"

    def styles(self) -> None:
        from docx.shared import Pt

        styles_el = self.document.styles.element
        defaults = styles_el.find(_qn("w:docDefaults"))
        rpr = defaults.find(_qn("w:rPrDefault")).find(_qn("w:rPr"))
        _set_fonts(rpr)
        for lang in rpr.findall(_qn("w:lang")):
            rpr.remove(lang)
        rpr.append(_el("w:lang", val="vi-VN", eastAsia="vi-VN", bidi="ar-SA"))
        for style_rpr in styles_el.iter(_qn("w:rPr")):  # styles and table-style parts
            _set_fonts(style_rpr)
            for colour in style_rpr.findall(_qn("w:color")):
                style_rpr.remove(colour)
        normal = self.document.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
        _set_fonts(normal.element.get_or_add_rPr())
        for kind, level in self.levels.items():
            self.heading_style(kind, level)

    def heading_style(self, kind: str, level: int) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Cm, Pt, RGBColor

        style = self.document.styles[f"Heading {level}"]
        style.font.name, style.font.size = FONT, Pt(BODY_PT)
        style.font.bold = kind in ("part", "section", "item")
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(style.element.get_or_add_rPr())
        fmt = style.paragraph_format
        centred = kind == "part"
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = Cm(0 if centred else INDENT_CM)
        fmt.left_indent = fmt.right_indent = Cm(0)
        fmt.space_before, fmt.space_after = Pt(12 if centred else 6), Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        fmt.keep_with_next = True

    # -- first page

    def header_block(self) -> None:
        from docx.shared import Cm

        doc = self.doc
        table = self.document.add_table(rows=2, cols=2)
        table.autofit = False
        widths = (TEXT_CM * HEADER_SPLIT, TEXT_CM * (1 - HEADER_SPLIT))
        for i, width in enumerate(widths):
            table.columns[i].width = Cm(width)
            for cell in table.columns[i].cells:
                cell.width = Cm(width)
        left_room, right_room = widths[0] - CELL_PAD_CM, widths[1] - CELL_PAD_CM
        parent, issuer = d.one_line(doc.parent_body).upper(), d.one_line(doc.issuer).upper()
        fits = all(
            text_cm(line, 13, bold=True) <= left_room
            for name in (parent, issuer)
            for line in body_lines(name, 13, bold=True, room=left_room)
        )
        size = 13 if fits else 12
        left = table.cell(0, 0)
        first, widest = True, 0.0
        for text, bold in ((parent, False), (issuer, True)):
            if not text:
                continue
            paragraph = self.para(left, align="center", first_in_cell=first)
            parts = body_lines(text, size, bold=bold, room=left_room)
            for i, line in enumerate(parts):
                run = self.run(paragraph, line, size, bold=bold)
                if i < len(parts) - 1:
                    run.add_break()
            widest = max(widest, *(text_cm(line, size, bold=True) for line in parts))
            first = False
        rule = min(widest, left_room) * 0.4
        self.rule(left, max(rule, 1.5), left_room)
        number = self.para(table.cell(1, 0), align="center", before=6, first_in_cell=True)
        self.run(number, d.number_line(doc.number, doc.symbol), 13)
        right = table.cell(0, 1)
        nation, motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"
        self.run(self.para(right, align="center", first_in_cell=True), nation, 12, bold=True)
        self.run(self.para(right, align="center"), motto, 13, bold=True)
        self.rule(right, text_cm(motto, 13, bold=True), right_room)
        date = self.para(table.cell(1, 1), align="center", before=6, first_in_cell=True)
        self.run(date, d.place_date_line(doc.place, doc.date), 14, italic=True)

    def title(self) -> None:
        doc = self.doc
        self.run(self.para(align="center", before=18, keep=True), d.one_line(doc.doc_type).upper(),
                 14, bold=True)  # fmt: skip
        summary = d.one_line(doc.summary)
        if summary:
            self.run(self.para(align="center", keep=True), summary, 14, bold=True)
        width = min(text_cm(summary or doc.doc_type, 14, bold=True), TEXT_CM) * 0.4
        self.rule(None, max(width, 2.5), TEXT_CM)

    def recipients(self) -> None:
        lines = d.recipient_lines(self.doc.recipients)
        if not lines:
            return
        if len(lines) == 1:
            paragraph = self.para(align="center", before=12)
            self.run(paragraph, "Kính gửi: " + lines[0])
            return
        label, dash = text_cm("Kính gửi", BODY_PT), text_cm("- ", BODY_PT)
        widest = max(text_cm(line, BODY_PT) for line in lines)
        start = max((TEXT_CM - label - widest) / 2, INDENT_CM)
        self.run(self.para(align="left", before=12, left=start, first=0), "Kính gửi:")
        for line in lines:
            paragraph = self.para(align="left", left=start + label + dash, first=-dash)
            self.run(paragraph, line)

    def legal_bases(self, bases: Sequence[str], *, before: float = 6) -> None:
        for i, line in enumerate(d.legal_basis_lines(bases)):
            self.body(line, italic=True, before=before if i == 0 else 0)

    # -- body

    def blocks(self, blocks: Sequence[d.Block]) -> None:
        pending_bases: list[str] = []
        for block, label in d.numbered(blocks):
            if block.kind == "legal_basis":
                pending_bases.append(block.text or block.title)
                continue
            if pending_bases:
                self.legal_bases(pending_bases)
                pending_bases = []
            self.block(block, label)
        if pending_bases:
            self.legal_bases(pending_bases)

    def block(self, block: d.Block, label: str) -> None:
        if block.kind in d.HEADING_KINDS:
            self.heading(block, label)
        elif block.kind == "table":
            self.table(block.table)  # type: ignore[arg-type]
        elif block.kind == "chart":
            self.chart(block)
        elif block.kind == "quote":
            self.quote(block)
        if block.kind in ("paragraph", *d.HEADING_KINDS) and not (
            block.kind in ("item", "point") and not block.title
        ):
            for line in d.lines(block.text):
                self.body(line)

    def heading(self, block: d.Block, label: str) -> None:
        title = d.without_label(block.title, label)
        if block.kind in ("item", "point") and not title:
            # an item or point without a title is numbered body text, not a heading
            for i, line in enumerate(d.lines(block.text) or [""]):
                self.body(f"{label} {line}" if i == 0 else line)
            return
        style = f"Heading {self.levels[block.kind]}"
        paragraph = self.para(style=style, align="center" if block.kind == "part" else "justify",
                              before=12 if block.kind == "part" else 6, keep=True,
                              first=0 if block.kind == "part" else INDENT_CM)  # fmt: skip
        bold = block.kind != "point"
        if block.kind == "part":
            self.run(paragraph, label, bold=True).add_break()
            self.run(paragraph, title.upper(), bold=True)
        elif block.kind == "section":
            self.run(paragraph, f"{label} {title.upper()}", bold=True)
        else:
            self.run(paragraph, f"{label} {title}", bold=bold)

    def table(self, table: d.Table) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.shared import Cm

        if table.caption:
            caption = self.para(align="center", before=6, after=3, keep=True, first=0)
            self.run(caption, d.one_line(table.caption), 13, bold=True)
        columns = max(len(table.header), *(len(r) for r in table.rows), 1)
        widths = _column_widths(table, columns)
        grid = self.document.add_table(rows=len(table.rows) + 1, cols=columns)
        grid.style = self.document.styles["Table Grid"]
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        for i, width in enumerate(widths):
            grid.columns[i].width = Cm(width)
        rows = grid.rows
        header = rows[0]
        _repeat_header(header)
        for i, cell in enumerate(header.cells):
            cell.width = Cm(widths[i])
            text = table.header[i] if i < len(table.header) else ""
            self.cell(cell, d.one_line(text), align="center", bold=True)
        counters = {i for i, h in enumerate(table.header) if d.one_line(h).upper() in _COUNTER}
        for values, row in zip(table.rows, rows[1:], strict=True):
            _cant_split(row)
            for i, cell in enumerate(row.cells):
                cell.width = Cm(widths[i])
                value = values[i] if i < len(values) else ""
                align = "right" if d.is_number(value) else "left"
                if value is None or i in counters:
                    align = "center"
                self.cell(cell, table.cell_text(i, value), align=align)

    def cell(self, cell: Any, text: str, *, align: str, bold: bool = False) -> None:
        paragraph = self.para(cell, align=align, before=2, after=2, first=0, first_in_cell=True)
        self.run(paragraph, text, TABLE_PT, bold=bold)

    def chart(self, block: d.Block) -> None:
        from docx.shared import Cm

        picture = self.para(align="center", before=6, keep=True, first=0)
        run = picture.add_run()
        _style_run(run, BODY_PT)
        run.add_picture(io.BytesIO(block.png or b""), width=Cm(CHART_CM))
        caption = d.one_line(block.caption or block.title)
        if caption:
            self.run(self.para(align="center", before=3, first=0), caption, 13, italic=True)

    def quote(self, block: d.Block) -> None:
        for line in d.lines(block.text):
            self.body(line, left=1.0, right=1.0)
        if d.one_line(block.origin):
            self.body(d.one_line(block.origin), italic=True, size=12, align="right", before=2,
                      first=0, right=1.0)  # fmt: skip

    # -- last page

    def signature(self) -> None:
        from docx.shared import Cm

        doc = self.doc
        self.para(before=6)
        table = self.document.add_table(rows=1, cols=2)
        table.autofit = False
        _cant_split(table.rows[0])
        widths = (TEXT_CM * BOTTOM_SPLIT, TEXT_CM * (1 - BOTTOM_SPLIT))
        for i, width in enumerate(widths):
            table.columns[i].width = table.cell(0, i).width = Cm(width)
        left, right = table.cell(0, 0), table.cell(0, 1)
        self.run(self.para(left, align="left", first_in_cell=True, first=0), "Nơi nhận:", 12,
                 bold=True, italic=True)  # fmt: skip
        for line in d.copies_lines(doc):
            self.run(self.para(left, align="left", first=0), line, 11)
        authority = [d.one_line(a).upper() for a in doc.signer_authority if d.one_line(a)]
        for i, line in enumerate(authority or [""]):
            paragraph = self.para(right, align="center", first=0, first_in_cell=i == 0)
            self.run(paragraph, line, 14, bold=True)
        name = self.para(right, align="center", before=72, first=0)
        self.run(name, d.one_line(doc.signer_name), 14, bold=True)

    # -- headers, footers, appendices

    def page_numbers(self) -> None:
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        section.first_page_header.is_linked_to_previous = False
        header = section.header.paragraphs[0]
        self.para(section.header, align="center", first=0, first_in_cell=True)
        _page_field(header, 14)
        footer = section.first_page_footer
        footer.is_linked_to_previous = False
        contact = d.one_line(self.doc.contact)
        if contact:
            paragraph = self.para(footer, align="left", first=0, first_in_cell=True)
            _border(paragraph._p.get_or_add_pPr(), "top")
            self.run(paragraph, contact, 11)

    def appendices(self) -> None:
        from docx.enum.section import WD_SECTION

        reference = d.appendix_reference(self.doc)
        for index, appendix in enumerate(self.doc.appendices, start=1):
            section = self.document.add_section(WD_SECTION.NEW_PAGE)
            _restart_numbering(section._sectPr)
            section.different_first_page_header_footer = True
            section.first_page_footer.is_linked_to_previous = False  # no contact line here
            self.run(self.para(align="center", first=0), d.appendix_label(index), 14, bold=True)
            title = self.para(align="center", first=0, before=3)
            self.run(title, d.one_line(appendix.title).upper(), 14, bold=True)
            self.run(self.para(align="center", first=0), reference, 14, italic=True)
            self.rule(None, 4.0, TEXT_CM, after=6)
            self.blocks(appendix.blocks)

    def render(self) -> bytes:
        self.setup()
        self.header_block()
        self.title()
        self.recipients()
        self.legal_bases(self.doc.legal_bases, before=12)
        self.blocks(self.doc.blocks)
        self.signature()
        self.page_numbers()
        self.appendices()
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


_COUNTER = {"TT", "STT", "SỐ TT"}  # a row-number column, centred


def _column_widths(table: d.Table, columns: int) -> list[float]:
    """The given widths (cm); columns without one share what is left of the text width in
    proportion to their longest text (between 4 and 40 characters); scaled down to fit."""
    widths = list(table.widths_cm or [])[:columns]
    widths += [0.0] * (columns - len(widths))
    free = [i for i, w in enumerate(widths) if w <= 0]
    if free:
        weights = {}
        for i in free:
            cells = [table.header[i] if i < len(table.header) else ""]
            cells += [table.cell_text(i, r[i]) for r in table.rows[:200] if i < len(r)]
            longest = max(len(word) for c in cells for word in [*c.split(), ""])
            weights[i] = min(max(max(len(c) for c in cells) / 2, longest, 4), 40)
        rest = max(TEXT_CM - sum(widths), 1.0 * len(free))
        for i in free:
            widths[i] = rest * weights[i] / sum(weights.values())
    scale = min(1.0, TEXT_CM / sum(widths))
    return [w * scale for w in widths]


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(_el("w:tblHeader", val="true"))
    _cant_split(row)


def _cant_split(row: Any) -> None:
    row._tr.get_or_add_trPr().append(_el("w:cantSplit", val="true"))


def _restart_numbering(sectpr: Any) -> None:
    """<w:pgNumType w:start="1"/> in its place in the section properties."""
    for old in sectpr.findall(_qn("w:pgNumType")):
        sectpr.remove(old)
    element = _el("w:pgNumType", start="1")
    before = ("pgMar", "paperSrc", "pgBorders", "lnNumType")
    anchors = [c for c in sectpr if c.tag in {_qn(f"w:{t}") for t in before}]
    if anchors:
        anchors[-1].addnext(element)
    else:
        sectpr.append(element)


def docx_bytes(doc: d.ReportDoc) -> bytes:
    """The report as a DOCX file (REPORTING §C.1)."""
    return _Writer(doc).render()


def docx_response(doc: d.ReportDoc, filename: str) -> HttpResponse:
    """The report as a DOCX download named ``filename`` (".docx" added when missing)."""
    if not filename.lower().endswith(".docx"):
        filename += ".docx"
    response = HttpResponse(docx_bytes(doc), content_type=DOCX_TYPE)
    response["Content-Disposition"] = attachment_header(filename)
    return response
