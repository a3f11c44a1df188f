"""Completeness and timeliness exactly as REPORTING §B.5."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from gbvms.reports.completeness import completeness
from gbvms.reports.models import Submission
from gbvms.reports.services_obligations import obligations_generate, submissions_open
from gbvms.reports.services_submissions import (
    submission_return,
    submission_save_sections,
    submission_submit,
)
from tests.reports.conftest import YEAR, aware

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(world):
    obligations_generate(plan=world.plan, actor=world.officer)
    submissions_open(year=YEAR)
    return world


def _submit_at(monkeypatch, moment, reporter, submission):
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return submission_submit(actor=reporter, submission=submission)


def _of(agency, period="2026S1C"):
    return Submission.objects.get(obligation__submitter_agency=agency, period=period)


def test_nothing_submitted(cycle, province):
    result = completeness(requirement=cycle.semiannual, period="2026S1C", unit=province)
    assert result.as_dict() == {
        "expected": 3,
        "submitted": 0,
        "on_time": 0,
        "reporting_rate": 0.0,
        "on_time_rate": 0.0,
        "in_draft": 3,
        "returns_per_report": None,
        "median_days_late": None,
    }


def test_rates_on_time_late_and_a_late_resubmission(cycle, province, monkeypatch):
    # a: on time (one second before the due time), returned, resubmitted late: still on time
    _submit_at(
        monkeypatch,
        aware(2026, 6, 15, 23) + datetime.timedelta(minutes=59, seconds=58),
        cycle.reporter_a,
        _of(cycle.a),
    )
    submission_return(actor=cycle.province_reporter, submission=_of(cycle.a), reason="Thiếu")
    sub = _of(cycle.a)
    submission_save_sections(
        actor=cycle.reporter_a,
        submission=sub,
        sections=[{"key": "data", "text": "x"}],
        version=sub.version,
    )
    _submit_at(monkeypatch, aware(2026, 6, 20), cycle.reporter_a, _of(cycle.a))
    # b: three days late (12:00 on 18/06 against 23:59:59 on 15/06 → 2.5 days)
    _submit_at(monkeypatch, aware(2026, 6, 18), cycle.reporter_b, _of(cycle.b))
    # health: still a draft
    result = completeness(requirement=cycle.semiannual, period="2026S1C", unit=province)
    assert (result.expected, result.submitted, result.on_time) == (3, 2, 1)
    assert result.reporting_rate == 66.7
    assert result.on_time_rate == 33.3
    assert result.in_draft == 1
    assert result.returns_per_report == 0.5
    assert result.median_days_late == 2.5


def test_the_first_second_after_the_due_time_is_late(cycle, province, monkeypatch):
    due = _of(cycle.a).due_at
    _submit_at(monkeypatch, due + datetime.timedelta(seconds=1), cycle.reporter_a, _of(cycle.a))
    _submit_at(monkeypatch, due, cycle.reporter_b, _of(cycle.b))
    result = completeness(requirement=cycle.semiannual, period="2026S1C", unit=province)
    assert (result.submitted, result.on_time) == (2, 1)


def test_expected_counts_only_active_obligations_of_valid_units(cycle, province, commune_b):
    from gbvms.reports.models import ReportingObligation

    ReportingObligation.objects.filter(submitter_agency=cycle.health).update(active=False)
    assert completeness(requirement=cycle.semiannual, period="2026S1C", unit=province).expected == 2
    type(commune_b).objects.filter(pk=commune_b.pk).update(valid_from=datetime.date(2026, 7, 1))
    result = completeness(requirement=cycle.semiannual, period="2026S1C", unit=province)
    assert result.expected == 1


def test_completeness_of_a_unit_counts_only_the_recipients_inside_it(cycle, commune_a, province):
    result = completeness(requirement=cycle.semiannual, period="2026S1C", unit=commune_a)
    assert result.expected == 0
    assert result.reporting_rate is None
    assert result.on_time_rate is None
    upward = completeness(requirement=cycle.upward, period="2026C", unit=province)
    assert upward.expected == 0  # the ministry sits outside the province
