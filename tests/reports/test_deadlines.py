"""The reporting calendar (an agency's task page) shows each report deadline's state —
not due, sent on time, late, missed — from the submissions the viewer may see, linked."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine

from gbvms.reports.deadlines import DeadlineState, deadline_state
from gbvms.reports.models import Submission
from gbvms.reports.services_obligations import obligations_generate, submissions_open
from gbvms.reports.services_submissions import submission_submit
from tests.conftest import verified_client
from tests.reports.conftest import YEAR, aware

pytestmark = pytest.mark.django_db


def test_deadline_state():
    due = aware(YEAR, 6, 15, 23)
    report = Submission(due_at=due)
    assert deadline_state(report, due - datetime.timedelta(hours=1)) == DeadlineState.NOT_DUE
    assert deadline_state(report, due + datetime.timedelta(hours=1)) == DeadlineState.MISSED
    report.first_submitted_at = due
    assert deadline_state(report, due + datetime.timedelta(days=9)) == DeadlineState.SUBMITTED
    report.first_submitted_at = due + datetime.timedelta(seconds=1)
    assert deadline_state(report, due + datetime.timedelta(days=9)) == DeadlineState.LATE


@pytest.fixture
def cycle(world):
    obligations_generate(plan=world.plan, actor=world.officer)
    submissions_open(year=YEAR)

    def report(agency, requirement):
        return Submission.objects.get(
            obligation__submitter_agency=agency, obligation__requirement=requirement
        )

    world.report = report
    # commune A sent its 6-monthly report on time, commune B late; the annual is due 30/11
    with time_machine.travel(aware(YEAR, 6, 10)):
        submission_submit(actor=world.reporter_a, submission=report(world.a, world.semiannual))
    with time_machine.travel(aware(YEAR, 6, 20)):
        submission_submit(actor=world.reporter_b, submission=report(world.b, world.semiannual))
    return world


def _states(html: str) -> list[tuple[str, str]]:
    rows = re.findall(r'data-testid="report-deadline" data-state="(\w+)"><td>([\d/]+)</td>', html)
    return [(day, state) for state, day in rows]


def test_the_commune_sees_its_deadlines_with_their_state_and_links(cycle):
    with time_machine.travel(aware(YEAR, 12, 3)):
        page = verified_client(cycle.reporter_b).get(f"/plans/agencies/{cycle.b.pk}/tasks/")
    html = page.content.decode()
    assert page.status_code == 200
    assert _states(html) == [("15/06/2026", "late"), ("30/11/2026", "missed")]
    assert "Gửi muộn" in html
    assert "Quá hạn, chưa gửi" in html
    late = cycle.report(cycle.b, cycle.semiannual)
    assert f'href="/reports/{late.pk}/"' in html
    with time_machine.travel(aware(YEAR, 11, 1)):
        page = verified_client(cycle.reporter_a).get(f"/plans/agencies/{cycle.a.pk}/tasks/")
    html = page.content.decode()
    assert _states(html) == [("15/06/2026", "submitted"), ("30/11/2026", "not_due")]
    assert "Đã gửi đúng hạn" in html
    assert "Chưa đến hạn" in html


def test_the_recipient_sees_what_was_sent_never_a_draft(cycle):
    with time_machine.travel(aware(YEAR, 12, 3)):
        page = verified_client(cycle.province_reporter).get(f"/plans/agencies/{cycle.a.pk}/tasks/")
    assert page.status_code == 200
    assert _states(page.content.decode()) == [("15/06/2026", "submitted")]


def test_another_commune_cannot_open_the_page(cycle):
    page = verified_client(cycle.reporter_b).get(f"/plans/agencies/{cycle.a.pk}/tasks/")
    assert page.status_code == 403
