"""The plan importer: the text of an official plan (Kế hoạch) or guidance letter → structured
data for an officer to review.

It reads the conventions of Vietnamese administrative documents (Decree 30/2020 layout): the
number/symbol and the place-and-date line, the title under "KẾ HOẠCH", the legal basis in the
preamble, Roman-numeral sections, numbered items at any depth, "Hoạt động N:" headings, labelled
fields on one line or as bullets below, agency lists, targets, year phrases, dates, reporting
regimes, campaign periods and events. It never raises on any text and never invents: what it
cannot read stays empty and is named in ``warnings``. Every extracted item carries the number of
the source line it came from (``line``), for the review screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from gbvms.plans import vntext
from gbvms.plans.training_text import extract_training_requirements
from gbvms.plans.vntext import find_dates, iso_or_md, squash, tidy

# ------------------------------------------------------------------------------------ lines


@dataclass
class Line:
    no: int  # 1-based line number in the source
    text: str  # content without Markdown or bullet marks
    bullet: bool = False
    heading: int = 0


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
    text = text.replace("`", "")
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


def table_to_lines(rows: list[list[str]], first_no: int) -> list[Line]:
    """A table of activities (columns such as TT | Nội dung | Chủ trì | Phối hợp | Thời gian)
    written out as numbered items with labelled fields, so it is read like prose; any other
    table is kept as text."""
    columns = _columns([vntext.fold(c) for c in rows[0]]) if rows else {}
    if len(rows) < 2 or "title" not in columns or not {"lead", "when", "place"} & set(columns):
        return [Line(first_no + i, " | ".join(r)) for i, r in enumerate(rows)]
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
    for no, raw in enumerate([*raw_lines, ""], start=1):
        stripped = raw.strip()
        if stripped.startswith("|") and stripped.count("|") >= 2:
            if TABLE_RULE.match(stripped.replace(" ", "")) or set(stripped) <= set("|-: "):
                continue
            if not table:
                table_start = no
            table.append([vntext.squash(clean_line(c)[0]) for c in stripped.strip("|").split("|")])
            continue
        if table:
            lines.extend(table_to_lines(table, table_start))
            table = []
        text_, bullet, heading = clean_line(raw)
        if text_:
            lines.append(Line(no, text_, bullet, heading))
    return lines


# ------------------------------------------------------------------------------------ structure

ROMAN = re.compile(r"^(?P<num>[IVX]{1,5})\s*[.:)\-–]\s*(?P<title>\S.*)$")
PART = re.compile(r"^(?:PHẦN|Phần)\s+(?P<num>[IVX]{1,5}|\d+|thứ\s+\w+)\s*[.:\-–]?\s*(?P<title>.*)$")
NUMBERED = re.compile(
    r"^(?P<num>\d{1,2}(?:\.\d{1,2}){1,4})\.?\)?\s+(?P<title>\S.*)$"
    r"|^(?P<num1>\d{1,2})\s*[.)]\s*(?P<title1>[^\d\s/].*)$"
)
LETTERED = re.compile(r"^(?P<num>[a-zđ])\s*\)\s*(?P<title>\S.*)$")
ACTIVITY = re.compile(r"^Hoạt\s+động\s+(?:số\s+)?(?P<n>\d{1,3})\s*[:.\-–]\s*(?P<title>.*)$", re.I)

LABELS = [
    (
        "lead",
        r"(?:các\s+)?(?:cơ\s+quan|đơn\s+vị|cơ\s+quan,\s+đơn\s+vị)\s+(?:chủ\s+trì|thực\s+hiện"
        r"|chịu\s+trách\s+nhiệm)|chủ\s+trì(?:\s+thực\s+hiện)?|đơn\s+vị\s+chủ\s+trì",
    ),
    (
        "coordinating",
        r"(?:các\s+)?(?:cơ\s+quan|đơn\s+vị|cơ\s+quan,\s+đơn\s+vị)\s+phối\s+hợp"
        r"(?:\s+thực\s+hiện)?|phối\s+hợp(?:\s+thực\s+hiện)?",
    ),
    (
        "solution",
        r"giải\s+pháp(?:\s+thực\s+hiện)?|cách\s+thức(?:\s+thực\s+hiện)?|nội\s+dung"
        r"(?:\s+(?:thực\s+hiện|hoạt\s+động|chính))?|hình\s+thức(?:\s+thực\s+hiện)?",
    ),
    (
        "timeline",
        r"thời\s+gian(?:\s+(?:thực\s+hiện|tổ\s+chức|triển\s+khai))?|tiến\s+độ"
        r"(?:\s+thực\s+hiện)?|thời\s+hạn(?:\s+hoàn\s+thành)?",
    ),
    ("place", r"địa\s+điểm(?:\s+tổ\s+chức)?"),
    ("budget", r"(?:nguồn\s+)?kinh\s+phí(?:\s+thực\s+hiện)?|dự\s+toán"),
    ("participants", r"thành\s+phần(?:\s+tham\s+dự)?|đối\s+tượng(?:\s+tham\s+gia)?|số\s+lượng"),
    ("product", r"sản\s+phẩm|kết\s+quả(?:\s+đầu\s+ra)?"),
]
LABEL = re.compile(
    r"^(?P<label>" + "|".join(f"(?P<{k}>{p})" for k, p in LABELS) + r")\s*(?:\([^)]{0,60}\))?"
    r"\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)

NEXT_LABEL = re.compile(
    r"[;.]\s*(?=(?:" + "|".join(p for _k, p in LABELS[:4]) + r")\s*:)", re.IGNORECASE
)

SECTION_KINDS = [
    ("purpose", r"mục\s+đích|yêu\s+cầu|quan\s+điểm"),
    ("targets", r"mục\s+tiêu|chỉ\s+tiêu"),
    ("responsibilities", r"tổ\s+chức\s+thực\s+hiện|trách\s+nhiệm|phân\s+công"),
    ("budget", r"(?:về\s+)?kinh\s+phí|nguồn\s+kinh\s+phí|dự\s+toán"),
    ("reporting", r"chế\s+độ\s+(?:thông\s+tin\s+)?báo\s+cáo|thông\s+tin\s+báo\s+cáo"),
    ("scope", r"đối\s+tượng|phạm\s+vi"),
    ("other", r"chủ\s+đề|thông\s+điệp|khẩu\s+hiệu|thời\s+gian|căn\s+cứ"),
    ("activities", r"nội\s+dung|nhiệm\s+vụ|(?:các\s+)?hoạt\s+động|giải\s+pháp|chương\s+trình"),
]


def section_kind(title: str) -> str | None:
    text = re.sub(r"^(?:về|các)\s+", "", title.strip(), flags=re.I)
    for kind, pattern in SECTION_KINDS:
        if re.match(pattern, text, re.IGNORECASE):
            return kind
    return None


@dataclass
class Node:
    kind: str  # root, roman, item
    num: str
    title: str
    line: int
    depth: int
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    # label -> [(text, line)], in order; "" is the body (text under no label)
    fields: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    section: str | None = None  # the section kind this node is in

    def add(self, label: str, text: str, line: int) -> None:
        if text:
            self.fields.setdefault(label, []).append((text, line))

    def ancestors(self) -> list[Node]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out


def item_depth(num: str) -> int:
    if re.fullmatch(r"[a-zđ]", num):
        return 50  # lettered items sit under the numbered item they follow
    return num.count(".") + 1


STOP = re.compile(r"^(?:Nơi\s+nhận|TM\.|KT\.|T/M|K/T|Người\s+ký)\b", re.IGNORECASE)
CLOSING = re.compile(
    r"^(?:Căn\s+cứ\s+(?:Kế\s+hoạch|nội\s+dung|hướng\s+dẫn)\s+(?:này|trên)|Trên\s+đây\s+là"
    r"|Trong\s+quá\s+trình\s+(?:triển\s+khai|thực\s+hiện))",
    re.IGNORECASE,
)


def _item_parts(line: Line) -> tuple[str, str] | None:
    """(number, title) of a numbered, lettered or 'Hoạt động N:' line."""
    n = NUMBERED.match(line.text) if not line.bullet else None
    if n:
        return n["num"] or n["num1"], n["title"] or n["title1"]
    lettered = LETTERED.match(line.text)
    if lettered:
        return lettered["num"], lettered["title"]
    if not line.bullet and ACTIVITY.match(line.text):
        return "", line.text
    return None


class TreeBuilder:
    """Sections, items and their labelled fields, line by line."""

    def __init__(self) -> None:
        self.root = Node("root", "", "", 0, 0)
        self.section = self.root  # the current Roman section, or the root
        self.current = self.root  # the innermost open item
        self.label: str | None = None

    def roman(self, line: Line) -> bool:
        m = ROMAN.match(line.text) or PART.match(line.text)
        if not m or not line.text[: len(m["num"])].isupper():
            return False
        node = Node("roman", m["num"], tidy(m["title"]), line.no, 0, self.root)
        node.section = section_kind(node.title)
        self.root.children.append(node)
        self.section = self.current = node
        self.label = None
        return True

    def item(self, line: Line) -> bool:
        parts = _item_parts(line)
        if parts is None:
            return False
        num, title = parts
        current = self.current
        depth = item_depth(num) if num else (current.depth + 1 if current.kind == "item" else 1)
        parent = current
        while parent.kind == "item" and parent.depth >= depth:
            parent = parent.parent or self.section
        node = Node("item", num, title.strip(), line.no, depth, parent)
        parent.children.append(node)
        self.current, self.label = node, None
        # "Cơ quan chủ trì: …" written as the item's own line
        inline = LABEL.match(node.title)
        if inline:
            self.label = next(k for k, _p in LABELS if inline.group(k))
            node.title = ""
            node.add(self.label, inline["value"].strip(), line.no)
        return True

    def field(self, line: Line) -> bool:
        m = LABEL.match(line.text)
        if not m or self.current is self.root:
            return False
        # "Chủ trì: Sở Y tế; phối hợp: Công an tỉnh" holds two fields on one line
        text = line.text
        while m:
            self.label = next(k for k, _p in LABELS if m.group(k))
            value = m["value"]
            following = NEXT_LABEL.search(value)
            if following:
                text, value = value[following.start() + 1 :].strip(), value[: following.start()]
            self.current.add(self.label, value.strip(" ;,."), line.no)
            m = LABEL.match(text) if following else None
        return True

    def feed(self, line: Line) -> None:
        if CLOSING.match(line.text):
            self.current, self.label = self.section, None
            self.current.add("closing", line.text, line.no)
            return
        if self.roman(line) or self.item(line) or self.field(line):
            return
        target = self.current if self.current is not self.root else self.section
        target.add(self.label or "", line.text, line.no)


def parse_tree(lines: list[Line], start: int) -> Node:
    builder = TreeBuilder()
    for line in lines[start:]:
        if STOP.match(line.text):
            break  # "Nơi nhận", the signature block
        builder.feed(line)
    _assign_sections(builder.root, None)
    return builder.root


def _assign_sections(node: Node, inherited: str | None) -> None:
    own = node.section if node.kind == "roman" else None
    if node.kind == "item" and inherited in (None, "activities") and node.title:
        kind = section_kind(node.title)
        if kind and kind != "activities" and node.depth == 1:
            own = kind
    node.section = own or inherited
    for child in node.children:
        _assign_sections(child, node.section)


def walk(node: Node) -> list[Node]:
    out = [node]
    for child in node.children:
        out.extend(walk(child))
    return out


# ------------------------------------------------------------------------------------ header

TITLE_WORDS = re.compile(
    r"^(KẾ\s+HOẠCH|CHƯƠNG\s+TRÌNH|HƯỚNG\s+DẪN|QUYẾT\s+ĐỊNH|CÔNG\s+VĂN|ĐỀ\s+ÁN|BÁO\s+CÁO)\b(.*)$"
)
NUMBER_LINE = re.compile(
    r"(?:^|\s)Số\s*[:：]\s*(?P<n>\d{1,6}\s*/\s*[0-9A-Za-zĐđÀ-ỹ\-–/.]+[0-9A-Za-zĐđÀ-ỹ])"
    r"|^Số\s+(?P<m>\d{1,6}/[0-9A-Za-zĐđÀ-ỹ\-–/]+[0-9A-Za-zĐđÀ-ỹ])"
)
PLACE_DATE = re.compile(
    r"(?P<place>[A-ZĐÀ-Ỹ][^\d,;:]{1,40}),\s*ngày\s+(?P<d>\d{1,2})(?:\s+tháng\s+|\s*[/.\-]\s*)"
    r"(?P<m>\d{1,2})(?:\s+năm\s+|\s*[/.\-]\s*)(?P<y>\d{4})"
)
SUBJECT = re.compile(r"^V/v\.?\s*(?P<s>.+)$", re.IGNORECASE)
ISSUER_PHRASE = re.compile(
    r"(?P<who>(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|Bộ|Sở|Hội|Ban|Phòng|Trung\s+tâm"
    r"|Cục)\s[^,;.()“”\"]{2,80}?)\s+(?:ban\s+hành|hướng\s+dẫn|xây\s+dựng|triển\s+khai|thông\s+báo)"
    r"\s+(?:Kế\s+hoạch|kế\s+hoạch|xây\s+dựng|thực\s+hiện|triển\s+khai|các\s+nội\s+dung|tới)"
)
SIGNATURE = re.compile(r"^(?:TM|T/M|KT|K/T)\.?\s+(?P<who>.+)$")
UPPER_ISSUER = re.compile(
    r"^(?:ỦY\s+BAN|UỶ\s+BAN|UBND|BỘ|SỞ|HỘI|BAN|PHÒNG|TRUNG\s+TÂM|CỤC|TỈNH|THÀNH\s+PHỐ|HUYỆN"
    r"|XÃ|PHƯỜNG|ĐẶC\s+KHU)\b"
)
NATIONAL_MOTTO = re.compile(r"CỘNG\s+HÒA|CỘNG\s+HOÀ|Độc\s+lập|ĐỘC\s+LẬP", re.IGNORECASE)
BASIS = re.compile(
    r"(?P<ref>(?:Bộ\s+luật|Luật|Nghị\s+quyết|Nghị\s+định|Quyết\s+định|Thông\s+tư(?:\s+liên\s+tịch)?"
    r"|Chỉ\s+thị|Kế\s+hoạch|Công\s+văn|Hướng\s+dẫn|Chương\s+trình|Kết\s+luận|Văn\s+bản)\s+số"
    r"\s*\d{1,6}\s*/\s*[0-9A-Za-zĐđÀ-ỹ\-–/]+[0-9A-Za-zĐđÀ-ỹ]"
    r"(?:\s+ngày\s+(?:\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))?"
    r"(?:\s+của\s+(?:[^;,.()“”\"]+?)(?=\s+(?:về|phê\s+duyệt|ban\s+hành|quy\s+định|hướng\s+dẫn"
    r"|triển\s+khai|sửa\s+đổi|thực\s+hiện)\b|[;,.()“”\"]|$))?"
    r"|Luật\s+[A-ZĐÀ-Ỹ][^;,.()“”\"]{3,80}?\s+(?:năm|số)\s+\d{2,4}(?:/\d{4}/QH\d+)?)",
)


PLACE_KIND = r"(TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN|ĐẶC KHU)"
PLACE_LINE = re.compile(rf"^{PLACE_KIND}\b")


def people_committee_case(name: str) -> str:
    """'ỦY BAN NHÂN DÂN HUYỆN NGỌC HỒI' → 'Ủy ban nhân dân huyện Ngọc Hồi' (the one heading
    whose usual spelling is certain); other upper-case headings are kept as written."""
    m = re.fullmatch(rf"(ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND)\s+{PLACE_KIND}\s+(.+)", name)
    if not m:
        return name
    head = "UBND" if m.group(1) == "UBND" else "Ủy ban nhân dân"
    place = " ".join(w[:1] + w[1:].lower() for w in m.group(3).split())
    return f"{head} {m.group(2).lower()} {place}"


def _number_and_date(head: list[Line], info: dict[str, Any]) -> None:
    for line in head:
        m = NUMBER_LINE.search(line.text)
        if m and info["document_number"] is None:
            info["document_number"] = re.sub(r"\s+", "", m["n"] or m["m"])
            info["number_line"] = line.no
        m = PLACE_DATE.search(line.text)
        date = vntext.make_date(int(m["y"]), int(m["m"]), int(m["d"])) if m else None
        if date and info["issued_on"] is None:
            info["issued_on"] = date.isoformat()
            info["date_line"] = line.no


def _ends_title(line: Line) -> bool:
    return bool(
        ROMAN.match(line.text)
        or NUMBERED.match(line.text)
        or line.text.startswith(("Căn cứ", "Thực hiện", "Kính gửi", "Ngày ", "Để "))
        or len(line.text) > 200
        or line.bullet
    )


def _may_be_title(line: Line) -> bool:
    return not (
        ROMAN.match(line.text)
        or NUMBERED.match(line.text)
        or line.bullet
        or len(line.text) > 300
        or re.search(r"\bsố\s*\d+\s*/", line.text)
    )


def _title(lines: list[Line], info: dict[str, Any]) -> int:
    """The title ('KẾ HOẠCH' and the lines under it, or 'V/v …'); returns where the body starts."""
    head = lines[:60]
    for i, line in enumerate(head):
        m = TITLE_WORDS.match(line.text)
        if m and line.text.split()[0].isupper():
            rest = m.group(2).strip(" :")
            parts = [rest] if rest else []
            j = i + 1
            while j < len(lines) and j < i + 6:
                nxt = lines[j]
                # the line right under "KẾ HOẠCH" is the title even when it begins like a
                # preamble ("Thực hiện Chương trình …"); later lines must not
                first = j == i + 1 and not rest
                if _ends_title(nxt) and not (first and _may_be_title(nxt)):
                    break
                parts.append(nxt.text)
                j += 1
            kind = m.group(1).lower()
            info["title"] = squash(f"{kind[0].upper()}{kind[1:]} {' '.join(parts)}")
            info["title_line"] = line.no
            return j
        m = SUBJECT.match(line.text)
        if m and not info["title"]:
            subject = tidy(m["s"])
            info["title"] = subject[:1].upper() + subject[1:]
            info["title_line"] = line.no
            start = i + 1
    if info["title"]:
        return start
    for i, line in enumerate(head):
        plain = not (NUMBER_LINE.search(line.text) or PLACE_DATE.search(line.text)
                     or NATIONAL_MOTTO.search(line.text))  # fmt: skip
        if line.heading or (len(line.text) > 15 and plain):
            info["title"] = tidy(line.text)[:500]
            info["title_line"] = line.no
            return i + 1
    return 0


def _issuer(lines: list[Line], body_start: int, info: dict[str, Any]) -> None:
    """The heading block at the top, the preamble's "X ban hành Kế hoạch", or the signature."""
    upper: list[Line] = []
    for line in lines[:12]:
        if NATIONAL_MOTTO.search(line.text) or TITLE_WORDS.match(line.text):
            break
        if UPPER_ISSUER.match(line.text) and line.text == line.text.upper():
            upper.append(line)
    if upper:
        # "UBND HUYỆN X" above "PHÒNG Y": the body above is the superior; the issuer is the last
        # body named (a line starting with a place word continues the name above it)
        starts = [i for i, line in enumerate(upper) if not PLACE_LINE.match(line.text)]
        own = upper[starts[-1] :] if starts else upper
        info["issuer"] = people_committee_case(squash(" ".join(line.text for line in own)))
        info["issuer_line"] = own[0].no
        return
    for line in lines[: body_start + 15]:
        # "… Quyết định số … của Bộ X ban hành Kế hoạch …" names another document's issuer
        found = [m for m in ISSUER_PHRASE.finditer(line.text)
                 if not re.search(r"của\s*$", line.text[: m.start()])]  # fmt: skip
        if found:
            info["issuer"] = tidy(found[-1]["who"])
            info["issuer_line"] = line.no
            return
    for line in lines[-40:]:
        m = SIGNATURE.match(line.text)
        if m:
            who = tidy(m["who"])
            info["issuer"] = who.title() if who.isupper() else who
            info["issuer_line"] = line.no
            return


