"""A province plan with its reporting requirements, tasked agencies and reporters.

Chain: the two communes' People's Committees and the Department of Health report to the
Department of Home Affairs (the lead), which reports to the ministry."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from gbvms.orgs.models import Agency, AgencyKind
from gbvms.plans.models import Assignment, Plan, ReportingRequirement, ReportKind, Role
from tests.conftest import make_agency, make_user

YEAR = 2026


@pytest.fixture
def world(personas, agencies, province, commune_a, commune_b, other_province):
    issuer = make_agency("UBND tỉnh Quảng Ngãi", province)
    health = make_agency("Sở Y tế tỉnh Quảng Ngãi", province, AgencyKind.HEALTH)
    ministry = make_agency("Bộ Nội vụ", other_province, AgencyKind.HOME_AFFAIRS)
    lead = agencies["province"]
    plan = Plan.objects.create(
        title="Kế hoạch thực hiện Chương trình phòng, chống bạo lực trên cơ sở giới",
        unit=province,
        issuer=issuer,
        start_year=YEAR,
        end_year=YEAR,
        created_by=personas["officer"],
    )
    semiannual = ReportingRequirement.objects.create(
        plan=plan,
        kind=ReportKind.SEMIANNUAL,
        due_month=6,
        due_day=15,
        recipient=lead,
        text="Báo cáo 6 tháng trước ngày 15/6",
    )
    annual = ReportingRequirement.objects.create(
        plan=plan,
        kind=ReportKind.ANNUAL,
        due_month=11,
        due_day=30,
        recipient=lead,
        text="Báo cáo năm trước ngày 30/11",
    )
    upward = ReportingRequirement.objects.create(
        plan=plan,
        kind=ReportKind.ANNUAL,
        due_month=12,
        due_day=15,
        recipient=ministry,
        text="Báo cáo Bộ Nội vụ trước ngày 15/12",
    )
    Assignment.objects.create(plan=plan, agency=health, role=Role.RESPONSIBLE)
    Assignment.objects.create(plan=plan, agency=lead, role=Role.LEAD)
    return SimpleNamespace(
        plan=plan,
        issuer=issuer,
        health=health,
        ministry=ministry,
        lead=lead,
        a=agencies["a"],
        b=agencies["b"],
        semiannual=semiannual,
        annual=annual,
        upward=upward,
        officer=personas["officer"],
        reporter_a=make_user("reporter_a", (agencies["a"], "reporting_officer", commune_a)),
        reporter_b=make_user("reporter_b", (agencies["b"], "reporting_officer", commune_b)),
        province_reporter=make_user("province_reporter", (lead, "reporting_officer", province)),
        health_reporter=make_user("health_reporter", (health, "reporting_officer", province)),
        ministry_reporter=make_user("ministry_reporter", (ministry, "reporting_officer", None)),
        personas=personas,
    )


def aware(y: int, m: int, d: int, hh: int = 12) -> datetime.datetime:
    from zoneinfo import ZoneInfo

    return datetime.datetime(y, m, d, hh, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def agency_named(name: str) -> Agency:
    return Agency.objects.get(name=name)
