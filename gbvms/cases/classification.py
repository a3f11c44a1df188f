"""GBVIMS classification: one core type per incident, plus the derived case context.

The questions follow the GBVIMS Classification Tool order and stop at the first "yes":
rape → sexual assault → physical assault → forced marriage → denial of resources →
psychological/emotional abuse → not GBV. The wizard and the API call the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

NON_GBV = "non_gbv"
CHILD_AGE = 18


@dataclass(frozen=True)
class Question:
    code: str  # also the resulting type when answered "yes"
    label: Any
    help: Any


QUESTIONS: tuple[Question, ...] = (
    Question(
        "rape",
        _("Hiếp dâm"),
        _(
            "Có hành vi xâm nhập (dù nhẹ) vào âm đạo, hậu môn hoặc miệng bằng dương vật hoặc "
            "bộ phận cơ thể khác, hoặc xâm nhập âm đạo, hậu môn bằng vật, mà không có sự đồng ý?"
        ),
    ),
    Question(
        "sexual_assault",
        _("Xâm hại tình dục"),
        _(
            "Có hành vi tiếp xúc tình dục không mong muốn nhưng không xâm nhập (sờ mó, hôn, "
            "cưỡng ép cởi đồ…), hoặc cắt xén bộ phận sinh dục nữ?"
        ),
    ),
    Question(
        "physical_assault",
        _("Bạo lực thể chất"),
        _(
            "Có hành vi bạo lực thể chất không mang tính tình dục (đánh, tát, đẩy, bóp cổ, "
            "dùng hung khí…)?"
        ),
    ),
    Question(
        "forced_marriage",
        _("Cưỡng ép kết hôn"),
        _("Người bị hại bị ép kết hôn trái ý muốn?"),
    ),
    Question(
        "denial_of_resources",
        _("Từ chối nguồn lực, cơ hội hoặc dịch vụ"),
        _(
            "Người bị hại bị tước đoạt hoặc ngăn cản tiếp cận tài sản, sinh kế, giáo dục, y tế "
            "hoặc dịch vụ xã hội khác?"
        ),
    ),
    Question(
        "psychological_abuse",
        _("Bạo lực tinh thần/cảm xúc"),
        _("Có hành vi đe dọa, lăng mạ, sỉ nhục, cô lập, kiểm soát hoặc gây tổn thương tinh thần?"),
    ),
)
TYPES = [q.code for q in QUESTIONS] + [NON_GBV]

RELATIONSHIPS = {
    "intimate_partner": _("Vợ/chồng hoặc bạn tình hiện tại"),
    "former_partner": _("Vợ/chồng cũ hoặc bạn tình cũ"),
    "family_member": _("Thành viên gia đình khác"),
    "caregiver": _("Người chăm sóc, người giám hộ"),
    "teacher": _("Giáo viên"),
    "employer_or_supervisor": _("Chủ lao động hoặc cấp trên"),
    "coworker": _("Đồng nghiệp"),
    "neighbour": _("Hàng xóm"),
    "stranger": _("Người lạ"),
    "other": _("Khác"),
}
PARTNERS = {"intimate_partner", "former_partner"}
SEXUAL = {"rape", "sexual_assault"}

CONTEXTS = {
    "intimate_partner_violence": _("Bạo lực do bạn đời/bạn tình"),
    "child_sexual_abuse": _("Xâm hại tình dục trẻ em"),
    "early_marriage": _("Tảo hôn"),
    "possible_sexual_exploitation": _("Có thể bị bóc lột tình dục"),
    "possible_sexual_slavery": _("Có thể bị nô lệ tình dục/mua bán người"),
    "harmful_traditional_practice": _("Hủ tục có hại"),
}


def next_question(answers: dict[str, bool]) -> Question | None:
    """The first question not yet answered, or None once a 'yes' or the last 'no' is given."""
    for question in QUESTIONS:
        if question.code not in answers:
            return question
        if answers[question.code]:
            return None
    return None


def classify_type(answers: dict[str, bool]) -> str | None:
    """The core type: the first 'yes' in order; non_gbv when all are 'no'; None if incomplete."""
    for question in QUESTIONS:
        if question.code not in answers:
            return None
        if answers[question.code]:
            return question.code
    return NON_GBV


def derive_context(
    gbv_type: str,
    *,
    age_at_incident: int | None,
    relationships: list[str],
    exchange: bool = False,
    abduction: bool = False,
    harmful_traditional_practice: bool = False,
) -> list[str]:
    """Case context from the type, the age **at the incident** and the perpetrators."""
    context: list[str] = []
    child = age_at_incident is not None and age_at_incident < CHILD_AGE
    if gbv_type != NON_GBV and PARTNERS & set(relationships):
        context.append("intimate_partner_violence")
    if gbv_type in SEXUAL and child:
        context.append("child_sexual_abuse")
    if gbv_type == "forced_marriage" and child:
        context.append("early_marriage")
    if gbv_type in SEXUAL and exchange:
        context.append("possible_sexual_exploitation")
    if gbv_type in SEXUAL and abduction:
        context.append("possible_sexual_slavery")
    if harmful_traditional_practice and gbv_type != NON_GBV:
        context.append("harmful_traditional_practice")
    return context


REPORTING_BUCKETS = (
    (3, "0-3d", _("0–3 ngày")),
    (5, "4-5d", _("4–5 ngày")),
    (14, "6-14d", _("6–14 ngày")),
    (30, "2w-1m", _("2 tuần – 1 tháng")),
)
OVER_A_MONTH = ("over-1m", _("Trên 1 tháng"))


def reporting_bucket(days: int) -> str:
    """Elapsed days between incident and report, in the GBVIMS buckets (day 4 is in 4–5)."""
    if days < 0:
        raise ValueError("the report cannot precede the incident")
    for limit, code, _label in REPORTING_BUCKETS:
        if days <= limit:
            return code
    return OVER_A_MONTH[0]