def _basis(lines: list[Line], body_start: int) -> list[dict[str, Any]]:
    """References to other documents in the preamble (before the first section or item)."""
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for line in lines[: body_start + 25]:
        if ROMAN.match(line.text) or (NUMBERED.match(line.text) and line.no > 3):
            break
        for m in BASIS.finditer(line.text):
            ref = tidy(m["ref"])
            if vntext.fold(ref) not in seen:
                seen.add(vntext.fold(ref))
                out.append({"text": ref, "line": line.no})
    return out


def header(lines: list[Line]) -> tuple[dict[str, Any], int]:
    """Title, issuer, number, date, legal basis; and where the body starts (index in lines)."""
    info: dict[str, Any] = {
        "title": "", "title_line": None, "issuer": None, "issuer_line": None,
        "document_number": None, "issued_on": None, "basis": [],
    }  # fmt: skip
    _number_and_date(lines[:60], info)
    body_start = _title(lines, info)
    _issuer(lines, body_start, info)
    info["basis"] = _basis(lines, body_start)
    return info, body_start


def period(title: str, lines: list[Line]) -> dict[str, Any]:
    out: dict[str, Any] = {"start_year": None, "end_year": None, "start": None, "end": None}
    text = title
    start, end = vntext.year_range(re.split(r"tầm\s+nhìn", text, flags=re.I)[0])
    if start is None and end is None:
        start, end = vntext.year_range(text)
    if start is None and end is not None:
        start = None
    out["start_year"], out["end_year"] = start, end
    campaign = CAMPAIGN.search(title)
    if not campaign:
        for line in lines[:40]:
            campaign = CAMPAIGN.search(line.text)
            if campaign:
                break
    if campaign:
        a, b = campaign_dates(campaign)
        if a and len(a) == 10 and b and len(b) == 10:
            out["start"], out["end"] = a, b
            out["start_year"] = out["start_year"] or int(a[:4])
            out["end_year"] = out["end_year"] or int(b[:4])
    return out


