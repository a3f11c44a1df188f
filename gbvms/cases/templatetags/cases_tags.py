from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from gbvms.cases import services_notes, services_survivor
from gbvms.cases.classification import CONTEXTS
from gbvms.cases.models import ContextFlag

register = template.Library()
_LABELS: dict[str, Any] = {**CONTEXTS, **dict(ContextFlag.choices)}


@register.filter
def code_label(code: str) -> Any:
    """The translated label of a context or flag code (the code itself when unknown)."""
    return _LABELS.get(code, code)


# What the case timeline says for each recorded action (an unknown action shows its code).
ACTION_LABELS: dict[str, Any] = {
    "cases.case.created": _("Mở vụ việc"),
    "cases.case.closed": _("Đóng vụ việc"),
    "cases.case.reopened": _("Mở lại vụ việc"),
    "cases.case.printed": _("In vụ việc"),
    "cases.case.exported": _("Tải vụ việc về"),
    "cases.case.break_glass": _("Truy cập khẩn cấp"),
    "cases.case.possible_duplicate": _("Có thể trùng vụ việc khác"),
    "cases.case.viewed_via_referral": _("Cơ sở nhận chuyển gửi xem vụ việc"),
    "cases.consent.given": _("Ghi nhận sự đồng ý"),
    "cases.consent.withdrawn": _("Rút lại sự đồng ý"),
    "cases.follow_up.added": _("Thêm lịch theo dõi"),
    "cases.follow_up.done": _("Hoàn thành lần theo dõi"),
    "cases.incident.classified": _("Phân loại vụ việc"),
    "cases.incident.legal_set": _("Ghi hành vi và bối cảnh"),
    "cases.intervention.recorded": _("Ghi nhận tư vấn, xử lý người gây bạo lực"),
    "cases.measure.requested": _("Đề nghị áp dụng biện pháp"),
    "cases.need.set": _("Cập nhật nhu cầu"),
    "cases.perpetrator.added": _("Thêm người gây bạo lực"),
    "cases.report.recorded": _("Ghi thông tin tiếp nhận tin báo"),
    "cases.risk.assessed": _("Đánh giá rủi ro"),
    "cases.safety_plan.saved": _("Lưu kế hoạch an toàn"),
    "cases.service.recorded": _("Ghi nhận dịch vụ đã cung cấp"),
    "cases.transfer.requested": _("Yêu cầu chuyển giao"),
    "cases.transfer.accepted": _("Chấp nhận chuyển giao"),
    "cases.transfer.declined": _("Từ chối chuyển giao"),
    "referrals.referral.sent": _("Gửi chuyển gửi"),
    "referrals.referral.accepted": _("Cơ sở nhận chuyển gửi"),
    "referrals.referral.declined": _("Cơ sở từ chối chuyển gửi"),
    "referrals.referral.completed": _("Cơ sở hoàn thành chuyển gửi"),
    "referrals.referral.revoked": _("Thu hồi chuyển gửi"),
    "referrals.referral.access_granted": _("Cơ sở được xem thông tin"),
    "referrals.referral.access_ended": _("Cơ sở hết quyền xem thông tin"),
    "referrals.help_request.converted": _("Mở từ yêu cầu trực tuyến"),
    "cases.case.assigned": _("Phân công cán bộ phụ trách"),
    "cases.case.picked_up": _("Cán bộ nhận vụ việc"),
    "cases.closure.requested": _("Đề nghị đóng vụ việc"),
    "cases.closure.returned": _("Trả lại đề nghị đóng vụ việc"),
    **services_notes.ACTION_LABELS,
    **services_survivor.ACTION_LABELS,
}


@register.filter
def action_label(action: str) -> Any:
    """What the case timeline says for an access-log action (the code itself when unknown)."""
    return ACTION_LABELS.get(action, action)
