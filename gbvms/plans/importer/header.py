"""Stage 3a, extract the header fields: number, date, title, issuer, legal basis, period."""

from __future__ import annotations

import re
from typing import Any

from gbvms.plans import vntext
from gbvms.plans.importer.extract import CAMPAIGN, campaign_dates
from gbvms.plans.importer.normalise import Line
from gbvms.plans.importer.segment import NUMBERED, ROMAN
from gbvms.plans.vntext import squash, tidy

# ------------------------------------------------------------------------------------ header

TITLE_WORDS = re.compile(
    r"^(KẾ\s+HOẠCH|CHƯƠNG\s+TRÌNH|HƯỚNG\s+DẪN|QUYẾT\s+ĐỊNH|CÔNG\s+VĂN|ĐỀ\s+ÁN|BÁO\s+CÁO"
    r"|THÔNG\s+BÁO|CHỈ\s+THỊ|NGHỊ\s+QUYẾT|PHƯƠNG\s+ÁN)\b(.*)$"
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
    r"|(?<=,\s)(?P<asks>(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|Bộ|Sở|Hội|Ban|Phòng"
    r"|Trung\s+tâm|Cục)\s[^,;.()“”\"]{2,80}?)\s+đề\s+nghị\s+(?=các\b|Ủy|UBND|Sở|Phòng|Bộ)"
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
    r"\s*\d{1,6}(?:-[A-ZĐ]{1,6})?\s*/\s*[0-9A-Za-zĐđÀ-ỹ\-–/]+[0-9A-Za-zĐđÀ-ỹ]"
    r"(?:,?\s+ngày\s+(?:\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}"
    r"|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))?"
    r"(?:\s+của\s+(?:[^;,.()“”\"]+?)(?=\s+(?:về|phê\s+duyệt|ban\s+hành|quy\s+định|hướng\s+dẫn"
    r"|triển\s+khai|sửa\s+đổi|thực\s+hiện)\b|[;,.()“”\"]|$))?"
    # "Luật Phòng, chống bạo lực gia đình năm 2022": a comma followed by a lower-case word is
    # inside the name
    r"|Luật\s+[A-ZĐÀ-Ỹ](?:[^;,.()“”\"]|,(?=\s+[a-zđà-ỹ])){3,100}?\s+(?:năm|số)\s+\d{2,4}"
    r"(?:/\d{4}/QH\d+)?)",
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
        rest = line.text[m.end() :] if m else line.text  # "Số: 35/KH-X   Đăk Hà, ngày …"
        if m and info["document_number"] is None and not BASIS_START.match(line.text):
            info["document_number"] = re.sub(r"\s+", "", m["n"] or m["m"])
            info["number_line"] = line.no
            info["confidence"]["document_number"] = "certain"
        m = PLACE_DATE.search(rest)
        date = vntext.make_date(int(m["y"]), int(m["m"]), int(m["d"])) if m else None
        if date and info["issued_on"] is None and not BASIS_START.match(line.text):
            info["issued_on"] = date.isoformat()
            info["date_line"] = line.no
            info["confidence"]["issued_on"] = "certain"
            place = tidy(m["place"])
            if not re.match(r"(?:Căn|Thực|Theo|Ngày|Số)\b", place) and len(place.split()) <= 5:
                info["place"] = place
                info["confidence"]["place"] = "certain"


# the opening sentence of a preamble, never a title
PREAMBLE = re.compile(r"^(?:Căn\s+cứ|Thực\s+hiện|Theo|Kính\s+gửi|Để|Nhằm)\b")
BASIS_START = re.compile(r"^(?:Căn\s+cứ|Thực\s+hiện|Theo)\b")
# "Quyết định … ban hành Kế hoạch …": the plan a decision issues
ISSUES_PLAN = re.compile(
    r"(?:ban\s+hành|phê\s+duyệt)\s+(?P<what>(?:Kế\s+hoạch|Chương\s+trình|Đề\s+án|Phương\s+án)\b.+)",
    re.IGNORECASE,
)
SIGNER_LINE = re.compile(r"^(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BỘ\s+TRƯỞNG|TRƯỞNG\s+BAN)\b")


def _ends_title(line: Line) -> bool:
    return bool(
        ROMAN.match(line.text)
        or NUMBERED.match(line.text)
        or line.text.startswith(("Căn cứ", "Thực hiện", "Kính gửi", "Ngày ", "Để "))
        or bool(SIGNER_LINE.match(line.text))
        or len(line.text) > 200
        or line.bullet
    )


def _may_be_title(line: Line) -> bool:
    return not (
        ROMAN.match(line.text)
        or NUMBERED.match(line.text)
        or line.bullet
        or len(line.text) > 200
        or re.search(r"\bsố\s*\d+\s*/", line.text)
        or (PREAMBLE.match(line.text) and re.search(r"[.:;,]$", line.text))
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
            issued = ISSUES_PLAN.match(
                re.sub(r"^(?:Về\s+việc|V/v)\s+", "", " ".join(parts), flags=re.I)
            )
            if kind != "kế hoạch" and issued:
                # "QUYẾT ĐỊNH / Ban hành Kế hoạch X": what is imported is the plan X
                what = tidy(issued["what"])
                info["title"] = what[:1].upper() + what[1:]
            info["title_line"] = line.no
            info["confidence"]["title"] = "certain" if parts else "guessed"
            return j
        m = SUBJECT.match(line.text)
        if m and not info["title"]:
            subject = tidy(m["s"])
            info["title"] = subject[:1].upper() + subject[1:]
            info["title_line"] = line.no
            info["confidence"]["title"] = "certain"
            start = i + 1
    if info["title"]:
        return start
    return _title_without_heading(head, info)


def _title_without_heading(head: list[Line], info: dict[str, Any]) -> int:
    for i, line in enumerate(head):
        # a notice or letter without a title heading: a line that names the plan it issues
        m = ISSUES_PLAN.search(line.text)
        if m and not PREAMBLE.match(line.text) and len(line.text) <= 300:
            what = tidy(m["what"])
            info["title"] = what[:1].upper() + what[1:]
            info["title_line"] = line.no
            info["confidence"]["title"] = "inferred"
            return i + 1
    for i, line in enumerate(head):
        plain = not (NUMBER_LINE.search(line.text) or PLACE_DATE.search(line.text)
                     or NATIONAL_MOTTO.search(line.text) or PREAMBLE.match(line.text)
                     or (UPPER_ISSUER.match(line.text) and line.text.isupper())
                     or STOP_WORDS.match(line.text))  # fmt: skip
        if (line.heading and plain) or (15 < len(line.text) <= 250 and plain and not line.bullet):
            info["title"] = tidy(line.text)[:500]
            info["title_line"] = line.no
            info["confidence"]["title"] = "guessed"
            return i + 1
        if BASIS_START.match(line.text) or ROMAN.match(line.text):
            break  # the body has begun: no title line above it
    return 0


STOP_WORDS = re.compile(r"^(?:Nơi\s+nhận|TM\.|KT\.|T/M|K/T)")
BARE_COMMITTEE = re.compile(
    r"^(?:(?:ủy|uỷ)\s+ban\s+nhân\s+dân|ubnd)(?:\s+(?P<level>tỉnh|thành\s+phố|huyện|quận"
    r"|thị\s+xã|xã|phường|thị\s+trấn|đặc\s+khu))?$",
    re.IGNORECASE,
)


def _complete_issuer(who: str, info: dict[str, Any]) -> str | None:
    """A bare 'Ủy ban nhân dân tỉnh' names no one: completed with the place of the date line
    ('Kon Tum, ngày …' → 'Ủy ban nhân dân tỉnh Kon Tum'), else dropped."""
    m = BARE_COMMITTEE.match(who.strip())
    if not m:
        return who
    if not info.get("place") or not m["level"]:
        return None  # no place, or no level ('Ủy ban nhân dân' of a province or a commune?)
    return f"Ủy ban nhân dân {m['level'].lower()} {info['place']}"


def _issuer(lines: list[Line], body_start: int, info: dict[str, Any]) -> None:
    """The heading block at the top, the preamble's "X ban hành Kế hoạch", or the signature."""
    if not _issuer_heading(lines, info):
        _issuer_elsewhere(lines, body_start, info)


def _opens_header(line: Line) -> bool:
    return bool(
        (UPPER_ISSUER.match(line.text) and line.text.isupper())
        or NATIONAL_MOTTO.search(line.text)
        or TITLE_WORDS.match(line.text)
    )


def _issuer_heading(lines: list[Line], info: dict[str, Any]) -> bool:
    upper: list[Line] = []
    merged = False  # the two header columns copied side by side, line by line (PDF, web)
    # text copied from a portal may start with its menus: the header starts at the first
    # upper-case body name or the national motto
    start = next((i for i, line in enumerate(lines[:60]) if _opens_header(line)), 0)
    for line in lines[start : start + 12]:
        if TITLE_WORDS.match(line.text):
            break
        motto = NATIONAL_MOTTO.search(line.text)
        left = line.text[: motto.start()].strip(" |-") if motto else ""
        if left and left == left.upper() and (UPPER_ISSUER.match(left) or merged):
            # "ỦY BAN NHÂN DÂN CỘNG HÒA …" / "TỈNH KON TUM Độc lập - Tự do - Hạnh phúc"
            upper.append(Line(line.no, left))
            merged = True
            continue
        if motto and not merged:
            break
        if motto:
            continue
        if UPPER_ISSUER.match(line.text) and line.text == line.text.upper():
            upper.append(line)
    if upper:
        # "UBND HUYỆN X" above "PHÒNG Y": the body above is the superior; the issuer is the last
        # body named (a line starting with a place word continues the name above it)
        starts = [i for i, line in enumerate(upper) if not PLACE_LINE.match(line.text)]
        own = upper[starts[-1] :] if starts else upper
        who = _complete_issuer(people_committee_case(squash(" ".join(x.text for x in own))), info)
        if who:
            info["issuer"], info["issuer_line"] = who, own[0].no
            bare = who != people_committee_case(squash(" ".join(x.text for x in own)))
            info["confidence"]["issuer"] = "inferred" if bare else "certain"
            return True
    return False


def _issuer_elsewhere(lines: list[Line], body_start: int, info: dict[str, Any]) -> None:
    for line in lines[: body_start + 15]:
        # "… Quyết định số … của Bộ X ban hành Kế hoạch …" names another document's issuer
        found = [m for m in ISSUER_PHRASE.finditer(line.text)
                 if not re.search(r"của\s*$", line.text[: m.start()])]  # fmt: skip
        who = _complete_issuer(tidy(found[-1]["who"] or found[-1]["asks"]), info) if found else None
        if who:
            info["issuer"], info["issuer_line"] = who, line.no
            info["confidence"]["issuer"] = "inferred"
            return
    for line in lines[-40:]:
        m = SIGNATURE.match(line.text)
        if m:
            who = tidy(m["who"])
            who = _complete_issuer(people_committee_case(who) if who.isupper() else who, info)
            if who:
                info["issuer"] = who.title() if who.isupper() else who
                info["issuer_line"] = line.no
                info["confidence"]["issuer"] = "inferred"
                return


def _basis(lines: list[Line], body_start: int) -> list[dict[str, Any]]:
    """References to other documents in the preamble (before the first section or item)."""
    out: list[dict[str, Any]] = []
    for line in lines[: body_start + 25]:
        if ROMAN.match(line.text) or (NUMBERED.match(line.text) and line.no > 3):
            break
        for m in BASIS.finditer(line.text):
            ref = tidy(m["ref"])
            key = _basis_key(ref)
            same = next((b for b in out if _basis_key(b["text"]) == key), None)
            if same is None:
                out.append({"text": ref, "line": line.no})
            elif len(ref) > len(same["text"]):
                same["text"] = ref  # cited again with its date or issuer: the fuller citation
    return out


def _basis_key(ref: str) -> str:
    """The same document cited twice ('Quyết định số 1464/QĐ-TTg ngày 22/7/2016 …' and later
    'Quyết định số 1464/QĐ-TTg') has one key: its kind and number, or a law's name."""
    number = re.search(r"số\s*(\d{1,6}(?:-[A-ZĐ]+)?\s*/\s*[^\s,;]+)", ref)
    if number:
        return vntext.fold(ref.split(" số")[0] + " " + re.sub(r"\s+", "", number[1]))
    return vntext.fold(ref)


def header(lines: list[Line]) -> tuple[dict[str, Any], int]:
    """Title, issuer, number, date, legal basis; and where the body starts (index in lines)."""
    info: dict[str, Any] = {
        "title": "", "title_line": None, "issuer": None, "issuer_line": None,
        "document_number": None, "issued_on": None, "basis": [], "place": None,
        "confidence": {},
    }  # fmt: skip
    _number_and_date(lines[:60], info)
    body_start = _title(lines, info)
    _issuer(lines, body_start, info)
    own = re.sub(r"\s+", "", info["document_number"] or "") or None
    # "(Kèm theo Quyết định số 87/QĐ-UBND …)" under an attached plan names the document itself
    info["basis"] = [b for b in _basis(lines, body_start)
                     if not own or own not in re.sub(r"\s+", "", b["text"])]  # fmt: skip
    return info, body_start


QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")
ANY_DATE = re.compile(
    r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}"
)
HORIZON = re.compile(r"tầm\s+nhìn.*$", re.IGNORECASE)


def title_years(title: str) -> tuple[int | None, int | None]:
    """The plan's own years in its title. Cited documents ('Chỉ thị số 21 ngày 04/02/2020') and
    their dates never count; a programme's name in quotes counts only when nothing outside the
    quotes names a year (the plan of a programme often runs over the programme's period); a
    'tầm nhìn đến năm 2030' horizon is not the period."""
    text = HORIZON.sub("", ANY_DATE.sub(" ", BASIS.sub(" ", title)))
    outside = QUOTED.sub(" ", text)
    for candidate in (outside, text):
        start, end = vntext.year_range(candidate)
        if start is not None or end is not None:
            return start, end
    return None, None


def period(title: str, lines: list[Line]) -> dict[str, Any]:
    out: dict[str, Any] = {"start_year": None, "end_year": None, "start": None, "end": None}
    out["start_year"], out["end_year"] = title_years(title)
    campaign = CAMPAIGN.search(title)
    if not campaign:
        for line in lines[:40]:
            if BASIS_START.match(line.text):
                continue  # a cited document's dates
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
