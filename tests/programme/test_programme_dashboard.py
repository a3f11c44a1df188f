"""The programme view of the dashboard: P01 coverage commune by commune, trainings by group,
budget by source; who may read it."""

from __future__ import annotations

import datetime

import pytest

from gbvms.plans.models import Plan
from gbvms.programme.models import BudgetLine, Expenditure, TrainingRequirement
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(province, recorders):
    return Plan.objects.create(title="Kế hoạch thử", unit=province, start_year=2026,
                               end_year=2030, status="in_force",
                               created_by=recorders["officer"])  # fmt: skip


def test_coverage_shows_which_groups_each_commune_trained(
    recorders, training_of, plan, commune_a, agencies
):
    for group in ("collaborators", "trusted_address", "ge_staff"):
        TrainingRequirement.objects.create(plan=plan, target_group=group, level="commune")
    training_of(recorders["rec_a"])  # collaborators and trusted_address, not ge_staff
    line = BudgetLine.objects.create(
        code="KP-T-1", title="Dòng", unit=commune_a, lead_agency=agencies["a"], fiscal_year=2026,
        start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31), funding_source="commune",
        amount_allocated=1_000_000)  # fmt: skip
    Expenditure.objects.create(budget_line=line, date=datetime.date(2026, 3, 1), amount=250_000)
    client = verified_client(recorders["stat"])
    page = client.get("/indicators/programme/", {"unit": "51", "year": "2026"})
    assert page.status_code == 200
    coverage = {row.unit.code: row for row in page.context["coverage"]}
    assert coverage["23293"].trained == {"collaborators", "trusted_address"}
    assert not coverage["23293"].met
    assert not coverage["23401"].met
    assert coverage["23401"].covered == 0
    assert page.context["coverage_met"] == 0
    groups = {row.code: row for row in page.context["trainings"]}
    assert (groups["collaborators"].female, groups["collaborators"].male) == (12, 3)
    assert page.context["budget"][0]["rate"] == 25.0
    html = page.content.decode()
    assert "Ngân sách địa phương cấp xã" in html
    assert "1.000.000" in html
    assert "commune</" not in html  # labels, not codes


def test_a_commune_with_every_required_group_trained_is_met(recorders, training_of, plan):
    TrainingRequirement.objects.create(plan=plan, target_group="collaborators", level="commune")
    training_of(recorders["rec_a"])
    page = verified_client(recorders["stat"]).get("/indicators/programme/?unit=23293&year=2026")
    assert [row.met for row in page.context["coverage"]] == [True]


def test_only_indicator_readers_open_it(recorders, other_province):
    assert verified_client(recorders["worker_a"]).get("/indicators/programme/").status_code == 403
    stat = verified_client(recorders["stat"])
    assert stat.get("/indicators/programme/?unit=01").status_code == 403
    assert stat.get("/indicators/programme/?year=abc").status_code == 200
