"""The narrative sections of a report (REPORTING §B.3): the 6-monthly/annual outline, the
Action Month outline, and a free outline for one-off reports. Keys are stable identifiers;
titles are Vietnamese, as printed in the document."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PERIODIC = [
    ("direction", _("I. Công tác chỉ đạo, điều hành")),
    ("targets", _("II. Kết quả thực hiện các chỉ tiêu")),
    ("communication", _("III.1. Công tác truyền thông")),
    ("models", _("III.2. Mô hình, cơ sở cung cấp dịch vụ")),
    ("training", _("III.3. Tập huấn, nâng cao năng lực")),
    ("inspection", _("III.4. Kiểm tra, giám sát")),
    ("funding", _("III.5. Huy động nguồn lực, kinh phí")),
    ("data", _("III.6. Dữ liệu, thống kê")),
    ("assessment", _("IV. Đánh giá chung")),
    ("next_steps", _("V. Phương hướng, nhiệm vụ")),
    ("recommendations", _("VI. Đề xuất, kiến nghị")),
]

ACTION_MONTH = [
    ("launch", _("1. Lễ phát động")),
    ("communication", _("2. Công tác truyền thông")),
    ("support", _("3. Hỗ trợ, bảo vệ phụ nữ và trẻ em; mô hình")),
    ("inspection", _("4. Kiểm tra, xử lý vi phạm")),
    ("funding", _("5. Kinh phí")),
    ("recommendations", _("6. Đề xuất, kiến nghị")),
]

FREE = [
    ("content", _("Nội dung báo cáo")),
    ("recommendations", _("Đề xuất, kiến nghị")),
]


def outline_for(period_key: str, kind: str) -> list[tuple[str, object]]:
    """The sections of a report of requirement ``kind`` for ``period_key``."""
    if period_key.endswith("AM"):
        return ACTION_MONTH
    if kind in ("semiannual", "annual"):
        return PERIODIC
    return FREE


def empty_sections(period_key: str, kind: str) -> list[dict[str, str]]:
    return [{"key": key, "text": ""} for key, _title in outline_for(period_key, kind)]
