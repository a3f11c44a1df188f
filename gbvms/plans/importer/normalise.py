"""Stage 1, normalise: raw text → ``Line`` objects (Markdown, bullets and tables read; hard-wrapped
lines rejoined)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gbvms.plans import vntext
from gbvms.plans.vntext import squash

# ------------------------------------------------------------------------------------ lines


@dataclass
class Line:
    no: int  # 1-based line number in the source
    text: str  # content without Markdown or bullet marks
    bullet: bool = False
    heading: int = 0
    table: bool = False  # a table row kept as text: never joined to another line


MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
BULLET = re.compile(r"^(?:(?:[-+•–—▪●○◦·]|\*(?=\s))\s*)+(?=\S)")
HEADING = re.compile(r"^(#{1,6})\s*")
TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")


def clean_line(raw: str) -> tuple[str, bool, int]:
    text = vntext.nfc(raw).replace("\xa0", " ").replace("\t", " ").replace("\u200b", "")
    text = text.strip()
    heading = 0
    m = HEADING.match(text)
    if m:
        heading = len(m.group(1))
        text = text[m.end() :]
    text = text.lstrip("> ").strip()
    bullet = False
    m = BULLET.match(text)
    if m:
        bullet = True
        text = text[m.end() :]
    for _round in range(3):  # nested emphasis
        text = MD_EMPHASIS.sub(lambda g: g.group(2) or g.group(3) or "", text)
    text = text.replace("`", "").replace("**", "")  # emphasis left open by a line break
    return squash(text), bullet, heading


# table columns: (field, label written out, header words)
COLUMNS = [
    ("title", "", ("noi dung", "hoat dong", "nhiem vu", "ten ")),
    ("lead", "Cơ quan chủ trì", ("chu tri", "don vi thuc hien", "co quan thuc hien")),
    ("coordinating", "Cơ quan phối hợp", ("phoi hop",)),
    ("solution", "Giải pháp thực hiện", ("giai phap", "san pham", "ket qua")),
    ("when", "Thời gian thực hiện", ("thoi gian", "tien do", "thoi han")),
    ("place", "Địa điểm", ("dia diem",)),
]


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        if name.strip() in ("tt", "stt", "so tt", "so thu tu"):
            found.setdefault("number", i)
            continue
        for key, _label, words in COLUMNS:
            if key not in found and any(w in f"{name} " for w in words):
                found[key] = i
                break
    return found


HEADER_TABLE_LINES = 20  # a table that starts this high up is the document's header block
RULE_IN_CELL = re.compile(r"\s*[-_=*.]{3,}\s*")  # the short rule under a header line
CELL_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def header_table_lines(rows: list[list[str]], first_no: int) -> list[Line]:
    """The header laid out as a table (issuer and number on the left, the national motto and
    the place-and-date line on the right): read column by column, one line per cell, so the
    left column's issuer block comes before the motto as in a header written as lines."""
    width = max(len(r) for r in rows)
    out: list[Line] = []
    for column in range(width):
        for offset, row in enumerate(rows):
            cell = row[column] if column < len(row) else ""
            if column and column < len(row) and cell == row[column - 1]:
                continue  # a merged cell, repeated in each column it spans (DOCX)
            for part in CELL_BREAK.split(cell):
                part = squash(RULE_IN_CELL.sub(" ", part))
                if part and not set(part) <= set("-_=*. "):
                    out.append(Line(first_no + offset, part))
    return out


def table_to_lines(rows: list[list[str]], first_no: int) -> list[Line]:
    """A table of activities (columns such as TT | Nội dung | Chủ trì | Phối hợp | Thời gian)
    written out as numbered items with labelled fields, so it is read like prose; any other
    table is kept as text."""
    columns = _columns([vntext.fold(c) for c in rows[0]]) if rows else {}
    if len(rows) < 2 or "title" not in columns or not {"lead", "when", "place"} & set(columns):
        if first_no <= HEADER_TABLE_LINES:
            return header_table_lines(rows, first_no)
        return [Line(first_no + i, " | ".join(r), table=True) for i, r in enumerate(rows)]
    lines: list[Line] = []
    for offset, row in enumerate(rows[1:], start=1):
        cells = {k: row[i].strip() for k, i in columns.items() if i < len(row)}
        if not cells.get("title"):
            continue
        code = cells.get("number", "").rstrip(".")
        prefix = f"{code}. " if re.fullmatch(r"\d{1,2}(?:\.\d{1,2})*", code) else ""
        lines.append(Line(first_no + offset, f"{prefix}{cells['title']}"))
        lines.extend(
            Line(first_no + offset, f"{label}: {cells[key]}", bullet=True)
            for key, label, _words in COLUMNS[1:]
            if cells.get(key)
        )
    return lines


