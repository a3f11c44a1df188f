"""The demo data set: Quảng Ngãi (51), its departments, two communes and one user per role.

Never loaded unless settings.DEMO_ALLOWED (on only with GBVMS_DEBUG=1 or GBVMS_DEMO_ALLOWED=1).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from gbvms.core.audit import log_action
from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency, AgencyKind, Membership, User

PROVINCE = "51"  # Tỉnh Quảng Ngãi, which absorbed the former Kon Tum on 1 July 2025
COMMUNE_A = "23293"  # Phường Kon Tum
COMMUNE_B = "23401"  # Xã Đăk Tô

# (key, name, short name, kind, unit code, parent key)
# ruff: noqa: E501
AGENCIES = [
    ("ubnd", "Ủy ban nhân dân tỉnh Quảng Ngãi", "UBND tỉnh", AgencyKind.PEOPLES_COMMITTEE, PROVINCE, None),
    ("noivu", "Sở Nội vụ tỉnh Quảng Ngãi", "Sở NV", AgencyKind.HOME_AFFAIRS, PROVINCE, "ubnd"),
    ("yte", "Sở Y tế tỉnh Quảng Ngãi", "Sở YT", AgencyKind.HEALTH, PROVINCE, "ubnd"),
    ("congan", "Công an tỉnh Quảng Ngãi", "CA tỉnh", AgencyKind.POLICE, PROVINCE, None),
    ("tuphap", "Sở Tư pháp tỉnh Quảng Ngãi", "Sở TP", AgencyKind.JUSTICE, PROVINCE, "ubnd"),
    ("giaoduc", "Sở Giáo dục và Đào tạo tỉnh Quảng Ngãi", "Sở GD&ĐT", AgencyKind.EDUCATION, PROVINCE, "ubnd"),
    ("vanhoa", "Sở Văn hóa, Thể thao và Du lịch tỉnh Quảng Ngãi", "Sở VHTTDL", AgencyKind.CULTURE, PROVINCE, "ubnd"),
    ("phunu", "Hội Liên hiệp Phụ nữ tỉnh Quảng Ngãi", "Hội LHPN tỉnh", AgencyKind.WOMENS_UNION, PROVINCE, None),
    ("ctxh", "Trung tâm Công tác xã hội tỉnh Quảng Ngãi", "TT CTXH", AgencyKind.SERVICE_PROVIDER, PROVINCE, "yte"),
    ("xa_a", "Ủy ban nhân dân phường Kon Tum", "UBND P. Kon Tum", AgencyKind.PEOPLES_COMMITTEE, COMMUNE_A, "ubnd"),
    ("xa_b", "Ủy ban nhân dân xã Đăk Tô", "UBND X. Đăk Tô", AgencyKind.PEOPLES_COMMITTEE, COMMUNE_B, "ubnd"),
]  # fmt: skip

# (username, full name, agency key, role, scope unit code)
USERS = [
    ("admin", "Quản trị viên (demo)", "noivu", "administrator", PROVINCE),
    ("officer", "Cán bộ chương trình tỉnh (demo)", "noivu", "programme_officer", PROVINCE),
    ("worker1", "Cán bộ QLTH phường Kon Tum (demo)", "xa_a", "case_worker", COMMUNE_A),
    ("worker2", "Cán bộ QLTH xã Đăk Tô (demo)", "xa_b", "case_worker", COMMUNE_B),
    ("supervisor", "Giám sát QLTH tỉnh (demo)", "ctxh", "case_supervisor", PROVINCE),
    ("statistician", "Cán bộ thống kê (demo)", "noivu", "statistician", PROVINCE),
    ("hotline", "Tư vấn viên đường dây nóng (demo)", "phunu", "hotline_operator", PROVINCE),
    ("provider", "Nhân viên TT CTXH (demo)", "ctxh", "provider_staff", PROVINCE),
    (
        "recorder",
        "Cán bộ văn hóa - xã hội phường Kon Tum (demo)",
        "xa_a",
        "reporting_officer",
        COMMUNE_A,
    ),
    # reports (issue 12): the two communes' People's Committees, and the Department of Home
    # Affairs, which receives and approves their reports and sends its own upwards
    ("reporter1", "Cán bộ báo cáo UBND phường Kon Tum (demo)", "xa_a", "reporting_officer",
     COMMUNE_A),
    ("reporter2", "Cán bộ báo cáo UBND xã Đăk Tô (demo)", "xa_b", "reporting_officer",
     COMMUNE_B),
    ("province_reporter", "Cán bộ tổng hợp báo cáo Sở Nội vụ (demo)", "noivu",
     "reporting_officer", PROVINCE),
]  # fmt: skip


@dataclass
class DemoResult:
    agencies: int
    users: list[tuple[str, str, str]]  # username, role, scope name


def _unit(code: str, level: str) -> AdminUnit:
    unit = AdminUnit.objects.filter(level=level, code=code, valid_to__isnull=True).first()
    if unit is None:
        raise ImproperlyConfigured("administrative units are not loaded: run load_units first")
    return unit


@transaction.atomic
def demo_load() -> DemoResult:
    if not settings.DEMO_ALLOWED:
        raise ImproperlyConfigured(
            "demo data is refused: set GBVMS_DEBUG=1 or GBVMS_DEMO_ALLOWED=1"
        )
    agencies: dict[str, Agency] = {}
    for key, name, short, kind, code, parent in AGENCIES:
        unit = _unit(code, "province" if code == PROVINCE else "commune")
        agencies[key], _ = Agency.objects.update_or_create(
            unit=unit,
            name=name,
            defaults={"short_name": short, "kind": kind, "parent": agencies.get(parent or "")},
        )
    users = []
    for username, full_name, agency_key, role, code in USERS:
        scope = _unit(code, "province" if code == PROVINCE else "commune")
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name}
        )
        if created or not user.check_password(settings.DEMO_PASSWORD):
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(
            user=user, agency=agencies[agency_key], role=role, scope_unit=scope
        )
        users.append((username, role, scope.name))
    log_action(action="core.demo.loaded", username="system")
    return DemoResult(agencies=len(agencies), users=users)


def demo_lines(options: dict[str, object]) -> list[str]:
    result = demo_load()
    lines = [
        f"demo: {result.agencies} agencies in Tỉnh Quảng Ngãi (51)",
        f"demo accounts (password: {settings.DEMO_PASSWORD}):",
    ]
    lines += [f"  {username:<17} {role:<18} {scope}" for username, role, scope in result.users]
    lines.append("  (admin must set up a TOTP second factor at first sign-in)")
    return lines
