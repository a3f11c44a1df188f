"""POST /api/v1/cases/{code}/assign and the closure-request operations: the services of the
pages, with the same scoping (404 outside, 403 visible but not allowed, 400 bad assignee)."""

import datetime

import pytest

from gbvms.cases import services
from gbvms.cases.classification import QUESTIONS
from gbvms.cases.models import CaseAssignment, ClosureRequest, Incident, Notification, Status
from gbvms.core.models import AccessLog
from tests.conftest import make_user

DETECTED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def worker_a2(agencies, commune_a):
    return make_user("worker_a2", (agencies["a"], "case_worker", commune_a))


@pytest.fixture
def case(personas, commune_a, worker_a2):
    return services.case_open(
        actor=personas["hotline"],
        survivor=services.SurvivorData(full_name="Mùa Thị Dua"),
        channel="hotline",
        commune=commune_a,
        detected_at=DETECTED,
    ).case


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def active(case):
    rows = CaseAssignment.objects.unscoped().filter(case=case, is_active=True)
    return sorted(rows.values_list("user__username", flat=True))


@pytest.mark.django_db
class TestAssignApi:
    def test_supervisor_assigns(self, personas, as_user, case, worker_a2):
        response = post(
            as_user(personas["supervisor"]),
            f"/api/v1/cases/{case.code}/assign",
            {"username": "worker_a2"},
        )
        assert response.status_code == 200
        body = response.json()
        assert body["code"] == case.code
        assert [a["username"] for a in body["assignees"]] == ["worker_a2"]
        assert body["assignees"][0]["accepted_at"] is not None
        assert active(case) == ["worker_a2"]
        assert Notification.objects.filter(user=worker_a2, kind="case_assigned").count() == 1
        assert AccessLog.objects.unscoped().filter(action="cases.case.assigned").count() == 1

    def test_supervisor_of_another_province_gets_404(self, personas, as_user, case, agencies):
        other = make_user("sup_hn", (agencies["other"], "case_supervisor", agencies["other"].unit))
        response = post(
            as_user(other), f"/api/v1/cases/{case.code}/assign", {"username": "worker_a2"}
        )
        assert response.status_code == 404
        assert active(case) == ["worker_a", "worker_a2"]
        assert not Notification.objects.filter(kind="case_assigned").exists()

    def test_assigned_worker_gets_403_other_worker_404(self, personas, as_user, case):
        mine = post(
            as_user(personas["worker_a"]), f"/api/v1/cases/{case.code}/assign",
            {"username": "worker_a2"},
        )  # fmt: skip
        assert mine.status_code == 403
        other = post(
            as_user(personas["worker_b"]), f"/api/v1/cases/{case.code}/assign",
            {"username": "worker_b"},
        )  # fmt: skip
        assert other.status_code == 404
        assert active(case) == ["worker_a", "worker_a2"]
        assert not AccessLog.objects.unscoped().filter(action="cases.case.assigned").exists()

    @pytest.mark.parametrize("username", ["worker_b", "statistician", "nobody"])
    def test_not_a_case_worker_of_the_agency_is_400(self, personas, as_user, case, username):
        response = post(
            as_user(personas["supervisor"]), f"/api/v1/cases/{case.code}/assign",
            {"username": username},
        )  # fmt: skip
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "not_case_worker"
        assert "UBND phường Kon Tum" in body["errors"]["username"][0]
        assert active(case) == ["worker_a", "worker_a2"]

    def test_unknown_field_is_422(self, personas, as_user, case):
        response = post(
            as_user(personas["supervisor"]), f"/api/v1/cases/{case.code}/assign",
            {"username": "worker_a2", "extra": 1},
        )  # fmt: skip
        assert response.status_code == 422
        assert active(case) == ["worker_a", "worker_a2"]

    def test_pick_up(self, personas, as_user, case):
        response = post(as_user(personas["worker_a"]), f"/api/v1/cases/{case.code}/pick-up")
        assert response.status_code == 200
        assert active(case) == ["worker_a"]
        again = post(as_user(personas["worker_b"]), f"/api/v1/cases/{case.code}/pick-up")
        assert again.status_code == 404


@pytest.mark.django_db
class TestClosureApi:
    def test_request_then_approve(self, personas, as_user, case):
        worker = as_user(personas["worker_a"])
        post(worker, f"/api/v1/cases/{case.code}/pick-up")
        Incident.objects.create(case=case, unit=case.unit, gbv_type=QUESTIONS[0].code)
        created = post(
            worker, f"/api/v1/cases/{case.code}/closure-request", {"reason": "no_contact"}
        )
        assert created.status_code == 201
        item_id = created.json()["id"]
        assert post(worker, f"/api/v1/closure-requests/{item_id}/approve").status_code == 404
        approved = post(
            as_user(personas["supervisor"]), f"/api/v1/closure-requests/{item_id}/approve"
        )
        assert approved.status_code == 200
        assert approved.json()["status"] == "approved"
        case.refresh_from_db()
        assert case.status == Status.CLOSED

    def test_request_for_an_unclassified_case_is_400(self, personas, as_user, case):
        worker = as_user(personas["worker_a"])
        post(worker, f"/api/v1/cases/{case.code}/pick-up")
        response = post(
            worker, f"/api/v1/cases/{case.code}/closure-request", {"reason": "no_contact"}
        )
        assert response.status_code == 400
        assert response.json()["code"] == "not_classified"
        assert not ClosureRequest.objects.unscoped().exists()

    def test_return_needs_a_note(self, personas, as_user, case):
        worker = as_user(personas["worker_a"])
        post(worker, f"/api/v1/cases/{case.code}/pick-up")
        Incident.objects.create(case=case, unit=case.unit, gbv_type=QUESTIONS[0].code)
        item_id = post(
            worker, f"/api/v1/cases/{case.code}/closure-request", {"reason": "no_contact"}
        ).json()["id"]
        supervisor = as_user(personas["supervisor"])
        short = post(supervisor, f"/api/v1/closure-requests/{item_id}/return", {"note": "x"})
        assert short.status_code == 400
        assert short.json()["code"] == "note_required"
        done = post(
            supervisor, f"/api/v1/closure-requests/{item_id}/return", {"note": "Gọi lại đã"}
        )
        assert done.status_code == 200
        assert done.json()["status"] == "returned"
        assert Notification.objects.filter(user=personas["worker_a"], kind="closure_returned")
