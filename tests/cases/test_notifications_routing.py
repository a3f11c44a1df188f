"""Who is told what (issue 13): each trigger reaches exactly the right users, nothing leaves
before the commit, no identity in any message, preferences respected, urgent first."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from gbvms.cases import services, services_care, services_notify
from gbvms.cases.models import FollowUp, Notification, NotificationPreference
from gbvms.referrals.notify import ConsoleSMSBackend
from gbvms.referrals.services_public import help_request_create

NAME, PHONE = "Đỗ Thị Lụa", "0911111111"
STAFF = ("worker_a", "worker_b", "supervisor", "hotline", "officer", "admin", "statistician")


@pytest.fixture
def reachable(personas):
    for i, key in enumerate(STAFF):
        user = personas[key]
        user.email, user.phone = f"{key}@example.org", f"090000000{i}"
        user.save(update_fields=["email", "phone"])
    ConsoleSMSBackend.sent = []
    return personas


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def hotline_intake(personas, commune, *, danger: bool = False):
    return services.case_open(
        actor=personas["hotline"],
        survivor=services.SurvivorData(full_name=NAME, phone=PHONE),
        channel="hotline",
        commune=commune,
        detected_at=timezone.now(),
        immediate_danger=danger,
    ).case


@pytest.mark.django_db
class TestNewCase:
    def test_hotline_intake_reaches_the_communes_worker_and_the_supervisor(
        self, reachable, commune_a, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            case = hotline_intake(reachable, commune_a)
        assert told("case_new") == {"worker_a", "supervisor"}
        notice = Notification.objects.get(kind="case_new", user=reachable["worker_a"])
        assert notice.case_code == case.code
        assert not notice.urgent
        assert sorted(m.to[0] for m in mail.outbox) == [
            "supervisor@example.org",
            "worker_a@example.org",
        ]

    def test_the_other_communes_worker_is_told_of_their_own_commune_only(
        self, reachable, commune_b
    ):
        hotline_intake(reachable, commune_b)
        assert told("case_new") == {"worker_b", "supervisor"}

    def test_a_workers_own_intake_does_not_tell_themself(self, reachable, commune_a):
        services.case_open(
            actor=reachable["worker_a"],
            survivor=services.SurvivorData(full_name=NAME),
            channel="hotline",
            commune=commune_a,
            detected_at=timezone.now(),
        )
        assert told("case_new") == {"supervisor"}

    def test_nothing_leaves_before_the_commit(
        self, reachable, commune_a, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            hotline_intake(reachable, commune_a)
        assert callbacks, "e-mail and SMS wait for the commit"
        assert mail.outbox == []
        assert ConsoleSMSBackend.sent == []
        for callback in callbacks:
            callback()
        assert len(mail.outbox) == 2  # one message per recipient
        assert len(ConsoleSMSBackend.sent) == 2

    def test_a_rolled_back_intake_tells_nobody(self, reachable, commune_a):
        def intake_then_fail() -> None:
            with transaction.atomic():
                hotline_intake(reachable, commune_a)
                raise RuntimeError("rolled back")

        with pytest.raises(RuntimeError):
            intake_then_fail()
        assert not Notification.objects.exists()
        assert mail.outbox == []
        assert ConsoleSMSBackend.sent == []

    def test_no_identity_in_any_message(
        self, reachable, commune_a, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            case = hotline_intake(reachable, commune_a)
        texts = [m.subject + m.body for m in mail.outbox] + [t for _p, t in ConsoleSMSBackend.sent]
        texts += [
            f"{n.kind} {n.case_code} {n.link} {n.subject}" for n in Notification.objects.all()
        ]
        assert texts
        assert all(case.code in t for t in texts)
        for text in texts:
            assert NAME not in text
            assert PHONE not in text
            assert "Lụa" not in text

    def test_an_accepted_transfer_tells_the_receiving_commune(
        self, reachable, commune_a, commune_b, agencies
    ):
        from gbvms.cases import services_transfer

        case = hotline_intake(reachable, commune_a)
        Notification.objects.all().delete()
        transfer = services_transfer.transfer_request(
            actor=reachable["worker_a"], case=case, to_agency=agencies["b"],
            reason="Người bị bạo lực đã chuyển đến xã khác",
        )  # fmt: skip
        services_transfer.transfer_decide(
            actor=reachable["worker_b"], transfer=transfer, accept=True
        )
        # worker_b accepted it (told by doing it); the supervisor covering commune B is told
        assert told("case_new") == {"supervisor"}


@pytest.mark.django_db
class TestDangerNow:
    def test_danger_now_reaches_the_inbox_and_the_supervisors_urgently(
        self, reachable, commune_a, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            item, _pin = help_request_create(
                kind="need_help", commune=commune_a, description=f"{NAME} bị đánh",
                answers=["danger_now"], contact={"phone": PHONE},
            )  # fmt: skip
        assert told("help_request_danger") == {"worker_a", "supervisor"}
        assert not told("help_request")
        assert all(n.urgent for n in Notification.objects.all())
        for text in [m.body for m in mail.outbox] + [t for _p, t in ConsoleSMSBackend.sent]:
            assert "KHẨN" in text
            assert item.tracking_code in text
            assert NAME not in text
            assert PHONE not in text
            assert "bị đánh" not in text

    def test_an_ordinary_request_reaches_the_inbox_only(self, reachable, commune_a):
        help_request_create(kind="need_help", commune=commune_a, description="x")
        assert told("help_request") == {"worker_a"}
        assert not Notification.objects.filter(urgent=True).exists()

    def test_urgent_notices_come_first_on_the_page_and_the_badge_is_red(
        self, reachable, commune_a, as_user
    ):
        help_request_create(
            kind="need_help", commune=commune_a, description="x", answers=["danger_now"]
        )
        hotline_intake(reachable, commune_a)  # newer, not urgent
        rows = list(services_notify.notifications_for(reachable["supervisor"]))
        assert [n.kind for n in rows] == ["help_request_danger", "case_new"]
        html = as_user(reachable["supervisor"]).get("/cases/notifications/").content.decode()
        assert html.index('data-urgent="1"') < html.index("Có vụ việc mới tại xã của bạn")
        assert "badge-urgent" in html
        assert "badge-off" in html
        # once read, an urgent notice no longer jumps the queue
        Notification.objects.filter(kind="help_request_danger").update(read_at=timezone.now())
        rows = list(services_notify.notifications_for(reachable["supervisor"]))
        assert [n.kind for n in rows] == ["case_new", "help_request_danger"]


@pytest.mark.django_db
class TestPreferences:
    def test_channels_follow_the_users_choice(
        self, reachable, commune_a, django_capture_on_commit_callbacks
    ):
        services_notify.preferences_set(
            actor=reachable["worker_a"],
            choices={"case_new": {"in_app": False, "email": False, "sms": True}},
        )
        with django_capture_on_commit_callbacks(execute=True):
            hotline_intake(reachable, commune_a)
        assert told("case_new") == {"supervisor"}
        assert [m.to for m in mail.outbox] == [["supervisor@example.org"]]
        phones = {p for p, _t in ConsoleSMSBackend.sent}
        assert phones == {reachable["worker_a"].phone, reachable["supervisor"].phone}

    def test_in_app_cannot_be_switched_off_for_urgent(self, reachable, commune_a):
        services_notify.preferences_set(
            actor=reachable["supervisor"],
            choices={"help_request_danger": {"in_app": False, "email": False, "sms": False}},
        )
        assert NotificationPreference.objects.get(user=reachable["supervisor"]).in_app
        NotificationPreference.objects.filter(user=reachable["supervisor"]).update(in_app=False)
        help_request_create(
            kind="need_help", commune=commune_a, description="x", answers=["danger_now"]
        )
        assert "supervisor" in told("help_request_danger")

    def test_the_preferences_page_saves(self, reachable, as_user):
        client = as_user(reachable["worker_a"])
        page = client.get("/cases/notifications/preferences/")
        assert page.status_code == 200
        assert "case_new" in page.content.decode()  # a form field name, not shown text
        response = client.post(
            "/cases/notifications/preferences/", {"case_new:in_app": "1", "case_new:sms": "1"}
        )
        assert response.status_code == 302
        pref = NotificationPreference.objects.get(user=reachable["worker_a"], kind="case_new")
        assert (pref.in_app, pref.email, pref.sms) == (True, False, True)

    def test_services_care_notify_keeps_its_signature(self, reachable, commune_a):
        case = hotline_intake(reachable, commune_a)
        count = services_care.notify(
            [reachable["worker_a"], reachable["worker_a"]], "case_assigned", case
        )
        assert count == 1
        notice = Notification.objects.get(kind="case_assigned")
        assert notice.label == "Bạn được phân công một vụ việc"


@pytest.mark.django_db
class TestDigestAndLabels:
    def test_followups_due_today_and_overdue_make_one_daily_digest(self, reachable, commune_a):
        case = services.case_open(
            actor=reachable["worker_a"],
            survivor=services.SurvivorData(full_name=NAME),
            channel="hotline",
            commune=commune_a,
            detected_at=timezone.now(),
        ).case
        today = timezone.localdate()
        for due in (today, today - datetime.timedelta(days=3), today + datetime.timedelta(days=2)):
            FollowUp.internal_objects.create(
                case=case, due_on=due, created_by=reachable["worker_a"]
            )
        assert services_notify.followups_digest(today) == 1
        notice = Notification.objects.get(kind="followups_due")
        assert notice.user == reachable["worker_a"]
        assert notice.subject == "1 đến hạn hôm nay, 1 quá hạn"
        assert services_notify.followups_digest(today) == 0  # once a day

    def test_the_page_never_shows_a_raw_code(self, reachable, as_user):
        Notification.objects.create(user=reachable["worker_a"], kind="some_new_kind")
        html = as_user(reachable["worker_a"]).get("/cases/notifications/").content.decode()
        assert "some_new_kind" not in html
        assert "Có việc cần bạn xử lý" in html
        assert "chỉ có mã vụ việc" not in html  # the old, wrong subtitle
