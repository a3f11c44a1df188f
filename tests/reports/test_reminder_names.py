"""A report reminder names the report (its requirement and period), not only its kind, in
the e-mail and on the notifications page (issue 13)."""

from __future__ import annotations

import datetime

import pytest

from gbvms.cases.models import Notification
from gbvms.reports.models import Submission
from gbvms.reports.reminders import send_report_reminders
from gbvms.reports.services_obligations import obligations_generate, submissions_open
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db
DUE = datetime.date(YEAR, 11, 30)


def test_the_reminder_names_the_report(world, as_user, django_capture_on_commit_callbacks):
    from django.core import mail

    world.reporter_a.email = "reporter_a@example.org"
    world.reporter_a.save()
    obligations_generate(plan=world.plan, actor=world.officer)
    submissions_open(year=YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        send_report_reminders(DUE - datetime.timedelta(days=7))
    name = " ".join(world.annual.text.split())[:60]
    notice = Notification.objects.filter(user=world.reporter_a, kind="report_due").first()
    assert notice is not None
    assert name in notice.subject
    body = next(m.body for m in mail.outbox if "reporter_a@example.org" in m.to)
    assert name in body
    html = as_user(world.reporter_a).get("/cases/notifications/").content.decode()
    assert "Báo cáo sắp đến hạn" in html
    assert name in html
    assert Submission.objects.filter(obligation__requirement=world.annual).exists()
