"""Transitions are told to the other side once they commit: a submitted report to the
recipient's approvers, a returned/accepted/approved/reopened one to the submitter's reporters;
in-app and by e-mail, with the kind, period, status and link only."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from gbvms.cases.models import Notification
from gbvms.reports.models import Submission
from gbvms.reports.services_obligations import obligations_generate, submissions_open
from gbvms.reports.services_submissions import (
    submission_accept,
    submission_approve,
    submission_reopen,
    submission_return,
    submission_submit,
)
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db
SECRET = "Lý do riêng không được gửi đi"


@pytest.fixture
def cycle(world):
    for user in (world.reporter_a, world.reporter_b, world.province_reporter,
                 world.health_reporter, world.officer):  # fmt: skip
        user.email = f"{user.username}@example.org"
        user.save()
    obligations_generate(plan=world.plan, actor=world.officer)
    submissions_open(year=YEAR)
    world.report = Submission.objects.get(
        obligation__submitter_agency=world.a, obligation__recipient_agency=world.lead,
        period=f"{YEAR}C",
    )  # fmt: skip
    return world


def _to() -> list[list[str]]:
    return [m.to for m in mail.outbox]


def test_submit_tells_the_recipients_approvers_after_commit_only(
    cycle, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(actor=cycle.reporter_a, submission=cycle.report)
        assert mail.outbox == []  # nothing before the commit
        assert not Notification.objects.exists()
    assert _to() == [["province_reporter@example.org"]]
    message = mail.outbox[0]
    assert message.subject == (
        f"[GBVMS] Báo cáo năm, Năm {YEAR} (kỳ chốt số liệu 15/12/{YEAR - 1}–14/12/{YEAR}): Đã gửi"
    )
    assert f"/reports/{cycle.report.pk}/" in message.body
    assert "30/11/2026" in message.body
    notice = Notification.objects.get()
    assert (notice.user, notice.kind, notice.link) == (
        cycle.province_reporter,
        "report_submitted",
        f"/reports/{cycle.report.pk}/",
    )
    assert notice.label == "Có báo cáo mới được gửi"


def test_a_rolled_back_transition_tells_nobody(cycle, django_capture_on_commit_callbacks):
    def submit_then_fail() -> None:
        with transaction.atomic():
            submission_submit(actor=cycle.reporter_a, submission=cycle.report)
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        submit_then_fail()
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_return_accept_approve_reopen_tell_the_submitters_reporters(
    cycle, django_capture_on_commit_callbacks
):
    reviewer = cycle.province_reporter
    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(actor=cycle.reporter_a, submission=cycle.report)
    steps = [
        (submission_return, {"reason": SECRET}, "Bị trả lại", "report_returned"),
        (None, {}, None, None),  # resubmitted
        (submission_accept, {}, "Đã tiếp nhận", "report_accepted"),
        (submission_approve, {}, "Đã phê duyệt", "report_approved"),
        (submission_reopen, {"reason": SECRET}, "Đã mở lại", "report_reopened"),
    ]
    for service, extra, status, kind in steps:
        mail.outbox.clear()
        cycle.report.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            if service is None:
                submission_submit(actor=cycle.reporter_a, submission=cycle.report)
                continue
            service(actor=reviewer, submission=cycle.report, **extra)
        assert _to() == [["reporter_a@example.org"]], status
        assert mail.outbox[0].subject.endswith(f"14/12/{YEAR}): {status}")
        assert SECRET not in mail.outbox[0].body  # the reason stays in the report
        assert Notification.objects.filter(user=cycle.reporter_a, kind=kind).count() == 1
    # the other commune and the other department heard nothing
    assert not Notification.objects.filter(
        user__in=[cycle.reporter_b, cycle.health_reporter, cycle.officer]
    ).exists()


def test_a_user_without_e_mail_gets_the_in_app_notice_only(
    cycle, django_capture_on_commit_callbacks
):
    cycle.province_reporter.email = ""
    cycle.province_reporter.save()
    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(actor=cycle.reporter_a, submission=cycle.report)
    assert mail.outbox == []
    assert Notification.objects.filter(user=cycle.province_reporter).count() == 1
