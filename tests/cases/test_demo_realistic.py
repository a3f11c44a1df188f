"""The demo tells 18 months of case work: the scenario generator (pure, deterministic, sane
distributions) and a small load through the services (the records each step should leave)."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import F

from gbvms.cases.demo import DEFAULT_CASES
from gbvms.cases.demo_scenario import local_day, scenarios
from gbvms.cases.models import (
    Case,
    FollowUp,
    Intervention,
    Need,
    ProtectiveMeasure,
    RiskAssessment,
    ServiceRecord,
)
from gbvms.core.management.commands.load_demo import Command as LoadDemo
from gbvms.referrals.models import Referral

NOW = datetime.datetime(2026, 11, 20, 3, 0, tzinfo=datetime.UTC)
COMMUNES = ["23293", "23401", *[str(24000 + i) for i in range(60)]]


def _stories(count: int = 1500, seed: int = 2026):
    return scenarios(seed=seed, count=count, now=NOW, communes=COMMUNES)


def test_scenarios_are_deterministic_for_a_seed():
    assert _stories(200) == _stories(200)
    assert _stories(200) != _stories(200, seed=7)


def test_every_moment_lies_between_detection_and_now():
    for story in _stories():
        assert story.detected_at <= story.opened_at <= NOW
        assert all(story.detected_at <= t <= NOW for t in story.times()), story
        assert story.occurred_on <= local_day(story.detected_at)
        assert all(local_day(story.detected_at) <= i.on for i in story.interventions)
        if story.closure:
            assert story.closure.at == max(story.times())
        if story.closure and story.closure.reason == "needs_met":
            assert all(f.done_at for f in story.follow_ups)


def test_the_distributions_are_those_of_a_working_province():
    stories = _stories()
    span = NOW - min(s.detected_at for s in stories)
    assert datetime.timedelta(days=500) < span <= datetime.timedelta(days=549)
    served = [s for s in stories if s.services]
    late = [s for s in served if min(x.at for x in s.services) - s.detected_at
            > datetime.timedelta(hours=24)]  # fmt: skip
    assert 0.05 <= len(late) / len(served) <= 0.30
    refused = [s for s in stories if s.refused]
    assert 0.03 <= len(refused) / len(stories) <= 0.15
    types = Counter(s.gbv_type for s in stories)
    assert set(types) == {"rape", "sexual_assault", "physical_assault", "forced_marriage",
                          "denial_of_resources", "psychological_abuse", "non_gbv"}  # fmt: skip
    assert types["physical_assault"] > types["rape"] > 0
    assert set(Counter(s.risk_level for s in stories)) == {"", "low", "medium", "high", "extreme"}
    outcomes = Counter(r.outcome for s in stories for r in s.referrals)
    assert set(outcomes) == {"pending", "accepted", "declined", "completed"}
    reasons = Counter(s.closure.reason for s in stories if s.closure)
    assert reasons.most_common(1)[0][0] == "needs_met"
    assert {"survivor_request", "no_contact", "other"} <= set(reasons)
    assert 0.3 < sum(reasons.values()) / len(stories) < 0.85
    duplicates = [s for s in stories if s.duplicate_of is not None]
    assert 10 <= len(duplicates) <= 30
    for story in duplicates:
        original = stories[story.duplicate_of]
        assert story.survivor == original.survivor
        assert story.commune == original.commune
    decisions = Counter(s.measure.decision for s in stories if s.measure)
    assert set(decisions) == {"pending", "granted", "refused"}
    kinds = Counter(i.kind for s in stories for i in s.interventions)
    assert kinds["counselling"] > 0
    assert kinds["criminal"] > 0
    assert kinds["admin_sanction"] > 0
    assert any(c.step == "emergency" for s in stories for c in s.child_steps)
    open_overdue = [f for s in stories if not s.closure for f in s.follow_ups
                    if f.done_at is None and f.due_on < NOW.date()]  # fmt: skip
    assert open_overdue
    local = sum(s.commune in {"23293", "23401"} for s in stories) / len(stories)
    assert 0.25 < local < 0.4


def test_load_demo_defaults_to_two_thousand_cases():
    parser = LoadDemo().create_parser("manage.py", "load_demo")
    assert parser.parse_args([]).cases == DEFAULT_CASES == 2000


@pytest.mark.django_db
def test_a_small_demo_goes_through_the_services(settings):
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    with time_machine.travel(NOW, tick=False):
        call_command("load_demo", cases=40)
    cases = Case.objects.unscoped().filter(unit__path__startswith="/51/")
    assert cases.count() == 40
    # every case went through intake: incident classified, times not before detection
    assert not cases.filter(incidents__gbv_type="").exists()
    assert cases.filter(incidents__gbv_type="non_gbv").exists()
    services = ServiceRecord.objects.unscoped()
    assert services.count() > 30
    assert not services.filter(delivered_at__lt=F("case__detected_at")).exists()
    assert not services.filter(delivered_at__gt=NOW).exists()
    assert cases.filter(first_support_at__gt=F("detected_at") + datetime.timedelta(hours=24))
    assert Need.objects.unscoped().filter(status="declined").exists()
    assert Need.objects.unscoped().filter(status="provided").exists()
    assert set(RiskAssessment.objects.unscoped().values_list("level", flat=True)) >= {
        "low", "medium", "high"
    }  # fmt: skip
    # referrals to the demo providers, in every state, sent at their story's time
    statuses = Counter(Referral.objects.unscoped().values_list("status", flat=True))
    assert {"sent", "accepted", "declined", "completed"} <= set(statuses)
    referrals = Referral.objects.unscoped()
    assert not referrals.filter(sent_at__lt=F("case__detected_at")).exists()
    assert referrals.filter(status="sent", respond_by__lt=NOW).exists()  # overdue
    assert referrals.filter(sent_at__lt=NOW - datetime.timedelta(days=30)).exists()
    # closures with their reasons, dated in the past, after every other step
    closed = cases.filter(status="closed")
    reasons = set(closed.values_list("closure_reason", flat=True))
    assert "needs_met" in reasons
    assert len(reasons) >= 2
    assert closed.filter(closed_at__lt=NOW - datetime.timedelta(days=30)).exists()
    assert not closed.filter(closed_at__lt=F("detected_at")).exists()
    # perpetrators with counselling and handling measures
    interventions = Intervention.objects.unscoped()
    assert interventions.filter(kind="counselling", perpetrator__isnull=False).exists()
    assert interventions.exclude(kind="counselling").exists()
    # follow-ups overdue on open cases, duplicates marked, children's emergency steps
    overdue = FollowUp.objects.unscoped().filter(done_at__isnull=True, due_on__lt=NOW.date())
    assert overdue.exclude(case__status="closed").exists()
    duplicate = cases.get(duplicate_of__isnull=False)
    assert duplicate.survivor.full_name == duplicate.duplicate_of.survivor.full_name
    assert duplicate.detected_at >= duplicate.duplicate_of.detected_at
    assert ProtectiveMeasure.objects.unscoped().filter(type__code="no_contact_commune").exists()
    assert cases.filter(child_emergency_at__isnull=False).exists()
