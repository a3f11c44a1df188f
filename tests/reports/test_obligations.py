"""Obligations from a plan, their periods and due times, and opening the year's drafts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gbvms.core.models import AccessLog
from gbvms.indicators.periods import PeriodError
from gbvms.plans.models import Assignment, ReportingRequirement, ReportKind
from gbvms.reports import periods
from gbvms.reports.models import ReportingObligation, Status, Submission
from gbvms.reports.outline import PERIODIC
from gbvms.reports.services_obligations import (
    due_at,
    obligations_generate,
    periods_for,
    submissions_open,
)
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db


def _matrix(requirement=None, active=True):
    rows = ReportingObligation.objects.filter(active=active)
    if requirement is not None:
        rows = rows.filter(requirement=requirement)
    return {(o.requirement_id, o.submitter_agency.name, o.recipient_agency.name) for o in rows}


def test_generate_builds_the_matrix_from_assignments_communes_and_the_upward_report(world):
    result = obligations_generate(plan=world.plan, actor=world.officer)
    lead = world.lead.name
    expected = set()
    for requirement in (world.semiannual, world.annual):
        for submitter in (world.a, world.b, world.health):
            expected.add((requirement.pk, submitter.name, lead))
    expected.add((world.upward.pk, lead, world.ministry.name))
    assert _matrix() == expected
    assert len(result.created) == 7
    assert result.skipped == []
    obligation = ReportingObligation.objects.get(requirement=world.upward)
    assert obligation.submitter_unit == world.lead.unit
    assert obligation.recipient_unit == world.ministry.unit
    assert AccessLog.objects.unscoped().filter(action="reports.obligations.generated").count() == 1


def test_generate_is_idempotent_and_deactivates_what_no_longer_applies(world):
    obligations_generate(plan=world.plan, actor=world.officer)
    again = obligations_generate(plan=world.plan, actor=world.officer)
    assert again.created == []
    assert again.deactivated == 0
    assert ReportingObligation.objects.count() == 7
    submissions_open(year=YEAR)
    Assignment.objects.filter(agency=world.health).delete()
    result = obligations_generate(plan=world.plan, actor=world.officer)
    assert result.deactivated == 2
    inactive = _matrix(active=False)
    assert {name for _r, name, _to in inactive} == {world.health.name}
    # the health department's drafts are kept
    assert Submission.objects.filter(obligation__submitter_agency=world.health).count() == 2
    Assignment.objects.create(plan=world.plan, agency=world.health, role="responsible")
    back = obligations_generate(plan=world.plan, actor=world.officer)
    assert back.reactivated == 2
    assert back.created == []
    assert _matrix(active=False) == set()


def test_a_report_to_the_issuer_comes_from_the_lead_agency_alone(world):
    """ "Sở Nội vụ tổng hợp, báo cáo UBND tỉnh": the issuer receives the lead's consolidated
    report, not one from every commune and department."""
    to_issuer = ReportingRequirement.objects.create(
        plan=world.plan, kind=ReportKind.ANNUAL, due_month=12, due_day=5,
        recipient=world.issuer, text="Sở Nội vụ tổng hợp, báo cáo UBND tỉnh trước ngày 05/12",
    )  # fmt: skip
    obligations_generate(plan=world.plan, actor=world.officer)
    assert _matrix(to_issuer) == {(to_issuer.pk, world.lead.name, world.issuer.name)}
    assert {name for _r, name, _to in _matrix(world.annual)} == {
        world.a.name, world.b.name, world.health.name}  # fmt: skip


def test_the_province_peoples_committee_counts_as_issuer_when_the_plan_names_it_only(world):
    world.plan.issuer = None
    world.plan.save(update_fields=["issuer"])
    to_committee = ReportingRequirement.objects.create(
        plan=world.plan, kind=ReportKind.ANNUAL, due_month=12, due_day=5,
        recipient=world.issuer, text="Sở Nội vụ tổng hợp, báo cáo UBND tỉnh trước ngày 05/12",
    )  # fmt: skip
    obligations_generate(plan=world.plan, actor=world.officer)
    assert _matrix(to_committee) == {(to_committee.pk, world.lead.name, world.issuer.name)}


def test_a_requirement_without_a_recipient_is_skipped(world):
    orphan = ReportingRequirement.objects.create(
        plan=world.plan, kind=ReportKind.ANNUAL, due_month=11, due_day=30, text="Báo cáo"
    )
    result = obligations_generate(plan=world.plan, actor=world.officer)
    assert result.skipped == [orphan.pk]
    assert not ReportingObligation.objects.filter(requirement=orphan).exists()


def test_only_units_valid_on_the_period_end_report(world, commune_b):
    type(commune_b).objects.filter(pk=commune_b.pk).update(valid_from=datetime.date(2027, 1, 1))
    obligations_generate(plan=world.plan, actor=world.officer)
    assert world.b.name not in {name for _r, name, _to in _matrix()}
    assert world.a.name in {name for _r, name, _to in _matrix()}


def test_generating_needs_plans_manage(world):
    with pytest.raises(PermissionDenied):
        obligations_generate(plan=world.plan, actor=world.reporter_a)
    assert ReportingObligation.objects.count() == 0
    assert not AccessLog.objects.unscoped().filter(action="reports.obligations.generated").exists()


@pytest.mark.parametrize(
    ("kind", "month", "day", "text", "keys"),
    [
        (ReportKind.SEMIANNUAL, 6, 15, "6 tháng", ["2026S1C"]),
        (ReportKind.SEMIANNUAL, 7, 15, "6 tháng", ["2026S1"]),
        (ReportKind.SEMIANNUAL, 12, 10, "6 tháng cuối năm", ["2026S2C"]),
        (ReportKind.ANNUAL, 11, 30, "năm", ["2026C"]),
        (ReportKind.ANNUAL, 12, 31, "năm", ["2026"]),
        (ReportKind.OTHER, 12, 20, "Báo cáo kết quả Tháng hành động", ["2026AM"]),
        (ReportKind.ANNUAL, None, None, "năm", []),
    ],
)
def test_periods_for(world, kind, month, day, text, keys):
    requirement = ReportingRequirement(
        plan=world.plan, kind=kind, due_month=month, due_day=day, text=text
    )
    assert periods_for(requirement, 2026) == keys


def test_a_one_off_report_belongs_to_the_year_of_its_due_date(world):
    requirement = ReportingRequirement(
        plan=world.plan, kind=ReportKind.ONCE, due_date=datetime.date(2026, 3, 1), text="x"
    )
    assert periods_for(requirement, 2026) == ["2026"]
    assert periods_for(requirement, 2027) == []
    assert due_at(requirement, "2026").date() == datetime.date(2026, 3, 1)


def test_due_at_is_the_last_second_of_the_due_day_in_vietnam(world):
    moment = due_at(world.semiannual, "2026S1C")
    assert moment.isoformat() == "2026-06-15T23:59:59+07:00"
    assert moment.astimezone(datetime.UTC).hour == 16
    assert due_at(world.annual, "2026C").isoformat() == "2026-11-30T23:59:59+07:00"


def test_the_action_month_period():
    period = periods.parse("2026AM")
    assert (period.start, period.end, period.type) == (
        datetime.date(2026, 11, 15),
        datetime.date(2026, 12, 15),
        "AM",
    )
    assert periods.parse("2026S1").end == datetime.date(2026, 6, 30)
    with pytest.raises(PeriodError):
        periods.parse("2026XM")


def test_submissions_open_drafts_once_per_obligation_and_period(world):
    obligations_generate(plan=world.plan, actor=world.officer)
    opened = submissions_open(year=YEAR)
    assert len(opened) == 7
    assert {s.period for s in opened} == {"2026S1C", "2026C"}
    assert all(s.status == Status.DRAFT and s.version == 1 for s in opened)
    draft = Submission.objects.get(obligation__submitter_agency=world.a, period="2026S1C")
    assert [s["key"] for s in draft.sections] == [key for key, _t in PERIODIC]
    assert draft.due_at == due_at(world.semiannual, "2026S1C")
    assert submissions_open(year=YEAR) == []
    assert Submission.objects.count() == 7
    assert submissions_open(year=YEAR + 1) == []  # outside the plan's years


def test_no_draft_for_an_inactive_obligation(world):
    obligations_generate(plan=world.plan, actor=world.officer)
    ReportingObligation.objects.filter(submitter_agency=world.health).update(active=False)
    submissions_open(year=YEAR)
    assert not Submission.objects.filter(obligation__submitter_agency=world.health).exists()
    assert Submission.objects.count() == 5


def test_an_officer_adds_an_obligation_by_hand_and_generating_keeps_it(world):
    from gbvms.reports.services_obligations import obligation_add, obligation_set_active

    obligations_generate(plan=world.plan, actor=world.officer)
    # the ministry is outside the province plan's unit: refused with a field error
    with pytest.raises(ValidationError) as outside:
        obligation_add(requirement=world.annual, submitter_agency=world.ministry,
                       actor=world.officer)  # fmt: skip
    assert "agency" in outside.value.message_dict
    with pytest.raises(ValidationError):
        obligation_add(requirement=world.annual, submitter_agency=world.lead, actor=world.officer)
    with pytest.raises(PermissionDenied):
        obligation_add(requirement=world.annual, submitter_agency=world.issuer,
                       actor=world.reporter_a)  # fmt: skip
    added = obligation_add(requirement=world.annual, submitter_agency=world.issuer,
                           actor=world.officer)  # fmt: skip
    assert (added.manual, added.active, added.recipient_agency) == (True, True, world.lead)
    health = ReportingObligation.objects.get(requirement=world.annual,
                                             submitter_agency=world.health)  # fmt: skip
    obligation_set_active(obligation=health, active=False, actor=world.officer)
    again = obligations_generate(plan=world.plan, actor=world.officer)
    assert (again.created, again.reactivated, again.deactivated) == ([], 0, 0)
    health.refresh_from_db()
    added.refresh_from_db()
    assert (health.active, added.active) == (False, True)
    logged = AccessLog.objects.unscoped().filter(action__startswith="reports.obligation.")
    assert logged.count() == 2


def test_the_obligations_page_adds_and_switches(world):
    from tests.conftest import verified_client

    obligations_generate(plan=world.plan, actor=world.officer)
    officer = verified_client(world.officer)
    page = officer.get("/reports/obligations/").content.decode()
    assert 'data-testid="add-obligation"' in page
    add = {"requirement": world.annual.pk, "agency": world.issuer.pk}
    response = officer.post(f"/reports/obligations/{world.plan.pk}/add", add)
    assert response.status_code == 302
    assert ReportingObligation.objects.filter(submitter_agency=world.issuer, manual=True).exists()
    bad = officer.post(f"/reports/obligations/{world.plan.pk}/add",
                       {"requirement": "x", "agency": 10**30}, follow=True)  # fmt: skip
    assert bad.status_code == 200
    assert "Chọn yêu cầu báo cáo" in bad.content.decode()
    health = ReportingObligation.objects.get(requirement=world.annual,
                                             submitter_agency=world.health)  # fmt: skip
    off = officer.post(f"/reports/obligations/item/{health.pk}/switch", {"active": "0"})
    assert off.status_code == 302
    health.refresh_from_db()
    assert not health.active
    reporter = verified_client(world.reporter_a)
    assert reporter.post(f"/reports/obligations/item/{health.pk}/switch",
                         {"active": "1"}).status_code == 404  # fmt: skip
    assert reporter.post(f"/reports/obligations/{world.plan.pk}/add",
                         {"requirement": world.annual.pk, "agency": world.issuer.pk}
                         ).status_code in (403, 404)  # fmt: skip
