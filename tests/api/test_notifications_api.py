"""GET /api/v1/notifications[?unread=1] (issue 13): the caller's notices only, unread urgent
first, with kind, case code (or null), link, read and urgent."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from gbvms.cases.models import Notification

URL = "/api/v1/notifications"


@pytest.fixture
def notices(personas):
    now = timezone.now()
    worker = personas["worker_a"]
    old = Notification.objects.create(
        user=worker, kind="case_new", case_code="51-2026-000001",
        created_at=now - datetime.timedelta(hours=2), read_at=now,
    )  # fmt: skip
    urgent = Notification.objects.create(
        user=worker, kind="help_request_danger", case_code="ABCD2345", urgent=True,
        link="/referrals/help/1/", created_at=now - datetime.timedelta(hours=1),
    )  # fmt: skip
    report = Notification.objects.create(
        user=worker, kind="report_due", link="/reports/3/", subject="Báo cáo năm — 2026",
        created_at=now,
    )  # fmt: skip
    Notification.objects.create(user=personas["worker_b"], kind="case_new", case_code="X")
    return {"old": old, "urgent": urgent, "report": report}


@pytest.mark.django_db
class TestNotificationsApi:
    def test_the_callers_notices_urgent_first(self, personas, as_user, notices):
        response = as_user(personas["worker_a"]).get(URL)
        assert response.status_code == 200
        items = response.json()["items"]
        assert [i["id"] for i in items] == [
            notices["urgent"].pk,
            notices["report"].pk,
            notices["old"].pk,
        ]
        first = items[0]
        assert set(first) >= {"id", "kind", "created_at", "read", "link", "case_code", "urgent"}
        assert first["urgent"] is True
        assert first["kind"] == "help_request_danger"
        assert first["case_code"] == "ABCD2345"
        assert first["link"] == "/referrals/help/1/"
        assert first["read"] is False
        assert items[1]["case_code"] is None  # a report notice has no case
        assert items[2]["read"] is True
        assert items[2]["link"] == "/cases/51-2026-000001/"  # no stored link: the case

    def test_unread_only(self, personas, as_user, notices):
        items = as_user(personas["worker_a"]).get(URL, {"unread": "1"}).json()["items"]
        assert {i["id"] for i in items} == {notices["urgent"].pk, notices["report"].pk}
        assert all(i["read"] is False for i in items)

    def test_another_user_sees_only_their_own(self, personas, as_user, notices):
        items = as_user(personas["worker_b"]).get(URL).json()["items"]
        assert [i["case_code"] for i in items] == ["X"]
        assert as_user(personas["officer"]).get(URL).json() == {"items": []}

    def test_bad_filter_is_a_clear_error(self, personas, as_user, notices):
        response = as_user(personas["worker_a"]).get(URL, {"unread": "maybe"})
        assert response.status_code == 422

    def test_anonymous_is_refused(self, notices):
        assert Client().get(URL).status_code == 401
