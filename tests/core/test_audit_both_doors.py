"""One access-log rule (core.selectors.access_log_for_user) behind the access-log page and
``GET /api/v1/audit/access-log``: both doors give the same rows to the same person."""

from __future__ import annotations

import datetime

import pytest

from gbvms.cases import services as case_services
from gbvms.cases import services_care
from gbvms.core.models import AccessLog


@pytest.fixture
def case(personas, commune_a):
    opened = case_services.case_open(
        actor=personas["worker_a"],
        survivor=case_services.SurvivorData(full_name="Hà Thị Lan", birth_year=1992),
        channel="hotline",
        commune=commune_a,
        detected_at=datetime.datetime(2026, 11, 20, 8, 0, tzinfo=datetime.UTC),
    ).case
    services_care.follow_up_add(
        actor=personas["worker_a"], case=opened, due_on=datetime.date(2026, 12, 20), note=""
    )
    return opened


def _api_rows(client, code):
    response = client.get("/api/v1/audit/access-log", {"object_code": code, "limit": 500})
    if response.status_code != 200:
        return response.status_code, None
    items = response.json()["items"]
    return 200, sorted((e["action"], e["user"], e["at"]) for e in items)


def _page_rows(client, code):
    response = client.get("/access-log/", {"object_code": code})
    if response.status_code != 200:
        return response.status_code, None
    entries = response.context["page"].object_list
    return 200, sorted((e.action, e.actor_username, _iso(e.at)) for e in entries)


def _iso(at):
    return at.isoformat()


def _ms(at: str) -> str:
    """The API writes milliseconds; compare at that precision."""
    moment = datetime.datetime.fromisoformat(at).astimezone(datetime.UTC)
    return moment.isoformat(timespec="milliseconds")


def _normalise(rows):
    return None if rows is None else sorted((a, u, _ms(at)) for a, u, at in rows)


@pytest.mark.django_db
class TestBothDoors:
    def test_an_assigned_worker_reads_the_timeline_from_both(self, case, personas, as_user):
        client = as_user(personas["worker_a"])
        page = client.get(f"/cases/{case.code}/")  # a read, logged
        assert page.status_code == 200
        timeline = sorted(
            (e.action, e.actor_username, _iso(e.at)) for e in page.context["timeline"]
        )
        api_status, api = _api_rows(client, case.code)
        page_status, log_page = _page_rows(client, case.code)
        assert (api_status, page_status) == (200, 200)
        assert _normalise(api) == _normalise(log_page) == _normalise(timeline)
        actions = {a for a, _u, _at in log_page}
        assert {"cases.case.created", "cases.follow_up.added"} <= actions
        assert "cases.case.viewed" not in actions  # who read it is for supervisors

    def test_a_supervisor_reads_the_whole_log_from_both(self, case, personas, as_user):
        as_user(personas["worker_a"]).get(f"/cases/{case.code}/")
        client = as_user(personas["supervisor"])
        api_status, api = _api_rows(client, case.code)
        page_status, log_page = _page_rows(client, case.code)
        assert (api_status, page_status) == (200, 200)
        assert _normalise(api) == _normalise(log_page)
        assert ("cases.case.viewed", "worker_a") in {(a, u) for a, u, _at in api}

    @pytest.mark.parametrize("persona", ["worker_b", "officer", "statistician"])
    def test_others_are_refused_by_both_and_nothing_is_written(
        self, case, personas, as_user, persona
    ):
        client = as_user(personas[persona])
        before = AccessLog.objects.unscoped().count()
        assert _api_rows(client, case.code)[0] == 403
        assert _page_rows(client, case.code)[0] == 403
        assert _api_rows(client, "")[0] == 403
        assert _page_rows(client, "")[0] == 403
        assert AccessLog.objects.unscoped().count() == before

    def test_an_administrator_reads_the_log_of_their_scope_from_both(self, case, personas, as_user):
        client = as_user(personas["admin"])
        api_status, api = _api_rows(client, case.code)
        page_status, log_page = _page_rows(client, case.code)
        assert (api_status, page_status) == (200, 200)
        assert _normalise(api) == _normalise(log_page)
        assert api  # worker_a is a member of the province's commune: in the admin's scope
