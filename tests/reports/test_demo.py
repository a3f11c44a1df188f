"""load_demo opens the demo plan's reporting cycle: the three reporting accounts, reporter1's
reports sent on time, reporter2's sent late or missed, one approved by Sở Nội vụ; twice
changes nothing."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command

from gbvms.core.models import AccessLog
from gbvms.orgs.models import Membership
from gbvms.reports.models import ReportingObligation, Status, Submission, Transition

NOW = datetime.datetime(2026, 12, 3, 3, 0, tzinfo=datetime.UTC)


def _row(submission: Submission) -> tuple:
    o = submission.obligation
    return (o.submitter_agency.short_name, o.recipient_agency.short_name, submission.period,
            submission.status)  # fmt: skip


@pytest.mark.django_db
def test_demo_opens_the_cycle_with_one_commune_on_time_and_one_late(settings, capsys):
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    with time_machine.travel(NOW, tick=False):
        call_command("load_demo", cases=0)
        first = capsys.readouterr().out
        counts = (Submission.objects.count(), Transition.objects.count(),
                  ReportingObligation.objects.count())  # fmt: skip
        logs = AccessLog.objects.unscoped().filter(action__startswith="reports.").count()
        call_command("load_demo", cases=0)
        second = capsys.readouterr().out
        assert (Submission.objects.count(), Transition.objects.count(),
                ReportingObligation.objects.count()) == counts  # fmt: skip
        assert AccessLog.objects.unscoped().filter(action__startswith="reports.").count() == logs
    assert "reporter1 sent 2 on time, reporter2 sent 1 late and missed 1" in first
    assert "reports of plan 01/KH-DEMO already loaded" in second
    roles = {
        m.user.username: (m.agency.short_name, m.role, m.scope_unit.code)
        for m in Membership.objects.filter(
            user__username__in=["reporter1", "reporter2", "province_reporter"]
        ).select_related("user", "agency", "scope_unit")
    }
    assert roles == {
        "reporter1": ("UBND P. Kon Tum", "reporting_officer", "23293"),
        "reporter2": ("UBND X. Đăk Tô", "reporting_officer", "23401"),
        "province_reporter": ("Sở NV", "reporting_officer", "51"),
    }
    communes = Submission.objects.filter(
        period__startswith="2026",
        obligation__recipient_agency__short_name="Sở NV",
        obligation__submitter_agency__short_name__in=["UBND P. Kon Tum", "UBND X. Đăk Tô"],
    ).select_related("obligation__submitter_agency", "obligation__recipient_agency")
    assert sorted(_row(s) for s in communes) == [
        ("UBND P. Kon Tum", "Sở NV", "2026C", Status.SUBMITTED),
        ("UBND P. Kon Tum", "Sở NV", "2026S1C", Status.APPROVED),
        ("UBND X. Đăk Tô", "Sở NV", "2026C", Status.DRAFT),  # due 15/11, never sent
        ("UBND X. Đăk Tô", "Sở NV", "2026S1C", Status.SUBMITTED),
    ]
    for submission in communes:
        if submission.obligation.submitter_agency.short_name == "UBND P. Kon Tum":
            assert submission.first_submitted_at <= submission.due_at  # on time
        elif submission.status == Status.SUBMITTED:
            assert submission.first_submitted_at > submission.due_at  # late
        else:
            assert submission.first_submitted_at is None  # missed
            assert submission.due_at < NOW
    # nothing is dated after "now"; the snapshot and its transition carry the story's date
    assert not Submission.objects.filter(first_submitted_at__gt=NOW).exists()
    assert not Transition.objects.filter(at__gt=NOW).exists()
    on_time = communes.get(period="2026C", status=Status.SUBMITTED)
    assert on_time.versions.get().created_at == on_time.first_submitted_at
    assert on_time.transitions.get(to_status=Status.SUBMITTED).at == on_time.first_submitted_at
    # the cycle of the year is open for every obligation of the plan; in December, with every
    # commune deadline of 2026 passed, next year's too (drafts, nothing sent)
    assert set(Submission.objects.values_list("period", flat=True)) == {
        "2026S1C", "2026C", "2027S1C", "2027C"}  # fmt: skip
    assert set(Submission.objects.filter(period__startswith="2027").values_list(
        "status", flat=True)) == {Status.DRAFT}  # fmt: skip
    assert Submission.objects.filter(period="2027S1C", obligation__submitter_agency__short_name=(
        "UBND P. Kon Tum")).exists()  # fmt: skip