def to_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    table: list[list[str]] = []
    table_start = 0
    raw_lines = text.splitlines()
    blank_after: set[int] = set()  # indexes in ``lines`` followed by a blank source line
    for no, raw in enumerate([*raw_lines, ""], start=1):
        stripped = raw.strip()
        if stripped.startswith("|") and stripped.count("|") >= 2:
            if TABLE_RULE.match(stripped.replace(" ", "")) or set(stripped) <= set("|-: "):
                continue
            if not table:
                table_start = no
            cells = stripped.strip("|").split("|")
            table.append([vntext.squash(clean_line(c)[0]) for c in cells])
            continue
        if table:
            lines.extend(table_to_lines(table, table_start))
            table = []
        text_, bullet, heading = clean_line(raw)
        if not text_:
            if lines:
                blank_after.add(len(lines) - 1)
            continue
        lines.append(Line(no, text_, bullet, heading))
    return rejoin(lines, blank_after)


# ------------------------------------------------------------------------------------ rejoin

# A line that starts one of these is a unit of its own (heading, item, label, header line), never
# the continuation of the line above.
STRUCTURAL = re.compile(
    r"^(?:[IVX]{1,5}\s*[.:)\-–]\s|(?:PHẦN|Phần)\s|\d{1,2}(?:\.\d{1,2})*\s*[.)]\s*\S|[a-zđ]\s*\)\s"
    r"|Hoạt\s+động\s+(?:số\s+)?\d|Số\s*[:：]|Nơi\s+nhận|Kính\s+gửi|TM\.|KT\.|T/M|K/T|V/v"
    r"|Căn\s+cứ|Thực\s+hiện\s|Điều\s+\d|[A-ZĐÀ-Ỹ][^\d,;:]{1,40},\s*ngày\s+\d)"
)
# words after which a sentence cannot stop: the line was cut in the middle of a phrase
CONNECTORS = frozenset((
    "cua", "va", "ve", "so", "ngay", "thang", "nam", "tai", "cho", "voi", "theo", "den", "trong",
    "tu", "cac", "nhung", "la", "duoc", "bi", "doi", "nham", "giua", "tren", "duoi", "sau",
    "truoc", "khi", "hoac", "hay", "cung", "thuoc", "qua", "lan", "dinh", "nhu",
    "doan", "bo", "phong", "ban", "uy", "cuc", "chuong", "ke", "quyet", "nghi", "thong", "luat",
))  # fmt: skip
LABEL_LIKE = re.compile(r"^[A-ZĐÀ-Ỹ][^:.;,]{1,40}:")
ENDS_SENTENCE = re.compile(r"[.;:!?…]$")


# names written with a dash: a wrap before the dash makes the rest look like a bullet
# ("… về Sở Lao động" / "- Thương binh và Xã hội …")
DASHED_NAMES = frozenset((
    ("lao dong", "thuong binh"), ("phat thanh", "truyen hinh"), ("kinh te", "xa hoi"),
    ("van hoa", "xa hoi"), ("van hoa", "thong tin"), ("ke hoach", "dau tu"),
    ("tai chinh", "ke hoach"), ("quoc phong", "an ninh"),
))  # fmt: skip


def _dashed_name_cut(above: Line, below: Line) -> bool:
    if not below.bullet or ENDS_SENTENCE.search(above.text) or above.table or above.heading:
        return False
    if above.text[-1:].isdigit() and below.text[:1].isdigit() and len(below.text) < 40:
        return True  # "giai đoạn 2024" / "- 2025 trên địa bàn"
    tail = " ".join(vntext.fold(above.text).split()[-2:])
    head = " ".join(vntext.fold(below.text).split()[:2])
    return (tail, head) in DASHED_NAMES


