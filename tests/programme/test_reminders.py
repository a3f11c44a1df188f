"""Reminders of inspection recommendations: on the plan reminder days before the due date and
once when overdue, to the responsible agency's recorders (and, overdue, the inspection's lead
agency), each stage once, never with the recommendation's text."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from gbvms.programme import reminders
from gbvms.programme.services_inspections import (
    inspection_save,
    recommendation_add,
    recommendation_update,
)

D = datetime.date
MARKER = "BÍ-MẬT-7731"


@pytest.fixture
def world(recorders, agencies, commune_a, settings):
    settings.PLAN_REMINDER_DAYS = [14, 3]
    for name in ("rec_a", "rec_b", "officer", "stat"):
        recorders[name].email = f"{name}@example.vn"
        recorders[name].save()
    officer = recorders["officer"]
    inspection = inspection_save(
        actor=officer, kind="periodic", title="Kiểm tra liên ngành", unit=commune_a,
        lead_agency=agencies["province"], start=D(2026, 4, 1), end=D(2026, 4, 3),
    )  # fmt: skip
    open_one = recommendation_add(
        actor=officer, inspection=inspection, text=f"Bổ sung sổ theo dõi {MARKER}",
        responsible_agency=agencies["a"], due_date=D(2026, 6, 15),
    )  # fmt: skip
    closed = recommendation_add(
        actor=officer, inspection=inspection, text="Đã xong", responsible_agency=agencies["a"],
        due_date=D(2026, 6, 15),
    )  # fmt: skip
    recommendation_update(actor=officer, recommendation=closed, status="done",
                          closed_on=D(2026, 5, 1))  # fmt: skip
    return {"inspection": inspection, "open": open_one}


def run(day, callbacks):
    with callbacks(execute=True):
        return reminders.send_recommendation_reminders(day)


@pytest.mark.parametrize(
    ("due", "today", "expected"),
    [
        (D(2026, 6, 15), D(2026, 5, 31), None),
        (D(2026, 6, 15), D(2026, 6, 1), "before_14"),
        (D(2026, 6, 15), D(2026, 6, 11), "before_14"),
        (D(2026, 6, 15), D(2026, 6, 12), "before_3"),
        (D(2026, 6, 15), D(2026, 6, 15), "before_3"),
        (D(2026, 6, 15), D(2026, 6, 16), "overdue"),
    ],
)
def test_stage(due, today, expected, settings):
    settings.PLAN_REMINDER_DAYS = [3, 14]
    assert reminders.stage(due, today) == expected


@pytest.mark.django_db
def test_each_stage_once_to_the_right_people(world, django_capture_on_commit_callbacks):
    callbacks = django_capture_on_commit_callbacks
    assert run(D(2026, 5, 31), callbacks) == 0
    assert run(D(2026, 6, 1), callbacks) == 1
    assert len(mail.outbox) == 1
    first = mail.outbox[0]
    assert first.to == ["rec_a@example.vn"]  # the responsible agency's recorder only
    assert world["inspection"].code in first.subject
    assert "15/06/2026" in first.subject
    assert f"/programme/inspections/{world['inspection'].pk}/" in first.body
    assert run(D(2026, 6, 2), callbacks) == 0  # the same stage is not sent twice
    assert run(D(2026, 6, 12), callbacks) == 1
    assert run(D(2026, 6, 16), callbacks) == 1
    overdue = mail.outbox[-1]
    assert "quá hạn" in overdue.subject
    # overdue: the inspection's lead agency too (the officer), never another commune
    assert overdue.to == ["officer@example.vn", "rec_a@example.vn"]
    assert run(D(2026, 6, 17), callbacks) == 0
    assert len(mail.outbox) == 3
    for message in mail.outbox:  # the recommendation's text never leaves
        assert MARKER not in message.subject
        assert MARKER not in message.body


@pytest.mark.django_db
def test_done_and_cancelled_are_silent(world, recorders, django_capture_on_commit_callbacks):
    from gbvms.programme.services import record_cancel

    recommendation_update(actor=recorders["officer"], recommendation=world["open"],
                          status="done", closed_on=D(2026, 6, 1))  # fmt: skip
    assert run(D(2026, 6, 16), django_capture_on_commit_callbacks) == 0
    world["open"].status = "open"
    world["open"].save()
    record_cancel(actor=recorders["officer"], record=world["inspection"])
    assert run(D(2026, 6, 16), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_daily_command_sends_them(world, capsys, django_capture_on_commit_callbacks):
    import time_machine

    noon = datetime.datetime(2026, 6, 1, 3, 0, tzinfo=datetime.UTC)
    with time_machine.travel(noon), django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    assert "1 recommendation reminder(s) sent" in capsys.readouterr().out
    assert len(mail.outbox) == 1
