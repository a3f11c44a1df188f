"""Stage 2, segment: lines → a tree of sections, items and their labelled fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gbvms.plans.importer.normalise import Line
from gbvms.plans.vntext import tidy

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
