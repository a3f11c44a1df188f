"""Disaggregation dimensions: the API's names, the category codes of REPORTING §A.2 (usable as
ADX attributes), their options and Vietnamese labels, and the fact column each reads."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Dimension:
    name: str  # the API's name (by=sex,age)
    category: str  # the category code (ADX attribute, DHIS2 category)
    column: str  # the Fact column
    options: tuple[tuple[str, object], ...]  # (code, label)
    title: object

    def label(self, option: str) -> str:
        return str(dict(self.options).get(option, option))

    @property
    def codes(self) -> list[str]:
        return [code for code, _label in self.options]


_DIMENSIONS = [
    Dimension("sex", "SEX", "sex", (("F", _("Nữ")), ("M", _("Nam")), ("X", _("Khác, không rõ"))),
              _("Giới tính")),
    Dimension("age", "AGE_VN", "age", (("LT16", _("Dưới 16 tuổi")), ("Y16_59", _("16–59 tuổi")),
              ("GE60", _("Từ đủ 60 tuổi")), ("UNK", _("Không rõ tuổi"))), _("Nhóm tuổi")),
    Dimension("gbv_type", "GBV6", "gbv6", (("RAPE", _("Hiếp dâm")),
              ("SEXASLT", _("Xâm hại tình dục")), ("PHYS", _("Bạo lực thể chất")),
              ("FMAR", _("Cưỡng ép kết hôn")), ("DENIAL", _("Từ chối nguồn lực, cơ hội")),
              ("PSYCH", _("Bạo lực tinh thần")), ("UNK", _("Chưa phân loại"))),
              _("Loại bạo lực (GBVIMS)")),
    Dimension("context", "CTX", "ctx", (("DV", _("Bạo lực gia đình")),
              ("IPV", _("Bạo lực do bạn đời")), ("WORK", _("Nơi làm việc")),
              ("SCHOOL", _("Trường học")), ("ONLINE", _("Trên mạng")),
              ("TRAFF", _("Mua bán người")), ("CHMAR", _("Tảo hôn, cưỡng ép kết hôn")),
              ("OTHER", _("Bối cảnh khác"))), _("Bối cảnh")),
    Dimension("ethnicity", "ETH", "eth", (("KINH", _("Kinh")), ("DTTS", _("Dân tộc thiểu số")),
              ("UNK", _("Không rõ"))), _("Dân tộc")),
    Dimension("disability", "DIS", "dis", (("Y", _("Có khuyết tật")), ("N", _("Không khuyết tật"))),
              _("Khuyết tật")),
    Dimension("perpetrator_age", "AGE_P", "age", (("0_11", _("0–11 tuổi")),
              ("12_17", _("12–17 tuổi")), ("18_25", _("18–25 tuổi")), ("26_40", _("26–40 tuổi")),
              ("41_60", _("41–60 tuổi")), ("61P", _("Trên 60 tuổi")), ("UNK", _("Không rõ tuổi"))),
              _("Nhóm tuổi người gây bạo lực")),
    Dimension("perpetrator_sex", "PSEX", "psex", (("F", _("Nữ")), ("M", _("Nam")),
              ("X", _("Khác, không rõ"))), _("Giới tính người gây bạo lực")),
    Dimension("dv_form", "DVFORM", "dvform", (("TINHTHAN", _("Tinh thần")),
              ("THANTHE", _("Thân thể")), ("TINHDUC", _("Tình dục")), ("KINHTE", _("Kinh tế")),
              ("UNK", _("Chưa ghi hình thức"))),
              _("Hình thức bạo lực gia đình")),
    Dimension("measure", "MEASURE", "measure", (("CRITIC", _("Góp ý, phê bình")),
              ("NOCONTACT", _("Cấm tiếp xúc")), ("EDUC", _("Giáo dục chuyển đổi hành vi")),
              ("FINE", _("Xử phạt hành chính")), ("CRIMINAL", _("Truy cứu hình sự"))),
              _("Biện pháp xử lý")),
    Dimension("service", "SERVICE", "service", (("health", _("Y tế")),
              ("psychosocial", _("Tâm lý - xã hội")), ("legal_aid", _("Trợ giúp pháp lý")),
              ("police_justice", _("Công an, tư pháp")), ("shelter", _("Nơi tạm lánh")),
              ("economic_social", _("Hỗ trợ kinh tế, xã hội")), ("education", _("Giáo dục"))),
              _("Dịch vụ")),
]  # fmt: skip


def _programme_dimensions() -> list[Dimension]:
    """The breakdowns of the programme indicators (REPORTING §A.4), over the controlled lists
    of the delivery records; they read no fact column (``gbvms.indicators.programme`` places
    the records in cells itself)."""
    from gbvms.programme import vocab

    def options(choices: type, skip: tuple[str, ...] = ()) -> tuple[tuple[str, object], ...]:
        return tuple((code, label) for code, label in choices.choices if code not in skip)

    return [
        Dimension("target_group", "TGROUP", "", options(vocab.TargetGroup), _("Nhóm đối tượng")),
        Dimension(
            "training_level", "TLEVEL", "", options(vocab.TrainingLevel), _("Cấp tổ chức lớp")
        ),
        Dimension("model_kind", "MKIND", "", options(vocab.ModelKind), _("Loại mô hình")),
        Dimension(
            "event_kind",
            "EKIND",
            "",
            options(vocab.EventKind, ("training", "model_meeting")),
            _("Loại hoạt động truyền thông"),
        ),
        Dimension("funding_source", "FUND", "", options(vocab.FundingSource), _("Nguồn kinh phí")),
    ]


_DIMENSIONS += _programme_dimensions()
DIMENSIONS = {d.name: d for d in _DIMENSIONS}
# materialised two-way breakdowns when both are declared
PAIRS = [("sex", "age"), ("sex", "target_group")]


def dimension(name: str) -> Dimension:
    return DIMENSIONS[name]


def disagg_key(pairs: dict[str, str]) -> str:
    """``{"SEX": "F", "AGE_VN": "LT16"}`` → ``"AGE_VN=LT16;SEX=F"`` ("" for the total)."""
    return ";".join(f"{cat}={opt}" for cat, opt in sorted(pairs.items()))


def parse_disagg(key: str) -> dict[str, str]:
    if not key:
        return {}
    return dict(part.split("=", 1) for part in key.split(";"))


def breakdowns(declared: list[str]) -> list[tuple[str, ...]]:
    """The dimension-name tuples materialised for an indicator declaring ``declared``."""
    combos: list[tuple[str, ...]] = [(name,) for name in declared]
    combos += [pair for pair in PAIRS if all(name in declared for name in pair)]
    return combos


def combo_for(names: list[str], declared: list[str]) -> tuple[str, ...] | None:
    """The materialised breakdown matching an API ``by`` list, or None when not declared."""
    wanted = set(names)
    for combo in breakdowns(declared):
        if set(combo) == wanted:
            return combo
    return None
