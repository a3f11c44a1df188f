"""Stage 3b, extract the body fields: targets, activities, responsibilities, reporting, events."""

from __future__ import annotations

import re
from typing import Any

from gbvms.plans import vntext
from gbvms.plans.importer.normalise import Line
from gbvms.plans.importer.segment import ACTIVITY, Node, walk
from gbvms.plans.vntext import find_dates, iso_or_md, squash, tidy

# ------------------------------------------------------------------------------------ targets


BASELINE = re.compile(r"so\s+với\s+(?:cùng\s+kỳ\s+)?(?:năm\s+)?(?:19|20)\d{2}", re.IGNORECASE)


AIM = re.compile(r"phấn\s+đấu|chỉ\s+tiêu|mục\s+tiêu", re.IGNORECASE)


def _aims(node: Node) -> bool:
    """A target written in the prose of 'Mục đích, yêu cầu' ('Phấn đấu 90% …')."""
    return any(AIM.search(t) for values in node.fields.values() for t, _ in values) or bool(
        AIM.search(node.title)
    )


PERCENT = re.compile(r"\d{1,3}(?:[.,]\d+)?\s*%")
CLAUSE_SPLIT = re.compile(
    r",\s+(?=[^,%]{0,25}?\d{1,3}(?:[.,]\d+)?\s*%)|\s+và\s+(?=\d{1,3}(?:[.,]\d+)?\s*%)"
)


def _clauses(sentence: str) -> list[str]:
    """'phấn đấu 90% người dân …, ít nhất 70% xã … và 100% nạn nhân …': one target each. A
    sentence with one percentage stays whole (its wording is the target's text)."""
    if len(PERCENT.findall(sentence)) < 2:
        return [sentence]
    return [c for c in CLAUSE_SPLIT.split(sentence) if PERCENT.search(c)]


def extract_targets(root: Node, plan_year: int | None) -> list[dict[str, Any]]:
    targets: list[dict[str, Any]] = []
    for node in walk(root):
        if node.section != "targets" and not (node.section == "purpose" and _aims(node)):
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
                if node.section == "purpose" and not AIM.search(sentence):
                    continue  # only the sentences that state an aim
                # "so với năm 2020" is the baseline, not the target's year
                own_from, own_to = vntext.year_range(BASELINE.sub("", sentence))
                year = own_to or own_from or line_year or context_year or plan_year
                targets.extend(_targets_in(sentence, year, line))
    return targets


def _targets_in(sentence: str, year: int | None, line: int) -> list[dict[str, Any]]:
    from gbvms.indicators.targets import propose_indicator  # the proposal; the officer confirms

    out = []
    for clause in _clauses(sentence):
        found = vntext.find_target(clause)
        if not found:
            continue
        comparator, value, unit = found
        code, params = propose_indicator(clause)
        out.append({
            "text": tidy(clause), "comparator": comparator, "value": value,
            "unit": unit, "year": year, "line": line,
            "indicator": code, "indicator_params": params,
        })  # fmt: skip
    return out


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


_HEADS_ALL = "|".join(re.escape(h) for h in vntext.HEADS)
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


PROSE_LEAD = re.compile(
    r"(?:^|[.;:]\s+|\bgiao\s+|\bđề\s+nghị\s+)(?P<who>(?:" + _HEADS_ALL + r")\b[^.;:()]{1,90}?)"
    r"\s+(?:là\s+cơ\s+quan\s+)?chủ\s+trì\b"
    r"(?:[^.;]*?\bphối\s+hợp\s+(?:với|cùng)\s+(?P<with>[^.;]+?)(?=\s+(?:thực\s+hiện|triển\s+khai"
    r"|tổ\s+chức|xây\s+dựng|hướng\s+dẫn)\b|[.;]|$))?",
    re.IGNORECASE,
)