# ------------------------------------------------------------------------------------ targets


BASELINE = re.compile(r"so\s+với\s+(?:cùng\s+kỳ\s+)?(?:năm\s+)?(?:19|20)\d{2}", re.IGNORECASE)


def extract_targets(root: Node, plan_year: int | None) -> list[dict[str, Any]]:
    from gbvms.indicators.targets import propose_indicator  # the proposal; the officer confirms

    targets: list[dict[str, Any]] = []
    for node in walk(root):
        if node.section != "targets":
            continue
        context_year = None
        for holder in [node, *node.ancestors()]:
            _, year_to = vntext.year_range(holder.title)
            if year_to:
                context_year = year_to
                break
        texts = [(node.title, node.line)] if node.kind == "item" and node.title else []
        for values in node.fields.values():
            texts.extend(values)
        for text, line in texts:
            _, line_year = vntext.year_range(BASELINE.sub("", text))
            for sentence in re.split(r"(?<=[.])\s+(?=[A-ZĐÀ-Ỹ0-9])|\s*;\s*", text):
                found = vntext.find_target(sentence)
                if not found:
                    continue
                comparator, value, unit = found
                # "so với năm 2020" is the baseline, not the target's year
                own_from, own_to = vntext.year_range(BASELINE.sub("", sentence))
                year = own_to or own_from or line_year or context_year or plan_year
                code, params = propose_indicator(sentence)
                targets.append({
                    "text": tidy(sentence), "comparator": comparator, "value": value,
                    "unit": unit, "year": year, "line": line,
                    "indicator": code, "indicator_params": params,
                })  # fmt: skip
    return targets


