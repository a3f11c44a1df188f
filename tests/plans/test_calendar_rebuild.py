"""Editing a plan never deletes or re-sends reminders already sent: the calendar is rebuilt by
difference (issue 9)."""

import datetime

import pytest
import time_machine
from django.core import mail

from gbvms.orgs.models import Agency
from gbvms.plans import services
from gbvms.plans.models import CalendarEntry, Reminder
from tests.conftest import make_user
from tests.plans.test_plans import COMMUNE_PLAN, auto_choices


def send_now(*args):
    """send_reminders, with its e-mails sent as after a commit (the test never commits)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.send_reminders(*args)


JUNE_20 = datetime.date(2024, 6, 20)


def at(day):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(2, 0), tzinfo=datetime.UTC), tick=False
    )


@pytest.fixture
def plan(personas, agencies, commune_b):
    """The commune plan (reports due 20/06 and 30/11 of 2024 and 2025, the commune's Women's
    Union tasked), saved on 02/01/2024, with a member who gets the e-mails."""
    officer = personas["officer"]
    with at(datetime.date(2024, 1, 2)):
        started = services.import_start(actor=officer, name="xa.txt", text=COMMUNE_PLAN,
                                        unit=commune_b)  # fmt: skip
        saved = services.import_confirm(
            actor=officer, plan_import=started, result=started.result,
            choices=auto_choices(started, create={"Hội Liên hiệp Phụ nữ xã", "UBND xã"}),
        )  # fmt: skip
    women = Agency.objects.get(name="Hội Liên hiệp Phụ nữ xã", unit=commune_b)
    member = make_user("women_officer")
    member.email = "hoi@example.org"
    member.save()
    member.memberships.create(agency=women, role="programme_officer", scope_unit=commune_b)
    return saved


def sent_reminders():
    return set(Reminder.objects.filter(sent_at__isnull=False).values_list("pk", "entry__due_on"))


@pytest.mark.django_db
class TestCalendarRebuild:
    def test_a_rebuild_keeps_sent_reminders_and_sends_nothing_twice(self, plan):
        with at(datetime.date(2024, 6, 6)):
            assert send_now() == 1  # 14 days before 20/06
        sent = sent_reminders()
        entry_ids = set(CalendarEntry.objects.values_list("pk", flat=True))
        with at(datetime.date(2024, 6, 8)):
            services.plan_rebuild(plan)  # what every hand edit of the plan calls
            assert send_now() == 0
        assert sent_reminders() == sent
        assert set(CalendarEntry.objects.values_list("pk", flat=True)) == entry_ids
        with at(datetime.date(2024, 6, 17)):
            assert send_now() == 1  # the 3-day one, once
            assert send_now() == 0
        assert len(mail.outbox) == 2

    def test_editing_a_due_date_through_the_page(self, plan, personas, as_user):
        with at(datetime.date(2024, 6, 6)):
            assert send_now() == 1
        [(sent_pk, _due)] = sent_reminders()
        requirement = plan.reporting.get(kind="semiannual")
        with at(datetime.date(2024, 6, 8)):
            response = as_user(personas["officer"]).post(
                f"/plans/{plan.pk}/reporting/{requirement.pk}/edit/",
                {"kind": "semiannual", "due": "25/6", "to": requirement.recipient_name,
                 "text": requirement.text},
            )  # fmt: skip
            assert response.status_code == 302
            assert send_now() == 0
        # the sent reminder is still there, on its (withdrawn) date of 20/06
        assert Reminder.objects.get(pk=sent_pk).sent_at is not None
        old = CalendarEntry.objects.get(due_on=JUNE_20)
        assert old.withdrawn_at is not None
        assert not old.reminders.filter(sent_at__isnull=True).exists()  # unsent ones removed
        # the other 20/06 (2025) had sent nothing: it is simply gone
        assert not CalendarEntry.objects.filter(due_on=datetime.date(2025, 6, 20)).exists()
        current = set(
            CalendarEntry.objects.filter(withdrawn_at__isnull=True).values_list("due_on", flat=True)
        )
        assert current == {datetime.date(2024, 6, 25), datetime.date(2024, 11, 30),
                           datetime.date(2025, 6, 25), datetime.date(2025, 11, 30)}  # fmt: skip
        with at(datetime.date(2024, 6, 8)):
            page = as_user(personas["officer"]).get(f"/plans/{plan.pk}/").content.decode()
        assert "20/06/2024" not in page
        assert "25/06/2024" in page
        # the new date gets its reminders: the 14-day one (11/06), then the 3-day one (22/06)
        with at(datetime.date(2024, 6, 11)):
            assert send_now() == 1
        with at(datetime.date(2024, 6, 22)):
            assert send_now() == 1
        assert [m.subject[:22] for m in mail.outbox[1:]] == ["[GBVMS] Hạn 25/06/2024"] * 2

    def test_deleting_a_requirement_keeps_its_sent_reminders(self, plan, personas, as_user):
        with at(datetime.date(2024, 6, 6)):
            assert send_now() == 1
        sent = sent_reminders()
        requirement = plan.reporting.get(kind="semiannual")
        with at(datetime.date(2024, 6, 8)):
            response = as_user(personas["officer"]).post(
                f"/plans/{plan.pk}/reporting/{requirement.pk}/delete/"
            )
            assert response.status_code == 302
            assert send_now() == 0
        assert sent_reminders() == sent
        assert CalendarEntry.objects.get(due_on=JUNE_20).withdrawn_at is not None

    def test_a_withdrawn_date_sends_nothing(self, plan):
        entry = CalendarEntry.objects.get(due_on=JUNE_20)
        CalendarEntry.objects.filter(pk=entry.pk).update(
            withdrawn_at=datetime.datetime.now(datetime.UTC)
        )
        with at(datetime.date(2024, 6, 6)):
            assert send_now() == 0
        assert not Reminder.objects.filter(sent_at__isnull=False).exists()
