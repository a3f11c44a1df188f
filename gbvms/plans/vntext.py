"""Reading Vietnamese administrative text: dates, years, comparators, agency lists.

Pure functions with no Django imports, used by the plan importer. Every reader returns ``None``
(or an empty list) for what it cannot read; none of them raises on any input.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

# ---------------------------------------------------------------------------------------- text


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower case without diacritics (đ → d), for matching only."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def tidy(text: str) -> str:
    """One line of content: spaces collapsed, list punctuation at the ends dropped."""
    return squash(text).strip(" ;,:").rstrip(".").strip()


# ---------------------------------------------------------------------------------------- dates

_D = r"(?P<d>\d{1,2})"
_M = r"(?P<m>\d{1,2})"
_Y = r"(?P<y>\d{4})"
DATE_NUMERIC = re.compile(rf"(?<![\d/]){_D}\s*[/.\-]\s*{_M}(?:\s*[/.\-]\s*{_Y})?(?![\d/])")
DATE_WORDS = re.compile(rf"ngày\s+{_D}\s+tháng\s+{_M}(?:\s+năm\s+{_Y})?", re.IGNORECASE)


def make_date(year: int | None, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year or 2000, month, day)  # 2000: a leap year, for 29/2 without year
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, int, int | None, int, int]]:
    """Every date in ``text`` as (day, month, year|None, start, end), in order of appearance.

    Understands ``15/6``, ``06/4/2021``, ``15-11-2022``, ``ngày 31 tháng 12 năm 2022``."""
    found = []
    for pattern in (DATE_WORDS, DATE_NUMERIC):
        for m in pattern.finditer(text):
            day, month = int(m["d"]), int(m["m"])
            year = int(m["y"]) if m["y"] else None
            if make_date(year, month, day) is None:
                continue
            if any(s <= m.start() < e for *_, s, e in found):
                continue
            found.append((day, month, year, m.start(), m.end()))
    return sorted(found, key=lambda f: f[3])


def iso_or_md(day: int, month: int, year: int | None) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"{month:02d}-{day:02d}"


# ---------------------------------------------------------------------------------------- years

YEAR = r"((?:19|20)\d{2})"
RANGE = re.compile(
    rf"(?:giai\s+đoạn|từ\s+năm|từ|năm)?\s*{YEAR}\s*(?:-|–|—|đến(?:\s+hết)?(?:\s+năm)?)\s*{YEAR}",
    re.IGNORECASE,
)
FROM_YEAR = re.compile(rf"từ\s+(?:năm\s+)?{YEAR}", re.IGNORECASE)
BY_YEAR = re.compile(rf"(?:đến|tới|trước|vào)\s+(?:cuối\s+)?năm\s+{YEAR}", re.IGNORECASE)
IN_YEAR = re.compile(rf"(?:năm|/)\s*{YEAR}\b", re.IGNORECASE)
EVERY_YEAR = re.compile(r"\b(?:hàng|hằng)\s+năm\b", re.IGNORECASE)


def year_range(text: str) -> tuple[int | None, int | None]:
    """(from, to) of a year phrase: 'Từ năm 2017 - 2019' → (2017, 2019), 'Từ năm 2020' →
    (2020, None), 'Năm 2022' → (2022, 2022), 'Phấn đấu đến năm 2020' → (None, 2020)."""
    m = RANGE.search(text)
    if m:
        first, last = int(m.group(1)), int(m.group(2))
        if first <= last:
            return first, last
    m = FROM_YEAR.search(text)
    if m:
        return int(m.group(1)), None
    m = BY_YEAR.search(text)
    if m:
        return None, int(m.group(1))
    m = IN_YEAR.search(text)
    if m:
        year = int(m.group(1))
        return year, year
    return None, None


# ---------------------------------------------------------------------------------------- targets

COMPARATORS = [
    (r"không\s+(?:dưới|ít\s+hơn|thấp\s+hơn)", ">="),
    (r"tối\s+thiểu(?:\s+là)?|ít\s+nhất(?:\s+là)?|từ", ">="),
    (r"không\s+(?:vượt\s+)?quá|tối\s+đa(?:\s+là)?|nhiều\s+nhất", "<="),
    (r"trên|hơn|vượt|cao\s+hơn", ">"),
    (r"dưới|thấp\s+hơn|ít\s+hơn", "<"),
    (r"đạt(?:\s+(?:tỷ\s+lệ|tỉ\s+lệ))?|bằng", ">="),
]
_COMP = "|".join(f"(?P<c{i}>{p})" for i, (p, _) in enumerate(COMPARATORS))
NUMBER = r"(?P<n>\d{1,3}(?:[.,]\d+)?)"
QUALIFIED_PERCENT = re.compile(rf"(?:^|[\s(])(?:{_COMP})\s+{NUMBER}\s*%", re.IGNORECASE)
BARE_PERCENT = re.compile(rf"(?:^|[\s(]){NUMBER}\s*%", re.IGNORECASE)
QUALIFIED_COUNT = re.compile(
    rf"(?:^|[\s(])(?:{_COMP})\s+(?P<n>\d{{1,6}})(?!\s*%)(?![\d/.,]\d)\s+(?!năm\b|tháng\b|ngày\b)",
    re.IGNORECASE,
)


def _number(raw: str) -> float | int:
    value = float(raw.replace(",", "."))
    return int(value) if value.is_integer() else value


def _comparator(match: re.Match[str]) -> str:
    for i, (_, symbol) in enumerate(COMPARATORS):
        if match.group(f"c{i}"):
            return symbol
    return "="


def find_target(text: str) -> tuple[str, float | int, str] | None:
    """The measurable part of an objective: 'có trên 90% được hỗ trợ' → ('>', 90, '%');
    'tối thiểu 50%' → ('>=', 50, '%'); '100% … được …' → ('=', 100, '%'); 'ít nhất 01 mô
    hình' → ('>=', 1, 'count'). A bare percentage that is only the base of a qualified one
    ('100% … phát hiện thì có trên 90% …') is not the target."""
    m = QUALIFIED_PERCENT.search(text)
    if m:
        return _comparator(m), _number(m["n"]), "%"
    m = BARE_PERCENT.search(text)
    if m:
        return "=", _number(m["n"]), "%"
    m = QUALIFIED_COUNT.search(text)
    if m:
        comparator = _comparator(m)
        if comparator == ">=" and m.group(0).strip().lower().startswith("từ"):
            return None  # 'từ 2017' style phrases are not targets
        return comparator, _number(m["n"]), "count"
    return None


# ---------------------------------------------------------------------------------------- agencies

# Words that begin the name of an agency or a class of agencies. A list of agencies is split at
# a comma, semicolon or "và" only where the next part begins with one of these; otherwise the
# separator is inside a name ("Sở Văn hóa, Thể thao và Du lịch").
HEADS = (
    "Bộ",
    "Sở",
    "Ban",
    "Hội",
    "Ủy ban",
    "Uỷ ban",
    "UBND",
    "UBMTTQ",
    "MTTQ",
    "Mặt trận",
    "Công an",
    "Tòa án",
    "Toà án",
    "TAND",
    "Viện kiểm sát",
    "VKSND",
    "Viện",
    "Đài",
    "Báo",
    "Tạp chí",
    "Tỉnh đoàn",
    "Thành đoàn",
    "Huyện đoàn",
    "Đoàn",
    "Liên đoàn",
    "LĐLĐ",
    "Cục",
    "Chi cục",
    "Tổng cục",
    "Trung tâm",
    "Phòng",
    "Bệnh viện",
    "Trạm",
    "Trường",
    "Văn phòng",
    "Thanh tra",
    "Bảo hiểm",
    "Kho bạc",
    "Ngân hàng",
    "Bộ Chỉ huy",
    "Bộ đội",
    "Quân",
    "Hội đồng",
    "Học viện",
    "Đại học",
    "Nhà",
    "Cơ sở",
    "Tổ",
    "Câu lạc bộ",
    "Chi hội",
    "Đảng ủy",
    "Đảng uỷ",
    "Tỉnh ủy",
    "Tỉnh uỷ",
    "Thường trực",
    "Chủ tịch",
    "Cơ quan",
    "Đơn vị",
    "Doanh nghiệp",
    "Công ty",
    "Tổng công ty",
    "Hiệp hội",
    "Liên hiệp",
    "Quỹ",
    "Vụ",
    "Ngành",
    "Hạt",
    "Đồn",
    "Ủy ban Mặt trận",
)
_HEAD = re.compile(r"^(?:" + "|".join(re.escape(h) for h in HEADS) + r")\b")
GENERIC = re.compile(
    r"^(?:[Cc]ác|[Nn]hững|[Mm]ọi|[Tt]oàn\s+thể)\s|^(?:ban|ngành|đơn\s+vị|đoàn\s+thể|tổ\s+chức"
    r"|cơ\s+quan|doanh\s+nghiệp)(?:\s|$)",
)
# "Hội Liên hiệp Phụ nữ" inside "các Sở, ban, ngành, Hội Liên hiệp Phụ nữ và …" is one agency
PROPER = re.compile(r"^\S+(?:\s+\S+)?\s+[A-ZĐÀ-Ỹ]")
ROLE_TAIL = re.compile(
    r"\s+(?:chủ\s+trì|phối\s+hợp|thực\s+hiện|tham\s+mưu|hướng\s+dẫn|chịu\s+trách\s+nhiệm|là\s+cơ"
    r"\s+quan)\b.*$",
    re.IGNORECASE,
)
REQUEST = re.compile(r"^(?:đề\s+nghị|kính\s+đề\s+nghị|giao|yêu\s+cầu)\s+", re.IGNORECASE)


def starts_with_head(name: str) -> bool:
    return bool(_HEAD.match(name))


def is_generic(name: str) -> bool:
    """'các Sở, ban, ngành … có liên quan', 'UBND các huyện' name a class, not one agency."""
    lowered = name.strip().lower()
    return bool(GENERIC.match(lowered)) or (
        " các " in f" {lowered} "
        and lowered.startswith(("ubnd các", "ủy ban nhân dân các", "uỷ ban nhân dân các"))
    )


def split_agencies(text: str) -> list[str]:
    """'Sở Y tế, Sở Văn hóa, Thể thao và Du lịch; UBND các huyện, thành phố và các Sở, ban,
    ngành liên quan' → ['Sở Y tế', 'Sở Văn hóa, Thể thao và Du lịch', 'UBND các huyện, thành
    phố', 'các Sở, ban, ngành liên quan']."""
    text = squash(REQUEST.sub("", squash(text)))
    result: list[str] = []
    for chunk in re.split(r"\s*;\s*", text):
        parts = re.split(r"(\s*,\s*|\s+và\s+|\s*&\s*)", chunk)
        current = ""
        generic = False
        for i in range(0, len(parts), 2):
            part = parts[i].strip()
            separator = parts[i - 1] if i else ""
            if not part:
                continue
            head = bool(_HEAD.match(part))
            starts_new = head or (bool(GENERIC.match(part)) and not generic)
            if generic and head and PROPER.match(part) and not GENERIC.match(part):
                starts_new, generic = True, False
            if current and (generic or not starts_new):
                current += separator + part
                continue
            if current:
                result.append(current)
            current = part
            generic = bool(GENERIC.match(part))
        if current:
            result.append(current)
    cleaned = []
    for name in result:
        name = tidy(name)
        if name and len(name) <= 200 and not any(c.isdigit() for c in name[:1]):
            cleaned.append(name)
    return cleaned


