"""Training requirements read from a plan's text: "Tổ chức tập huấn ít nhất 01 lần/năm cho …".

Each activity's text is cut into sentences; a sentence about training (tập huấn, bồi dưỡng)
with a yearly frequency gives one requirement per recognised target group (P01). Groups that
match no vocabulary entry are returned as doubts for the review screen.
"""

import re
from typing import Any

from django.utils.translation import gettext

TRAINING = re.compile(r"tập\s+huấn|bồi\s+dưỡng", re.I)
FREQUENCY = re.compile(
    r"(?:(?:ít\s+nhất|tối\s+thiểu)\s+)?0*(?P<n>\d{1,2})\s+lần\s*(?:/|mỗi|một|trong\s+(?:01\s+|1\s+|một\s+)?)\s*năm"
    r"|mỗi\s+năm\s+(?:(?:ít\s+nhất|tối\s+thiểu)\s+)?0*(?P<m>\d{1,2})\s+lần",
    re.I,
)
# the groups come after "cho" and end at "về"/"nhằm"/"để" or the end of the sentence
GROUPS = re.compile(r"\bcho\s+(?P<groups>.+?)(?:\s+(?:về|nhằm|để|tại\s+các\s+cấp)\s+|$)", re.I)
SPLIT = re.compile(r"\s*[,;]\s*|\s+và\s+", re.I)
LEADING = re.compile(r"^(?:đội\s+ngũ|các|những|toàn\s+bộ)\s+", re.I)
# order matters: "cán bộ làm công tác bình đẳng giới" before "cán bộ xã hội"
KNOWN = (
    ("ge_staff", re.compile(r"bình\s+đẳng\s+giới", re.I)),
    ("collaborators", re.compile(r"c[ộô]ng\s+tác\s+viên|nhân\s+viên\s+xã\s+hội", re.I)),
    ("trusted_address", re.compile(r"địa\s+chỉ\s+tin\s+cậy", re.I)),
    ("providers", re.compile(r"cung\s+cấp\s+dịch\s+vụ", re.I)),
    ("social_staff", re.compile(r"cán\s+bộ\s+xã\s+hội", re.I)),
)  # fmt: skip
SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-ZÀ-Ỹ])|\n+")


def group_code(text: str) -> str | None:
    for code, pattern in KNOWN:
        if pattern.search(text):
            return code
    return None


def per_year_of(sentence: str) -> int | None:
    m = FREQUENCY.search(sentence)
    if not m:
        return None
    n = int(m["n"] or m["m"])
    return n if 1 <= n <= 12 else None


def requirements_in(sentence: str) -> tuple[list[dict[str, Any]], list[str]]:
    """(requirements, unknown group phrases) of one sentence."""
    if not TRAINING.search(sentence):
        return [], []
    per_year = per_year_of(sentence)
    if per_year is None:
        return [], []
    m = GROUPS.search(sentence.rstrip(" ."))
    if not m:
        return [], []
    found: list[dict[str, Any]] = []
    unknown: list[str] = []
    for part in SPLIT.split(m["groups"]):
        part = LEADING.sub("", part.strip(" .…"))
        if not part:
            continue
        code = group_code(part)
        if code is None:
            unknown.append(part)
        elif code not in {r["target_group"] for r in found}:
            found.append({"target_group": code, "per_year": per_year, "level": "commune"})
    for r in found:
        r["source_text"] = sentence.strip()[:2000]
    return found, unknown


def extract_training_requirements(
    activities: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[str]]:
    """Requirements of all activities (``activity`` = index, ``activity_code``) and doubts."""
    out: list[dict[str, Any]] = []
    doubts: list[str] = []
    for index, activity in enumerate(activities):
        parts = (activity.get("title"), activity.get("solution"))
        text = ". ".join(p.strip().rstrip(".") for p in parts if p)
        for sentence in SENTENCE.split(text):
            found, unknown = requirements_in(sentence)
            for r in found:
                r.update(activity=index, activity_code=activity.get("code"))
                out.append(r)
            for phrase in unknown:
                where = {"group": phrase[:80], "code": activity.get("code") or index + 1}
                doubts.append(
                    gettext(
                        "Hoạt động %(code)s: không nhận ra nhóm đối tượng tập huấn “%(group)s”."
                    )
                    % where
                )
    return out, doubts
