"""Roles and their permissions, defined in code (documented on the /roles page).

A membership gives one role in one agency over one administrative-unit subtree; a permission
below is granted over that subtree only. Later apps add permissions here, never in views.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Permission:
    code: str
    label: str


P = Permission
PERMISSIONS: dict[str, Permission] = {
    p.code: p
    for p in [
        P("geo.view", _("Xem đơn vị hành chính")),
        P("orgs.view", _("Xem cơ quan, người dùng và phân quyền")),
        P("orgs.manage", _("Quản lý cơ quan, người dùng và phân quyền")),
        P("audit.view", _("Xem nhật ký truy cập")),
        P("cases.intake", _("Tiếp nhận vụ việc")),
        P("cases.view", _("Xem vụ việc được phân công")),
        P("cases.edit", _("Cập nhật vụ việc được phân công")),
        P("cases.supervise", _("Giám sát, phân công và đóng vụ việc")),
        P("referrals.receive", _("Tiếp nhận và xử lý chuyển gửi")),
        P("plans.view", _("Xem kế hoạch")),
        P("plans.manage", _("Quản lý kế hoạch và hoạt động")),
        P("reports.submit", _("Lập và gửi báo cáo")),
        P("reports.approve", _("Duyệt báo cáo của cấp dưới")),
        P("indicators.view", _("Xem chỉ tiêu và số liệu tổng hợp")),
        P("indicators.export", _("Xuất số liệu tổng hợp (DHIS2, XLSX)")),
        P(
            "programme.view",
            _("Xem kết quả thực hiện chương trình (truyền thông, tập huấn, mô hình…)"),
        ),
        P("programme.record", _("Ghi nhận kết quả thực hiện của cơ quan mình")),
        P("programme.manage", _("Quản lý kết quả thực hiện chương trình trong phạm vi")),
    ]
}


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    description: str
    permissions: frozenset[str]


def _role(code: str, label: str, description: str, perms: list[str]) -> Role:
    unknown = set(perms) - PERMISSIONS.keys()
    if unknown:
        raise ValueError(f"unknown permissions {unknown} in role {code}")
    return Role(code, label, description, frozenset(perms))


ROLES: dict[str, Role] = {
    r.code: r
    for r in [
        _role(
            "administrator",
            _("Quản trị viên"),
            _("Quản lý cơ quan, tài khoản, phân quyền và xem nhật ký truy cập trong phạm vi."),
            ["geo.view", "orgs.view", "orgs.manage", "audit.view"],
        ),
        _role(
            "programme_officer",
            _("Cán bộ chương trình"),
            _("Quản lý kế hoạch, hoạt động; xem số liệu tổng hợp, không xem danh tính."),
            [
                "geo.view",
                "orgs.view",
                "plans.view",
                "plans.manage",
                "indicators.view",
                "programme.view",
                "programme.record",
                "programme.manage",
            ],
        ),
        _role(
            "reporting_officer",
            _("Cán bộ báo cáo"),
            _("Lập, gửi và duyệt báo cáo định kỳ của đơn vị."),
            [
                "geo.view",
                "plans.view",
                "reports.submit",
                "reports.approve",
                "indicators.view",
                "programme.view",
                "programme.record",
            ],
        ),
        _role(
            "case_worker",
            _("Cán bộ quản lý trường hợp"),
            _("Tiếp nhận và quản lý các vụ việc được phân công."),
            ["geo.view", "cases.intake", "cases.view", "cases.edit"],
        ),
        _role(
            "case_supervisor",
            _("Giám sát quản lý trường hợp"),
            _("Phân công, giám sát, duyệt đóng vụ việc của cán bộ trong phạm vi."),
            ["geo.view", "cases.intake", "cases.view", "cases.edit", "cases.supervise"],
        ),
        _role(
            "hotline_operator",
            _("Tư vấn viên đường dây nóng"),
            _("Tiếp nhận nhanh cuộc gọi và mở vụ việc."),
            ["geo.view", "cases.intake"],
        ),
        _role(
            "provider_staff",
            _("Nhân viên cơ sở cung cấp dịch vụ"),
            _("Tiếp nhận chuyển gửi tới cơ sở và ghi nhận dịch vụ đã cung cấp."),
            ["geo.view", "referrals.receive"],
        ),
        _role(
            "statistician",
            _("Cán bộ thống kê"),
            _("Xem và xuất số liệu tổng hợp đã ẩn ô nhỏ; không xem danh tính."),
            ["geo.view", "plans.view", "indicators.view", "indicators.export"],
        ),
        _role(
            "viewer",
            _("Người xem"),
            _("Xem kế hoạch và số liệu tổng hợp."),
            ["geo.view", "plans.view", "indicators.view"],
        ),
    ]
}

ROLE_CHOICES = [(r.code, r.label) for r in ROLES.values()]


def role_permissions(role_code: str) -> frozenset[str]:
    role = ROLES.get(role_code)
    return role.permissions if role else frozenset()


def roles_with(permission: str) -> list[str]:
    return [r.code for r in ROLES.values() if permission in r.permissions]