# ------------------------------------------------------------------------------------ activities

TITLE_FIELD_SPLIT = re.compile(r"\s*[:]\s*$")


def _values(node: Node, key: str) -> list[tuple[str, int]]:
    return node.fields.get(key, [])


def _agencies(values: list[tuple[str, int]]) -> list[str]:
    names: list[str] = []
    for text, _line in values:
        for name in vntext.split_agencies(vntext.agency_before_role(text)):
            if name not in names:
                names.append(name)
    return names


PHASE_SPLIT = re.compile(r"\s*;\s*(?=(?:từ|năm|giai\s+đoạn|đến|sau|quý|tháng)\b)", re.IGNORECASE)


def timeline_of(values: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Phases: one per line, and one per ';'-separated part that starts with a time phrase."""
    out = []
    for text, line in values:
        for part in PHASE_SPLIT.split(text):
            start, end = vntext.year_range(part)
            entry: dict[str, Any] = {"from_year": start, "to_year": end, "text": tidy(part),
                                     "line": line}  # fmt: skip
            if vntext.EVERY_YEAR.search(part):
                entry["frequency"] = "annual"
            out.append(entry)
    return out


WITH = re.compile(r"\bphối\s+hợp\s+(?:với|cùng)\b", re.IGNORECASE)


def _split_lead(
    values: list[tuple[str, int]],
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """'Phòng A chủ trì, phối hợp với Phòng B, Hội C' → lead A; coordinating B, C."""
    lead, coordinating = [], []
    for text, line in values:
        parts = WITH.split(text, maxsplit=1)
        lead.append((parts[0], line))
        if len(parts) == 2:
            coordinating.append((parts[1], line))
    return lead, coordinating


def is_activity(node: Node) -> bool:
    if node.kind != "item" or node.section not in (None, "activities") or not node.title:
        return False
    has_fields = any(k in node.fields for k in ("lead", "coordinating", "solution", "timeline"))
    if has_fields or ACTIVITY.match(node.title):
        return True
    if node.children:
        return False
    # a leaf: an activity in an activities section, or a task of a letter with no sections
    return node.section == "activities" or (node.parent is not None and node.parent.kind == "root")


def extract_activities(root: Node) -> list[dict[str, Any]]:
    activities = []
    for node in walk(root):
        if not is_activity(node) or any(is_activity(a) for a in node.ancestors()):
            continue  # items under an activity are part of it (its steps, places, …)
        title = node.title
        m = ACTIVITY.match(title)
        if m:
            title = m["title"] or title
        group_node = node.parent if node.parent and node.parent.kind == "item" else None
        group = None
        if group_node is not None and not is_activity(group_node):
            group = tidy(f"{group_node.num}. {group_node.title}" if group_node.num else
                         group_node.title)  # fmt: skip
        body = [t for t, _ in _values(node, "")]
        for sub in walk(node)[1:]:
            body.append(f"{sub.num}) {sub.title}" if len(sub.num) == 1 and sub.num.isalpha()
                        else f"{sub.num}. {sub.title}" if sub.num else sub.title)  # fmt: skip
            body.extend(t for values in sub.fields.values() for t, _ in values)
        solution_parts = [t for t, _ in _values(node, "solution")]
        if not solution_parts and body:
            solution_parts = body
        lead_values, also = _split_lead(_values(node, "lead"))
        activities.append({
            "code": node.num or None,
            "group": group,
            "title": tidy(title) or tidy(" ".join(body))[:300],
            "lead": _agencies(lead_values),
            "coordinating": _agencies(_values(node, "coordinating") + also),
            "solution": squash(" ".join(solution_parts)) or None,
            "timeline": timeline_of(_values(node, "timeline")),
            "place": tidy(" ".join(t for t, _ in _values(node, "place"))) or None,
            "budget": squash(" ".join(t for t, _ in _values(node, "budget"))) or None,
            "line": node.line,
        })  # fmt: skip
    return activities


# ------------------------------------------------------------------------------------ duties

AGENCY_COLON = re.compile(r"^(?P<who>[^:]{3,160}?)\s*:\s*(?P<duty>.*)$")


def _add_responsibility(out: list[dict[str, Any]], who: str, duties: list[str], line: int) -> None:
    names = vntext.split_agencies(who)
    specific = [n for n in names if not vntext.is_generic(n)]
    for name in specific or names[:1] or [tidy(who)]:
        existing = next((r for r in out if r["agency"] == name), None)
        if existing:
            existing["duties"].extend(d for d in duties if d not in existing["duties"])
        elif name:
            out.append({"agency": name, "duties": list(duties), "line": line})


def _item_responsibility(node: Node) -> tuple[str, list[str]] | None:
    """'5. Sở Kế hoạch và Đầu tư: Chủ trì, …' or '3. Sở Y tế' with its bullets below."""
    duties = [tidy(t) for key, values in node.fields.items() if key != "closing"
              for t, _ in values if tidy(t)]  # fmt: skip
    who = node.title
    m = AGENCY_COLON.match(who) if who else None
    if m:
        who = m["who"]
        if tidy(m["duty"]):
            duties.insert(0, tidy(m["duty"]))
    who = vntext.REQUEST.sub("", who).strip()
    if who and (vntext.starts_with_head(who) or vntext.is_generic(who)):
        return who, duties
    return None


def extract_responsibilities(root: Node) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in walk(root):
        if node.section != "responsibilities":
            continue
        if node.kind == "item" and not (node.children and not node.fields):
            found = _item_responsibility(node)  # ("1. Cấp tỉnh" only groups the items below)
            if found:
                _add_responsibility(out, *found, node.line)
        elif node.kind == "roman":
            # bullets such as "- Sở Y tế: chủ trì …" directly under the section
            for text, line in node.fields.get("", []):
                m = AGENCY_COLON.match(text)
                who = vntext.REQUEST.sub("", m["who"]).strip() if m else ""
                if m and vntext.starts_with_head(who):
                    _add_responsibility(out, who, [tidy(m["duty"])], line)
    return out


# ------------------------------------------------------------------------------------ reporting

SEMIANNUAL = re.compile(r"\b(?:0?6|sáu)\s+tháng(?:\s+đầu\s+năm)?|bán\s+niên|sơ\s+kết\s+6", re.I)
ANNUAL = re.compile(
    r"\b(?:0?1|một)\s+năm\b|\bhằng\s+năm|\bhàng\s+năm|\bcả\s+năm|\bcuối\s+năm|\bnăm\s*[):(]"
    r"|\bnăm\s+(?:trước|chậm\s+nhất)\b"
    r"|định\s+kỳ\s+năm|báo\s+cáo\s+năm",
    re.I,
)
QUARTERLY = re.compile(r"\bhằng\s+quý|\bhàng\s+quý|\bquý\b|\b0?3\s+tháng", re.I)
MONTHLY = re.compile(r"hằng\s+tháng|hàng\s+tháng", re.I)
DUE = re.compile(r"(?:trước|chậm\s+nhất|hạn\s+chót|không\s+muộn\s+hơn|vào)\s+(?:ngày\s+)?", re.I)
RECIPIENT = re.compile(
    r"(?:gửi\s+(?:về\s+)?|báo\s+cáo\s+(?:kết\s+quả\s+)?(?:(?:về|cho|lên)\s+)?|về\s+)(?:cho\s+)?"
    r"(?P<to>(?:" + "|".join(re.escape(h) for h in vntext.HEADS) + r")\b[^()(;,.]*?)"
    r"(?=\s+(?:trước|theo|để|qua|chậm|định\s+kỳ|vào|trong)\b|\s*[(;,.]|$)"
)


def _kind_before(before: str, sentence: str, year: int | None) -> str:
    """The regime named just before a due date: '6 tháng trước ngày 15/6' → semiannual."""
    if year:
        return "once"
    if SEMIANNUAL.search(before):
        return "semiannual"
    if ANNUAL.search(before):
        return "annual"
    if QUARTERLY.search(before) or MONTHLY.search(before):
        return "other"
    if ANNUAL.search(sentence) and not SEMIANNUAL.search(sentence):
        return "annual"
    return "other"


def _regimes_without_date(sentence: str) -> list[str]:
    """'định kỳ 6 tháng và hằng năm báo cáo …' without a date still names the regimes."""
    if not re.search(r"định\s+kỳ", sentence, re.I):
        return []
    kinds = ["semiannual"] if SEMIANNUAL.search(sentence) else []
    return kinds + (["annual"] if ANNUAL.search(sentence) else [])


def _requirements_in(sentence: str, line: int) -> list[dict[str, Any]]:
    recipient = RECIPIENT.search(sentence)
    base = {"to": tidy(recipient["to"]) if recipient else None, "text": tidy(sentence),
            "line": line}  # fmt: skip
    dates = find_dates(sentence)
    due_dates = [d for d in dates if DUE.search(sentence[max(0, d[3] - 22) : d[3]])]
    if not due_dates:
        return [{"kind": k, "due": None, **base} for k in _regimes_without_date(sentence)]
    out, previous_end = [], 0
    for day, month, year, start, end in due_dates:
        kind = _kind_before(sentence[previous_end:start], sentence, year)
        previous_end = end
        out.append({"kind": kind, "due": iso_or_md(day, month, year), **base})
    return out


def extract_reporting(lines: list[Line]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for line in lines:
        if not re.search(r"báo\s+cáo", line.text, re.I):
            continue
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ])", line.text):
            if re.search(r"báo\s+cáo", sentence, re.I):
                out.extend(_requirements_in(sentence, line.no))
    unique: list[dict[str, Any]] = []
    for item in out:
        if any(u["kind"] == item["kind"] and u["due"] == item["due"] for u in unique):
            continue
        if item["due"] is None and any(u["kind"] == item["kind"] for u in out if u["due"]):
            continue  # "định kỳ báo cáo" restated without a date
        unique.append(item)
    return unique


# ------------------------------------------------------------------------------------ events

CAMPAIGN = re.compile(
    r"(?:từ|Từ)\s+(?:ngày\s+)?(?P<a>\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?)\s*(?:-|–|đến)\s*"
    r"(?:hết\s+)?(?:ngày\s+)?(?P<b>\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?)"
)


def campaign_dates(m: re.Match[str]) -> tuple[str | None, str | None]:
    first, last = find_dates(m["a"]), find_dates(m["b"])
    if not first or not last:
        return None, None
    d1, m1, y1, *_ = first[0]
    d2, m2, y2, *_ = last[0]
    if y2 and not y1:
        y1 = y2 if (m1, d1) <= (m2, d2) else y2 - 1
    return iso_or_md(d1, m1, y1), iso_or_md(d2, m2, y2)


EVENT_WORDS = re.compile(
    r"^(?:Tổ\s+chức\s+)?(?:Lễ|Hội\s+nghị|Hội\s+thảo|Hội\s+thi|Tọa\s+đàm|Toạ\s+đàm|Mít\s+tinh"
    r"|Míttinh|Diễn\s+đàn|Đối\s+thoại|Chương\s+trình|Ngày\s+hội|Giao\s+lưu|Liên\s+hoan|Đêm\s+văn"
    r"\s+nghệ|Tập\s+huấn|Lớp\s+tập\s+huấn|Diễu\s+hành|Đi\s+bộ|Chạy|Phát\s+động)\b",
    re.IGNORECASE,
)


def extract_events(
    root: Node, plan_year: int | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []
    campaigns: list[dict[str, Any]] = []
    for node in walk(root):
        texts = [(node.title, node.line)] + [v for vals in node.fields.values() for v in vals]
        for text, line in texts:
            for m in CAMPAIGN.finditer(text):
                start, end = campaign_dates(m)
                if start and end and not any(c["start"] == start and c["end"] == end
                                             for c in campaigns):  # fmt: skip
                    campaigns.append({"text": tidy(text)[:300], "start": start, "end": end,
                                      "line": line})  # fmt: skip
        if node.kind != "item":
            continue
        place = tidy(" ".join(t for t, _ in _values(node, "place")))
        when_text = " ".join(t for t, _ in _values(node, "timeline"))
        if not place and not (EVENT_WORDS.match(node.title) and find_dates(when_text)):
            continue
        if not place and CAMPAIGN.search(when_text):
            continue  # a period, not an event
        date = None
        dates = find_dates(when_text) or find_dates(node.title)
        if dates:
            day, month, year, *_ = dates[0]
            year = year or plan_year
            if year and vntext.make_date(year, month, day):
                date = f"{year:04d}-{month:02d}-{day:02d}"
        place = re.sub(r"^(?:Tại|tại)\s+", "", place) or None
        title = ACTIVITY.sub(lambda g: g["title"], node.title) if node.title else ""
        events.append({"title": tidy(title) or (place or ""), "date": date, "place": place,
                       "when": tidy(when_text) or None, "line": node.line})  # fmt: skip
    return events, campaigns


# ------------------------------------------------------------------------------------ main


def _warnings(result: dict[str, Any], has_sections: bool) -> list[str]:
    """What could not be read, in the officer's language (the review screen shows them)."""
    checks = [
        (not result["title"], gettext("Không đọc được tên văn bản.")),
        (not result["issuer"], gettext("Không xác định được cơ quan ban hành.")),
        (not result["document_number"], gettext("Không thấy số, ký hiệu văn bản (dòng 'Số: …').")),
        (not result["issued_on"],
         gettext("Không thấy ngày ban hành (dòng 'Địa danh, ngày … tháng … năm …').")),
        (result["period"]["start_year"] is None and result["period"]["end_year"] is None,
         gettext("Không xác định được thời kỳ của kế hoạch.")),
        (not result["activities"], gettext("Không tìm thấy hoạt động hay nhiệm vụ nào.")),
        (not result["reporting"], gettext("Không tìm thấy yêu cầu báo cáo có thời hạn.")),
    ]  # fmt: skip
    warnings = [str(message) for failed, message in checks if failed]
    for a in result["activities"] if has_sections else []:
        if not a["lead"]:
            where = {"code": a["code"] or a["title"][:40], "line": a["line"]}
            warnings.append(
                gettext("Hoạt động %(code)s (dòng %(line)s) chưa có cơ quan chủ trì.") % where
            )
    for e in result["events"]:
        if e["date"] is None:
            warnings.append(gettext("Sự kiện “%(title)s” (dòng %(line)s): không đọc được ngày.")
                            % {"title": e["title"][:60], "line": e["line"]})  # fmt: skip
    return warnings


def parse_plan(text: str) -> dict[str, Any]:
    """Read ``text`` (plain text or Markdown) into the plan schema (see docs/plans.md)."""
    text = (text if isinstance(text, str) else str(text or ""))[:5_000_000]
    lines = to_lines(text)
    info, body_start = header(lines)
    plan_period = period(info["title"], lines)
    single_year = plan_period["start_year"] if (
        plan_period["start_year"] and plan_period["start_year"] == plan_period["end_year"]
    ) else None  # fmt: skip
    root = parse_tree(lines, body_start)
    events, campaigns = extract_events(root, single_year)
    result: dict[str, Any] = {
        "title": info["title"] or "",
        "title_line": info["title_line"],
        "issuer": info["issuer"],
        "issuer_line": info["issuer_line"],
        "document_number": info["document_number"],
        "document_number_line": info.get("number_line"),
        "issued_on": info["issued_on"],
        "issued_on_line": info.get("date_line"),
        "period": plan_period,
        "basis": [b["text"] for b in info["basis"]],
        "basis_lines": [b["line"] for b in info["basis"]],
        "targets": extract_targets(root, single_year),
        "activities": extract_activities(root),
        "responsibilities": extract_responsibilities(root),
        "reporting": extract_reporting(lines[body_start:]),
        "events": events,
        "campaigns": campaigns,
    }
    result["warnings"] = _warnings(result, any(n.kind == "roman" for n in root.children))
    requirements, doubts = extract_training_requirements(result["activities"])
    result["training_requirements"] = requirements
    result["warnings"].extend(doubts)
    return result