def agency_before_role(text: str) -> str:
    """'Sở Lao động - Thương binh và Xã hội chủ trì, hướng dẫn …' → 'Sở Lao động - …'."""
    return tidy(ROLE_TAIL.sub("", squash(text)))


ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "ubmttq": "uy ban mat tran to quoc",
    "ubmttqvn": "uy ban mat tran to quoc viet nam",
    "mttq": "mat tran to quoc",
    "hdnd": "hoi dong nhan dan",
    "ldtbxh": "lao dong thuong binh va xa hoi",
    "ld-tb&xh": "lao dong thuong binh va xa hoi",
    "lhpn": "lien hiep phu nu",
    "hlhpn": "hoi lien hiep phu nu",
    "vhttdl": "van hoa the thao va du lich",
    "vh,tt&dl": "van hoa the thao va du lich",
    "vhtt&dl": "van hoa the thao va du lich",
    "gd&dt": "giao duc va dao tao",
    "gddt": "giao duc va dao tao",
    "tt&tt": "thong tin va truyen thong",
    "tttt": "thong tin va truyen thong",
    "kh&dt": "ke hoach va dau tu",
    "khdt": "ke hoach va dau tu",
    "ldld": "lien doan lao dong",
    "tand": "toa an nhan dan",
    "vksnd": "vien kiem sat nhan dan",
    "ptth": "phat thanh truyen hinh",
    "pt-th": "phat thanh truyen hinh",
    "ctxh": "cong tac xa hoi",
    "bdg": "binh dang gioi",
    "tp": "thanh pho",
}
_PLACE_WORDS = r"(?:tinh|thanh\s+pho|huyen|quan|thi\s+xa|xa|phuong|thi\s+tran|dac\s+khu)"


def agency_key(name: str) -> str:
    """A matching key: no diacritics or case, abbreviations expanded, punctuation and the
    place qualifier ('tỉnh', 'tỉnh Kon Tum') dropped — 'Sở LĐTBXH' and 'Sở Lao động - Thương binh
    và Xã hội tỉnh' give the same key."""
    folded = fold(squash(name))
    words = []
    for token in re.split(r"\s+", folded):
        bare = token.strip(".,;:()")
        words.append(ABBREVIATIONS.get(bare, bare))
    key = " ".join(words)
    key = re.sub(r"[^a-z0-9 ]+", " ", key)
    key = re.sub(r"\bxa hoi\b", "xahoi", squash(key))  # "xã hội" (social), not a commune
    key = re.sub(rf"\s+{_PLACE_WORDS}(?:\s+(?!{_PLACE_WORDS}\b)[a-z]+){{0,3}}$", "", key)
    key = re.sub(r"\s+(?:va|,)\s+", " ", f" {key} ")
    return squash(key)