def _prose_lead(
    texts: list[tuple[str, int]],
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """'… . Sở Văn hóa và Thể thao chủ trì, phối hợp với các sở, ngành liên quan thực hiện …'
    written in the activity's own prose: its lead and partners."""
    for text, line in texts:
        m = PROSE_LEAD.search(text)
        if m and vntext.starts_with_head(m["who"].strip()):
            partners = [(m["with"], line)] if m["with"] else []
            return [(m["who"], line)], partners
    return [], []


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
        lead_confidence = "certain"  # under a "Chủ trì:" label
        if not lead_values and not _values(node, "coordinating"):
            lead_values, also = _prose_lead([(title, node.line), *_values(node, "")])
            lead_confidence = "inferred"  # read from the activity's sentences
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
            "confidence": {"lead": lead_confidence} if lead_values else {},
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
                elif not m:
                    _prose_duties(out, text, line)
    return out


DUTY_SENTENCE = re.compile(
    r"^(?:Giao\s+|Đề\s+nghị\s+|Yêu\s+cầu\s+)?(?P<who>(?:" + _HEADS_ALL + r")\b[^,.;:()]{1,80}?)"
    r"\s+(?P<duty>(?:là\s+cơ\s+quan|chủ\s+trì|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm"
    r"|phối\s+hợp|tổ\s+chức|triển\s+khai|hướng\s+dẫn|theo\s+dõi|căn\s+cứ)\b.*)$"
)


def _prose_duties(out: list[dict[str, Any]], text: str, line: int) -> None:
    """'Giao Sở Y tế chủ trì …. Công an tỉnh có trách nhiệm …' written as sentences."""
    for sentence in re.split(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])", text):
        m = DUTY_SENTENCE.match(sentence.strip())
        if m and vntext.starts_with_head(m["who"].strip()):
            _add_responsibility(out, m["who"].strip(), [tidy(m["duty"])], line)


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
_HEADS = "|".join(re.escape(h) for h in vntext.HEADS)
RECIPIENT = re.compile(
    r"(?:gửi\s+(?:về\s+)?|báo\s+cáo\s+(?:kết\s+quả\s+)?(?:(?:về|cho|lên)\s+)?|về\s+)(?:cho\s+)?"
    r"(?P<to>(?:" + _HEADS + r")\b(?:[^()(;,.]|,(?=\s+(?!(?:" + _HEADS + r")\b)[A-ZĐÀ-Ỹ]))*?)"
    r"(?=\s+(?:trước|theo|để|qua|chậm|định\s+kỳ|vào|trong|kết\s+quả|tình\s+hình)\b|\s*[(;.]"
    r"|,(?!\s+(?!(?:" + _HEADS + r")\b)[A-ZĐÀ-Ỹ])|$)"
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
    due_dates: list[tuple[int, int, int | None, int, int]] = []
    for d in find_dates(sentence):
        chained = bool(due_dates) and CHAINED_DATE.fullmatch(sentence[due_dates[-1][4] : d[3]])
        if chained or DUE.search(sentence[max(0, d[3] - 22) : d[3]]):
            due_dates.append(d)  # "trước ngày 15/6 và ngày 15/12": both are due dates
    if not due_dates:
        return [{"kind": k, "due": None, **base} for k in _regimes_without_date(sentence)]
    out: list[dict[str, Any]] = []
    previous_end = 0
    for day, month, year, start, end in due_dates:
        kind = _kind_before(sentence[previous_end:start], sentence, year)
        if kind == "other" and out and out[-1]["kind"] == "semiannual" and ANNUAL.search(sentence):
            kind = "annual"  # "6 tháng và năm … trước ngày 15/6 và ngày 15/12": in that order
        previous_end = end
        out.append({"kind": kind, "due": iso_or_md(day, month, year), **base})
    return out


CHAINED_DATE = re.compile(r"\s*(?:,|và|;|,\s*và)\s*(?:ngày\s+)?", re.IGNORECASE)


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

_DAY = r"\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?|\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?"
CAMPAIGN = re.compile(
    rf"(?:từ|Từ)\s+(?:ngày\s+)?(?P<a>{_DAY})\s*(?:-|–|đến)\s*"
    rf"(?:hết\s+)?(?:ngày\s+)?(?P<b>{_DAY})"
)


def campaign_dates(m: re.Match[str]) -> tuple[str | None, str | None]:
    first, last = find_dates(f"ngày {m['a']}"), find_dates(f"ngày {m['b']}")
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


# ------------------------------------------------------------------------------------ observances

_OBS_DATE = r"(?:ngày\s+)?(?P<{g}>\d{{1,2}}\s*/\s*\d{{1,2}}(?:\s*/\s*\d{{4}})?)"
OBSERVANCE_NAME = (
    r"(?P<name>Ngày\s+(?:Quốc\s+tế|Thế\s+giới|Gia\s+đình\s+Việt\s+Nam|Quốc\s+gia|Phụ\s+nữ"
    r"|toàn\s+dân|Pháp\s+luật|Dân\s+số|Trẻ\s+em|Người\s+cao\s+tuổi)[^;()]{0,100}?)"
)
OBSERVANCE = re.compile(
    OBSERVANCE_NAME + r"\s*(?:\(\s*" + _OBS_DATE.format(g="a") + r"\s*\)|,?\s+" +
    _OBS_DATE.format(g="b") + r")"
    r"|" + _OBS_DATE.format(g="c") + r"\s*(?:\(|-|–|:|là)?\s*"
    + OBSERVANCE_NAME.replace("name", "name2"),
)  # fmt: skip


def extract_observances(lines: list[Line], plan_year: int | None) -> list[dict[str, Any]]:
    """Dated days named in the text ('Ngày Quốc tế xóa bỏ bạo lực đối với phụ nữ (25/11)',
    '28/6 - Ngày Gia đình Việt Nam'), once each; the year only when written or the plan is of
    one year."""
    out: list[dict[str, Any]] = []
    for line in lines:
        if "ngày" not in line.text.lower():
            continue
        for m in OBSERVANCE.finditer(line.text):
            name = tidy(m["name"] or m["name2"] or "")
            found = find_dates(m["a"] or m["b"] or m["c"] or "")
            if not name or not found:
                continue
            day, month, year, *_ = found[0]
            date = iso_or_md(day, month, year or plan_year)
            name = re.split(r"\s+(?:năm|và|với|tại)\s+", name)[0] if len(name) > 90 else name
            name = re.sub(r"(?:\s+(?:từ|vào|trong|đến|là|hưởng\s+ứng))+$", "", name)
            if not any(o["date"][-5:] == date[-5:] for o in out):
                out.append({"title": name, "date": date, "line": line.no})
    return out
