"""Report deadline reminders: 7, 3 and 1 days before while editable, an overdue notice to
both sides once never submitted; each once; none for a sent report; the plans calendar's own
reminder of that deadline is not sent as well."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail

from gbvms.core.models import AccessLog
from gbvms.plans.models import Reminder
from gbvms.plans.services import calendar_build, send_reminders
from gbvms.reports.models import Submission
from gbvms.reports.reminders import send_report_reminders, stage
from gbvms.reports.services_obligations import obligations_generate, submissions_open
from gbvms.reports.services_submissions import submission_submit
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db
DUE = datetime.date(YEAR, 11, 30)  # the annual report to Sở Nội vụ


def day(offset: int) -> datetime.date:
    return DUE + datetime.timedelta(days=offset)


def test_stage_windows():
    assert [stage(DUE, day(d)) for d in (-8, -7, -4, -3, -2, -1, 0, 1, 30, 31)] == [
        None, "before_7", "before_7", "before_3", "before_3", "before_1", "before_1",
        "overdue", "overdue", None,
    ]  # fmt: skip


@pytest.fixture
def cycle(world):
    for user in (world.reporter_a, world.reporter_b, world.province_reporter,
                 world.health_reporter):  # fmt: skip
        user.email = f"{user.username}@example.org"
        user.save()
    obligations_generate(plan=world.plan, actor=world.officer)
    submissions_open(year=YEAR)

    def annual(agency):
        return Submission.objects.get(
            obligation__submitter_agency=agency, obligation__requirement=world.annual
        )

    world.annual_of = annual
    return world


def _mails_to(address: str) -> list[str]:
    return [m.subject for m in mail.outbox if address in m.to]


def test_7_3_1_and_overdue_once_each(cycle, django_capture_on_commit_callbacks):
    # reporter_b sends in time: it gets no reminder of that report
    submission_submit(actor=cycle.reporter_b, submission=cycle.annual_of(cycle.b))
    for offset in (-9, -7, -7, -6, -3, -2, -1, 0, 1, 2, 5):
        with django_capture_on_commit_callbacks(execute=True):
            send_report_reminders(day(offset))
    mine = _mails_to("reporter_a@example.org")
    period = f"Năm {YEAR} (kỳ chốt số liệu 15/12/{YEAR - 1}–14/12/{YEAR})"
    assert mine == [
        f"[GBVMS] Báo cáo năm, {period}, đến hạn 30/11/2026",  # 7 days before
        f"[GBVMS] Báo cáo năm, {period}, đến hạn 30/11/2026",  # 3
        f"[GBVMS] Báo cáo năm, {period}, đến hạn 30/11/2026",  # 1
        f"[GBVMS] Báo cáo năm, {period}, quá hạn 30/11/2026",
    ]
    # the recipient hears of the overdue ones only: reporter_a's and the health department's
    overdue = [s for s in _mails_to("province_reporter@example.org") if "quá hạn" in s]
    assert len(overdue) == 2
    assert all("quá hạn" in s for s in _mails_to("province_reporter@example.org"))
    assert not any(f"{period}" in s for s in _mails_to("reporter_b@example.org"))
    report = cycle.annual_of(cycle.a)
    stages = AccessLog.objects.unscoped().filter(
        action="reports.submission.reminded", object_id=str(report.pk)
    )
    assert sorted(stages.values_list("reason", flat=True)) == [
        "before_1", "before_3", "before_7", "overdue",
    ]  # fmt: skip


def test_a_returned_report_that_was_sent_on_time_gets_no_overdue_notice(cycle):
    report = cycle.annual_of(cycle.a)
    with time_machine.travel(datetime.datetime(YEAR, 11, 20, 3, tzinfo=datetime.UTC)):
        submission_submit(actor=cycle.reporter_a, submission=report)
    Submission.objects.filter(pk=report.pk).update(status="returned")
    send_report_reminders(day(-1))  # editable again: reminded before the due date
    send_report_reminders(day(1))
    reasons = AccessLog.objects.unscoped().filter(
        action="reports.submission.reminded", object_id=str(report.pk)
    )
    assert list(reasons.values_list("reason", flat=True)) == ["before_1"]


def test_calendar_reminders_of_a_deadline_with_obligations_are_not_sent(world):
    with time_machine.travel(datetime.datetime(YEAR, 11, 1, 3, tzinfo=datetime.UTC)):
        calendar_build(world.plan)
    annual = Reminder.objects.filter(entry__requirement=world.annual)
    assert annual.exists()  # queued for the tasked department (health)
    obligations_generate(plan=world.plan, actor=world.officer)
    submissions_open(year=YEAR)
    sent = send_reminders(day(-3))
    assert not annual.filter(sent_at__isnull=False).exists()
    # what was sent instead: the reports' own reminder of each open annual report
    assert sent == AccessLog.objects.unscoped().filter(action="reports.submission.reminded").count()
    assert sent >= 3


def test_calendar_reminders_still_go_out_without_obligations(world):
    with time_machine.travel(datetime.datetime(YEAR, 11, 1, 3, tzinfo=datetime.UTC)):
        calendar_build(world.plan)
    send_reminders(day(-3))
    annual = Reminder.objects.filter(entry__requirement=world.annual)
    assert annual.filter(sent_at__isnull=False).exists()
