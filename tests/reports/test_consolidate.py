"""Consolidation: the lead agency's report to the ministry pools its children's accepted
snapshots (never averaging percentages), quotes their paragraphs with their origin, lists
who is missing, keeps small cells hidden, and runs in a bounded number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gbvms.geo.models import AdminUnit
from gbvms.indicators.worker import process_pending
from gbvms.orgs.models import Agency, AgencyKind
from gbvms.reports import prefill
from gbvms.reports.consolidate import consolidated, pool
from gbvms.reports.models import ReportingObligation, Status, Submission, SubmissionVersion
from gbvms.reports.services_obligations import obligations_generate, submissions_open
from gbvms.reports.services_submissions import (
    submission_accept,
    submission_save_sections,
    submission_submit,
)
from tests.reports.conftest import YEAR
from tests.reports.test_prefill import by_code, cases, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(world):
    obligations_generate(plan=world.plan, actor=world.officer)
    submissions_open(year=YEAR)

    def get(agency, period="2026C"):
        return Submission.objects.get(obligation__submitter_agency=agency, period=period)

    world.get = get
    world.upward = lambda: Submission.objects.get(
        obligation__submitter_agency=world.lead, obligation__recipient_agency=world.ministry
    )
    return world


def send(cycle, agency, reporter, text=None, accept=True):
    draft = cycle.get(agency)
    if text is not None:
        sections = [{"key": "communication", "text": text}]
        draft = submission_save_sections(
            actor=reporter, submission=draft, version=draft.version, sections=sections
        )
    version = submission_submit(actor=reporter, submission=draft)
    if accept:
        submission_accept(actor=cycle.province_reporter, submission=cycle.get(agency))
    return version


def row(n, d, kind="ratio", suppressed=False, code="R02"):
    return {"indicator": code, "name": code, "kind": kind, "period": "2026", "numerator": n,
            "denominator": d, "value": None, "suppressed": suppressed,
            "source": "response"}  # fmt: skip


def test_pool_sums_numerators_and_denominators_never_averages():
    pooled = pool([[row(3, 4)], [row(1, 6)]])[0]
    # 4/10 = 40 %, not the mean of 75 % and 16.7 %
    assert (pooled["numerator"], pooled["denominator"], pooled["value"]) == (4, 10, 40.0)
    counts = pool([[row(5, None, "count")], [row(6, None, "count")], []])[0]
    assert (counts["numerator"], counts["value"]) == (11, 11.0)
    hidden = pool([[row(3, 4)], [row(None, None, suppressed=True)]])[0]
    assert hidden["suppressed"] is True
    assert (hidden["numerator"], hidden["value"]) == (None, None)
    median = pool([[row(None, 7, "median")], [row(None, 9, "median")]])[0]
    assert (median["value"], median["suppressed"]) == (None, False)
    # a malformed stored row is skipped, never a crash
    assert pool([[row(3, 4), {}, "x"], "not a list"])[0]["value"] == 75.0
    empty = pool([[row(0, 0)], [row(0, 0)]])[0]
    assert (empty["numerator"], empty["denominator"], empty["value"]) == (0, 0, None)


def test_consolidation_pools_the_communes_and_quotes_everyone(cycle, commune_a, commune_b):
    cases(cycle.personas["worker_a"], commune_a, 5)
    cases(cycle.personas["worker_b"], commune_b, 6)
    process_pending()
    send(cycle, cycle.a, cycle.reporter_a, "Phường tổ chức 3 buổi tọa đàm.")
    send(cycle, cycle.b, cycle.reporter_b, "Xã tổ chức 1 hội thi.")
    found = consolidated(cycle.upward())
    r01 = by_code(found.values)["R01"]
    assert (r01["numerator"], r01["value"], r01["suppressed"]) == (11, 11.0, False)
    assert r01["period"] == "2026C"
    assert found.quotes["communication"] == [
        {"unit": commune_a.name, "agency": "UBND phường Kon Tum", "version": 1,
         "text": "Phường tổ chức 3 buổi tọa đàm."},
        {"unit": commune_b.name, "agency": "UBND xã Đăk Tô", "version": 1,
         "text": "Xã tổ chức 1 hội thi."},
    ]  # fmt: skip
    assert found.texts["communication"] == (
        "— UBND phường Kon Tum (v1): Phường tổ chức 3 buổi tọa đàm.\n"
        "— UBND xã Đăk Tô (v1): Xã tổ chức 1 hội thi."
    )
    assert found.missing == [
        {"agency": "Sở Y tế tỉnh Quảng Ngãi", "unit": cycle.health.unit.name, "status": "draft"}
    ]
    assert found.missing_text == (
        "1/3 đơn vị chưa gửi báo cáo hoặc báo cáo chưa được tiếp nhận: Sở Y tế tỉnh Quảng Ngãi "
        "(Dự thảo)."
    )
    # the department reports the province's own figures: quoted, never added to the communes'
    send(cycle, cycle.health, cycle.health_reporter, "Sở Y tế tập huấn 2 lớp.")
    found = consolidated(cycle.upward())
    assert by_code(found.values)["R01"]["numerator"] == 11
    assert [q["agency"] for q in found.quotes["communication"]] == [
        "Sở Y tế tỉnh Quảng Ngãi", "UBND phường Kon Tum", "UBND xã Đăk Tô"]  # fmt: skip
    assert (found.missing, found.missing_text, found.pooled) == ([], "", 2)


def test_only_accepted_reports_count_and_the_prefill_uses_them(cycle, commune_a, commune_b):
    cases(cycle.personas["worker_a"], commune_a, 5)
    process_pending()
    send(cycle, cycle.a, cycle.reporter_a, "Phường tổ chức 3 buổi tọa đàm.")
    send(cycle, cycle.b, cycle.reporter_b, "Chưa tiếp nhận.", accept=False)
    found = consolidated(cycle.upward())
    assert by_code(found.values)["R01"]["numerator"] == 5
    # in unit order: the province's department first, then the communes
    assert [m["status"] for m in found.missing] == [Status.DRAFT, Status.SUBMITTED]
    assert [q["agency"] for q in found.quotes["communication"]] == ["UBND phường Kon Tum"]
    upward = prefill.submission_prefill(submission=cycle.upward())
    assert by_code(upward.values)["R01"]["numerator"] == 5
    assert text_of(upward, "communication") == (
        "— UBND phường Kon Tum (v1): Phường tổ chức 3 buổi tọa đàm."
    )
    assert text_of(upward, "data") == (
        "2/3 đơn vị chưa gửi báo cáo hoặc báo cáo chưa được tiếp nhận: Sở Y tế tỉnh Quảng Ngãi "
        "(Dự thảo), UBND xã Đăk Tô (Đã gửi)."
    )


def test_a_pooled_cell_that_would_uncover_a_hidden_one_is_suppressed(cycle, commune_a, commune_b):
    cases(cycle.personas["worker_a"], commune_a, 5)
    process_pending()
    send(cycle, cycle.a, cycle.reporter_a)  # a's snapshot: R01 = 5, shown
    assert by_code(consolidated(cycle.upward()).values)["R01"]["numerator"] == 5
    # two cases in b afterwards: b's cell is small, so 7 (province) − 5 (a's snapshot) would
    # show it; the pooled cell is hidden
    cases(cycle.personas["worker_b"], commune_b, 2)
    process_pending()
    r01 = by_code(consolidated(cycle.upward()).values)["R01"]
    assert r01["suppressed"] is True
    assert (r01["numerator"], r01["value"]) == (None, None)


def _children(cycle, count):
    """``count`` more commune People's Committees of the province, each with an accepted
    annual report (one snapshot)."""
    communes = (
        AdminUnit.objects.current()
        .filter(level="commune", path__startswith=cycle.lead.unit.path)
        .exclude(pk__in=[cycle.a.unit_id, cycle.b.unit_id])
        .order_by("path")
    )
    taken = Agency.objects.filter(kind=AgencyKind.PEOPLES_COMMITTEE).values("unit_id")
    template = cycle.get(cycle.a)
    for unit in communes.exclude(pk__in=taken)[:count]:
        agency = Agency.objects.create(name=f"UBND {unit.name}", kind=AgencyKind.PEOPLES_COMMITTEE,
                                       unit=unit)  # fmt: skip
        obligation = ReportingObligation.objects.create(
            requirement=cycle.annual, submitter_agency=agency, submitter_unit=unit,
            recipient_agency=cycle.lead, recipient_unit=cycle.lead.unit,
        )  # fmt: skip
        child = Submission.objects.create(
            obligation=obligation, period="2026C", due_at=template.due_at, status=Status.ACCEPTED
        )
        SubmissionVersion.objects.create(
            submission=child, number=1,
            values=[row(1, 2, code="R02"), row(5, None, "count", code="R01")],
            sections=[{"key": "communication", "title": "III.1", "text": f"{unit.name}."}],
        )  # fmt: skip


def _queries(cycle):
    upward = cycle.upward()
    with CaptureQueriesContext(connection) as captured:
        found = consolidated(upward)
    return len(captured), found


def test_consolidation_queries_do_not_grow_with_the_children(cycle, django_assert_max_num_queries):
    _children(cycle, 10)
    ten, found = _queries(cycle)
    assert (found.pooled, by_code(found.values)["R01"]["numerator"]) == (10, 50)
    assert by_code(found.values)["R02"]["denominator"] == 20
    _children(cycle, 20)
    thirty, found = _queries(cycle)
    assert (found.pooled, by_code(found.values)["R01"]["numerator"]) == (30, 150)
    assert len(found.quotes["communication"]) == 30
    assert ten == thirty
    upward = cycle.upward()
    with django_assert_max_num_queries(ten):
        consolidated(upward)