def _continues(above: Line, below: Line) -> bool:
    """Is ``below`` the rest of a sentence that a hard wrap cut at the end of ``above``?"""
    if above.heading or below.heading or below.bullet or above.table or below.table:
        return False
    if STRUCTURAL.match(below.text):
        return False
    if ENDS_SENTENCE.search(above.text):
        # "…được hỗ trợ;" / "không dưới 60% …": a clause of the same sentence goes on
        return above.text.endswith(";") and below.text[:1].islower() and not above.bullet
    if LABEL_LIKE.match(below.text):
        return False  # "Cơ quan phối hợp: …" starts a field of its own
    first = below.text[:1]
    if first.islower():
        # "…, ngày 09" / "tháng 3 năm 2022"; "…số 1464/QĐ-TTg" / "ngày 22/7/2016 của …"
        return True
    if above.text.isupper() or below.text.isupper():
        return False  # header and title blocks: one line each as written
    last = vntext.fold(above.text.rsplit(None, 1)[-1]).strip("“”\"'(")
    if last == "nam":
        return first.isdigit()  # "tháng 3 năm" / "2022", not "Việt Nam" / "Ban …"
    # "Bộ Lao động -" / "Thương binh và Xã hội": a name cut at its dash
    return above.text.endswith((",", " -", " –")) or last in CONNECTORS


def wrap_width(lines: list[Line]) -> int | None:
    """The width a hard-wrapped text was cut at, or None when its lines are not cut at one
    width: in a wrapped text most lines of prose end within a few characters of that width."""
    lengths = sorted(len(x.text) + (2 if x.bullet else 0) for x in lines if not x.table)
    if len(lengths) < 8:
        return None
    width = lengths[int(len(lengths) * 0.95) - 1]
    long = [n for n in lengths if n >= width * 0.5]  # headings and short items aside
    near = sum(1 for n in long if width * 0.8 <= n <= width + 3)
    return width if 30 <= width <= 140 and near >= len(long) * 0.5 else None


def _cut_at_width(above_len: int, above: Line, below: Line, width: int | None) -> bool:
    """In a text cut at ``width``, a full line that does not end a sentence goes on below
    ('… của Thủ tướng' / 'Chính phủ …'), unless the line below starts a unit of its own."""
    if width is None or above_len < width * 0.8 or ENDS_SENTENCE.search(above.text):
        return False
    if above.heading or below.heading or below.bullet or above.table or below.table:
        return False
    if STRUCTURAL.match(below.text) or LABEL_LIKE.match(below.text):
        return False
    return not (above.text.isupper() or below.text.isupper())


def rejoin(lines: list[Line], blank_after: set[int]) -> list[Line]:
    """Hard-wrapped lines (text copied from a web page or a PDF) joined back into one line per
    sentence or paragraph; a blank line, a heading, an item, a bullet, a label or a table row
    always starts a new line. The joined line keeps the number of its first source line."""
    out: list[Line] = []
    width = wrap_width(lines)
    previous_len = 0  # the length of the source line above, before any joining
    for i, line in enumerate(lines):
        above_len, previous_len = previous_len, len(line.text) + (2 if line.bullet else 0)
        if out and (i - 1) not in blank_after and _cut_at_width(above_len, out[-1], line, width):
            out[-1].text = squash(f"{out[-1].text} {line.text}")
            continue
        if out and (i - 1) not in blank_after and _dashed_name_cut(out[-1], line):
            out[-1].text = squash(f"{out[-1].text} - {line.text}")
            continue
        if out and (i - 1) not in blank_after and _continues(out[-1], line):
            above = out[-1]
            cut_number = above.text.endswith(("-", "/")) and not above.text.endswith((" -", " /"))
            joiner = "" if cut_number and line.text[:1].isdigit() else " "
            above.text = squash(above.text + joiner + line.text)
            continue
        out.append(line)
    return out
