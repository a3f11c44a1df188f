"""An official report as plain data (no Django models), and the text rules of Nghị định 30/2020
that do not depend on the file format: numbers and symbols, dates, recipient lines, the
numbering of parts, sections, items and points, Vietnamese number formatting.

The renderers (:mod:`gbvms.reports.docx`, then :mod:`gbvms.reports.pdf`) draw a
:class:`ReportDoc`; everything here is a pure function, so the layout rules can be tested without
opening a file (REPORTING §C.1).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Value = str | int | float | Decimal | None
BlockKind = Literal[
    "part", "section", "item", "point", "paragraph", "legal_basis", "table", "chart", "quote"
]
# How a table column prints its numbers: "auto" (an int grouped, anything else with at most
# one decimal), "int", "decimal1", "decimal2", "percent" (the value is already in percent:
# 95.2 → "95,2 %").
NumberFormat = Literal["auto", "int", "decimal1", "decimal2", "percent"]
BLOCK_KINDS = frozenset(BlockKind.__args__)  # type: ignore[attr-defined]
DASH = "—"
NBSP = "\u00a0"

# Characters XML 1.0 cannot hold (C0 controls except tab/newline/CR, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Table:
    """A table: ``rows`` of values under ``header``; ``widths_cm`` per column (None: even);
    ``number_format`` per column (None or a shorter list: "auto")."""

    caption: str
    header: list[str]
    rows: list[list[Value]]
    widths_cm: list[float] | None = None
    number_format: list[NumberFormat] | None = None

    def cell_text(self, column: int, value: Value) -> str:
        formats = self.number_format or []
        return format_value(value, formats[column] if column < len(formats) else "auto")


@dataclass
class Block:
    """One piece of the body. ``part`` / ``section`` / ``item`` / ``point`` are numbered by the
    renderer (Phần I, I., 1., a)) and ``title`` is their heading (``text``, when given, a
    paragraph under it); ``paragraph`` is body text (one paragraph per line of ``text``);
    ``legal_basis`` one legal basis (*căn cứ*); ``table`` a :class:`Table`; ``chart`` a PNG with
    its ``caption``; ``quote`` a paragraph quoted from a child report, with its ``origin`` line
    (e.g. "Nguồn: UBND xã Đăk Tô, báo cáo phiên bản 2")."""

    kind: BlockKind
    title: str = ""
    text: str = ""
    table: Table | None = None
    png: bytes | None = None
    caption: str = ""
    origin: str = ""

    def __post_init__(self) -> None:
        if self.kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}")
        if self.kind == "table" and self.table is None:
            raise ValueError("a table block needs a table")
        if self.kind == "chart" and not (self.png or b"").startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValueError("a chart block needs PNG bytes")


@dataclass
class Appendix:
    title: str
    blocks: list[Block]


@dataclass
class ReportDoc:
    """Everything the first page, the body and the last page of a report show. ``symbol`` is
    the part after the slash ("BC-SNV"); ``number`` None leaves the number blank for the
    clerk; ``issuer_name`` is how running text names the issuer ("Sở Nội vụ", for the
    appendices' "Kèm theo …" line; default: the issuer as given)."""

    parent_body: str
    issuer: str
    number: int | None
    symbol: str
    place: str
    date: datetime.date
    summary: str
    recipients: list[str]
    blocks: list[Block]
    signer_authority: list[str]
    signer_name: str
    copies_to: list[str]
    drafting_unit: str
    doc_type: str = "BÁO CÁO"
    legal_bases: list[str] = field(default_factory=list)
    appendices: list[Appendix] = field(default_factory=list)
    contact: str = ""
    issuer_name: str = ""


# ---------------------------------------------------------------- text


def clean(text: object) -> str:
    """Text as a document may hold it: characters XML cannot hold dropped, tabs as spaces."""
    return _NOT_XML.sub("", str(text or "")).replace("\t", " ").replace("\r\n", "\n")


def one_line(text: object) -> str:
    """Clean text on one line (titles, names): line breaks and runs of spaces become a space."""
    return " ".join(clean(text).split())


def lines(text: object) -> list[str]:
    """The non-empty lines of a text, each stripped (one paragraph each)."""
    return [line.strip() for line in clean(text).split("\n") if line.strip()]


# ---------------------------------------------------------------- numbers


def _grouped(digits: str) -> str:
    return f"{int(digits):,}".replace(",", ".")


def format_number(value: int | float | Decimal, decimals: int | None = None) -> str:
    """Vietnamese style: ``1234567`` → "1.234.567", ``95.25`` → "95,3" (half up); ``decimals``
    None: none for a whole number, one otherwise."""
    number = Decimal(str(value))
    if not number.is_finite():
        return DASH
    if decimals is None:
        decimals = 0 if number == number.to_integral_value() else 1
    rounded = number.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    return sign + _grouped(whole) + ("," + fraction if fraction else "")


def format_value(value: Value, number_format: NumberFormat = "auto") -> str:
    """A table cell: None as "—", text as it is, numbers Vietnamese style."""
    if value is None:
        return DASH
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if not isinstance(value, int | float | Decimal):
        return one_line(value)
    if number_format == "percent":
        text = format_number(value, 1)
        return text if text == DASH else text + NBSP + "%"
    decimals = {"int": 0, "decimal1": 1, "decimal2": 2}.get(number_format)
    return format_number(value, decimals)


def is_number(value: Value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


# ---------------------------------------------------------------- header lines


def number_line(number: int | None, symbol: str) -> str:
    """ "Số: 05/BC-SNV"; a number not yet given leaves room for the clerk ("Số:      /BC-SNV")."""
    if number is not None and number < 1:
        raise ValueError("a document number starts at 1")
    shown = " " * 6 if number is None else f"{number:02d}"
    return f"Số: {shown}/{one_line(symbol).upper()}"


def date_words(date: datetime.date) -> str:
    """ "ngày 05 tháng 02 năm 2026": a day below 10 and the months 1 and 2 take a leading zero
    (Nghị định 30/2020, Phụ lục I, ô 4)."""
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"ngày {date.day:02d} tháng {month} năm {date.year}"


def place_date_line(place: str, date: datetime.date) -> str:
    """ "Kon Tum, ngày 05 tháng 02 năm 2026"."""
    return f"{one_line(place)}, {date_words(date)}"


def _ended(items: Sequence[str], middle: str, last: str) -> list[str]:
    """Items without their own end punctuation, each ending ``middle`` and the last ``last``."""
    bare = [one_line(item).rstrip(" ;.,") for item in items]
    bare = [item for item in bare if item]
    return [item + (last if i == len(bare) - 1 else middle) for i, item in enumerate(bare)]


def recipient_lines(recipients: Sequence[str]) -> list[str]:
    """The lines of "Kính gửi": one recipient "X." on the line of "Kính gửi:"; several each
    "- X;" on its own line, the last "- Z."."""
    ended = _ended([r.lstrip("- ") for r in recipients], ";", ".")
    if len(ended) <= 1:
        return ended
    return ["- " + line for line in ended]


def legal_basis_lines(bases: Sequence[str]) -> list[str]:
    """Each legal basis ending ";", the last "."."""
    return _ended(bases, ";", ".")


def copies_lines(doc: ReportDoc) -> list[str]:
    """ "Nơi nhận": "- Như trên;" first for a report sent to named recipients, then each copy
    "- X;", and "- Lưu: VT, <drafting unit>." last."""
    copies = [one_line(c).lstrip("- ").rstrip(" ;.,") for c in doc.copies_to]
    copies = [c for c in copies if c]
    if doc.recipients and not (copies and copies[0].lower() == "như trên"):
        copies.insert(0, "Như trên")
    keep = "Lưu: VT" + (", " + one_line(doc.drafting_unit) if one_line(doc.drafting_unit) else "")
    return [f"- {c};" for c in copies] + [f"- {keep}."]


def roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out, n = out + letters, n - value
    return out


def point_letter(n: int) -> str:
    """a, b, c … (the Vietnamese alphabet has no f, j, w, z; the decree numbers points by it)."""
    letters = "abcdđeghiklmnopqrstuvxy"
    return letters[(n - 1) % len(letters)] * ((n - 1) // len(letters) + 1)


def appendix_label(index: int) -> str:
    return f"Phụ lục {roman(index)}"


def appendix_reference(doc: ReportDoc) -> str:
    """ "(Kèm theo Báo cáo số 05/BC-SNV ngày 05 tháng 02 năm 2026 của Sở Nội vụ)"."""
    kind = one_line(doc.doc_type).capitalize()
    number = number_line(doc.number, doc.symbol).removeprefix("Số: ")
    issuer = one_line(doc.issuer_name) or one_line(doc.issuer)
    return f"(Kèm theo {kind} số {number} {date_words(doc.date)} của {issuer})"


# ---------------------------------------------------------------- numbering


HEADING_KINDS = ("part", "section", "item", "point")


def _label(kind: str, n: int) -> str:
    return {
        "part": f"Phần {roman(n)}",
        "section": f"{roman(n)}.",
        "item": f"{n}.",
        "point": f"{point_letter(n)})",
    }[kind]


def numbered(blocks: Sequence[Block]) -> Iterator[tuple[Block, str]]:
    """Each block with its label: "Phần I", "I.", "1.", "a)" (each level restarts under the one
    above it; a part restarts the sections); "" for the other kinds."""
    counters = dict.fromkeys(HEADING_KINDS, 0)
    for block in blocks:
        if block.kind not in counters:
            yield block, ""
            continue
        level = HEADING_KINDS.index(block.kind)
        counters[block.kind] += 1
        for lower in HEADING_KINDS[level + 1 :]:
            counters[lower] = 0
        yield block, _label(block.kind, counters[block.kind])


def without_label(title: str, label: str) -> str:
    """A title that already starts with its label ("I. Kết quả…") is not numbered twice."""
    title = one_line(title)
    if label and title.upper().startswith(label.upper() + " "):
        return title[len(label) :].strip()
    return title
