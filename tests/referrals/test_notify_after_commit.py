"""E-mail and SMS leave only once the change they announce is committed: nothing when it rolls
back, and not before the commit. Escalation runs once per referral."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from gbvms.cases.models import Notification
from gbvms.referrals import services
from gbvms.referrals.models import Referral
from gbvms.referrals.notify import ConsoleSMSBackend


@pytest.fixture
def referral(personas, network, case, consent):
    network["staff"].email, network["staff"].phone = "staff@example.org", "0905000111"
    network["staff"].save()
    return services.referral_send(
        actor=personas["worker_a"], case=case, provider=network["shelter"],
        services=["shelter"], urgency="urgent", visible_sections=["summary"],
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _quiet_sms():
    ConsoleSMSBackend.sent.clear()
    yield
    ConsoleSMSBackend.sent.clear()


@pytest.mark.django_db
class TestAfterCommit:
    def test_sent_after_the_commit_not_before(
        self, personas, network, case, consent, django_capture_on_commit_callbacks
    ):
        network["staff"].email, network["staff"].phone = "staff@example.org", "0905000111"
        network["staff"].save()
        with django_capture_on_commit_callbacks() as callbacks:
            services.referral_send(
                actor=personas["worker_a"], case=case, provider=network["shelter"],
                services=["shelter"], urgency="urgent", visible_sections=["summary"],
            )  # fmt: skip
            # the in-app notice is part of the change; the e-mail and SMS wait for the commit
            assert Notification.objects.filter(kind="referral_received").exists()
            assert mail.outbox == []
            assert ConsoleSMSBackend.sent == []
        assert callbacks  # queued for the commit
        for callback in callbacks:
            callback()
        assert [m.to for m in mail.outbox] == [["staff@example.org"]]
        assert [phone for phone, _text in ConsoleSMSBackend.sent] == ["0905000111"]

    def test_nothing_sent_when_the_change_rolls_back(
        self, personas, network, referral, django_capture_on_commit_callbacks
    ):
        referral.sent_by.email = "worker@example.org"
        referral.sent_by.save()
        mail.outbox.clear()
        ConsoleSMSBackend.sent.clear()
        before = Notification.objects.count()

        def accept_then_fail() -> None:
            with transaction.atomic():
                services.referral_accept(actor=network["staff"], referral=referral)
                raise RuntimeError("the request fails after the service")

        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
            accept_then_fail()
        assert mail.outbox == []
        assert ConsoleSMSBackend.sent == []
        assert Notification.objects.count() == before
        assert Referral.objects.unscoped().get(pk=referral.pk).status == "sent"

    def test_escalation_tells_once_and_after_the_commit(
        self, personas, network, referral, django_capture_on_commit_callbacks
    ):
        network["manager"].email = "manager@example.org"
        network["manager"].save()
        Referral.objects.unscoped().filter(pk=referral.pk).update(
            respond_by=timezone.now() - datetime.timedelta(hours=1)
        )
        mail.outbox.clear()
        with django_capture_on_commit_callbacks() as callbacks:
            assert services.escalate_overdue() == 1
            assert mail.outbox == []
        for callback in callbacks:
            callback()
        assert any("manager@example.org" in m.to for m in mail.outbox)
        sent = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.escalate_overdue() == 0  # a second run finds nothing to tell
        assert len(mail.outbox) == sent
        notices = Notification.objects.filter(kind="referral_overdue")
        assert notices.count() == notices.values("user").distinct().count()
