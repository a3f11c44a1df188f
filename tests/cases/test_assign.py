"""Assigning, reassigning and picking up cases; closure requests approved or returned."""

import datetime

import pytest

from gbvms.cases import services
from gbvms.cases.classification import QUESTIONS
from gbvms.cases.models import (
    Case,
    CaseAssignment,
    ClosureRequest,
    Incident,
    Notification,
    Status,
)
from gbvms.core.models import AccessLog
from tests.conftest import make_user

DETECTED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def hotline_intake(personas, commune):
    return services.case_open(
        actor=personas["hotline"],
        survivor=services.SurvivorData(full_name="Đinh Thị Lan"),
        channel="hotline",
        commune=commune,
        detected_at=DETECTED,
    ).case


@pytest.fixture
def worker_a2(agencies, commune_a):
    user = make_user("worker_a2", (agencies["a"], "case_worker", commune_a))
    user.full_name = "Cán bộ thứ hai"
    user.save()
    return user


@pytest.fixture
def case(personas, commune_a, worker_a2):
    return hotline_intake(personas, commune_a)


def active(case):
    rows = CaseAssignment.objects.unscoped().filter(case=case, is_active=True)
    return sorted(rows.values_list("user__username", flat=True))


@pytest.mark.django_db
class TestPickUp:
    def test_hotline_intake_is_offered_to_the_communes_workers(self, case, worker_a2):
        rows = CaseAssignment.objects.unscoped().filter(case=case)
        assert sorted(r.user.username for r in rows) == ["worker_a", "worker_a2"]
        assert all(r.accepted_at is None and r.assigned_by is None for r in rows)

    def test_a_workers_own_intake_is_theirs(self, personas, commune_a):
        own = services.case_open(
            actor=personas["worker_a"],
            survivor=services.SurvivorData(full_name="X"),
            channel="police",
            commune=commune_a,
            detected_at=DETECTED,
        ).case
        row = CaseAssignment.objects.unscoped().get(case=own)
        assert row.accepted_at == own.created_at
        assert row.assigned_by == personas["worker_a"]

    def test_pick_up_ends_the_other_offers(self, personas, as_user, case, worker_a2):
        response = as_user(personas["worker_a"]).post(f"/cases/{case.code}/pick-up/")
        assert response.status_code == 302
        assert response["Location"] == f"/cases/{case.code}/"
        assert active(case) == ["worker_a"]
        ended = CaseAssignment.objects.unscoped().get(case=case, user=worker_a2)
        assert ended.ended_at is not None
        assert AccessLog.objects.unscoped().filter(action="cases.case.picked_up").count() == 1
        # the second worker lost the offer: the case is no longer theirs, nor pickable
        assert as_user(worker_a2).get(f"/cases/{case.code}/").status_code == 404
        assert as_user(worker_a2).post(f"/cases/{case.code}/pick-up/").status_code == 404

    def test_other_communes_worker_cannot_pick_up(self, personas, as_user, case):
        response = as_user(personas["worker_b"]).post(f"/cases/{case.code}/pick-up/")
        assert response.status_code == 404
        assert active(case) == ["worker_a", "worker_a2"]

    def test_unassigned_case_can_be_picked_up_by_a_commune_worker(self, personas, as_user, case):
        CaseAssignment.objects.unscoped().filter(case=case).update(is_active=False)
        client = as_user(personas["worker_a"])
        assert client.get(f"/cases/{case.code}/").status_code == 404  # not theirs yet
        assert client.post(f"/cases/{case.code}/pick-up/").status_code == 302
        assert active(case) == ["worker_a"]
        assert client.get(f"/cases/{case.code}/").status_code == 200


@pytest.mark.django_db
class TestAssign:
    def test_supervisor_reassigns_with_history_and_notice(self, personas, as_user, case, worker_a2):
        as_user(personas["worker_a"]).post(f"/cases/{case.code}/pick-up/")
        client = as_user(personas["supervisor"])
        page = client.get(f"/cases/{case.code}/assign/")
        assert page.status_code == 200
        assert "Cán bộ thứ hai" in page.content.decode()
        response = client.post(f"/cases/{case.code}/assign/", {"username": "worker_a2"})
        assert response.status_code == 302
        assert active(case) == ["worker_a2"]
        old = CaseAssignment.objects.unscoped().get(case=case, user=personas["worker_a"])
        assert old.ended_at is not None
        assert old.accepted_at is not None
        new = CaseAssignment.objects.unscoped().get(case=case, user=worker_a2)
        assert new.assigned_by == personas["supervisor"]
        assert new.accepted_at is not None
        notice = Notification.objects.get(user=worker_a2, kind="case_assigned")
        assert notice.case_code == case.code
        assert as_user(personas["worker_a"]).get(f"/cases/{case.code}/").status_code == 404
        history = client.get(f"/cases/{case.code}/assign/").content.decode()
        assert history.count('data-testid="assignment-row"') == 2

    def test_not_a_case_worker_of_the_agency_is_refused(self, personas, as_user, case):
        client = as_user(personas["supervisor"])
        response = client.post(f"/cases/{case.code}/assign/", {"username": "worker_b"})
        assert response.status_code == 400
        assert active(case) == ["worker_a", "worker_a2"]
        assert not Notification.objects.filter(kind="case_assigned").exists()

    def test_service_error_names_the_agency(self, personas, case):
        from django.core.exceptions import ValidationError

        from gbvms.cases.services_assign import case_assign

        with pytest.raises(ValidationError) as caught:
            case_assign(actor=personas["supervisor"], case=case, username="worker_b")
        assert caught.value.error_dict["username"][0].code == "not_case_worker"
        assert "UBND phường Kon Tum" in caught.value.message_dict["username"][0]

    def test_worker_may_not_assign(self, personas, as_user, case):
        response = as_user(personas["worker_a"]).post(
            f"/cases/{case.code}/assign/", {"username": "worker_a2"}
        )
        assert response.status_code == 403
        assert active(case) == ["worker_a", "worker_a2"]

    def test_caseload_counts_open_cases(self, personas, as_user, case, worker_a2):
        as_user(personas["supervisor"]).post(
            f"/cases/{case.code}/assign/", {"username": "worker_a2"}
        )
        page = as_user(personas["supervisor"]).get("/cases/caseload/")
        assert page.status_code == 200
        rows = {r.username: r for r in page.context["rows"]}
        assert rows["worker_a2"].open_cases == 1
        assert rows["worker_a"].open_cases == 0
        assert as_user(personas["worker_a"]).get("/cases/caseload/").status_code == 403


def classify(case):
    Incident.objects.create(case=case, unit=case.unit, gbv_type=QUESTIONS[0].code)


@pytest.mark.django_db
class TestClosureRequests:
    def _request(self, as_user, personas, case):
        client = as_user(personas["worker_a"])
        client.post(f"/cases/{case.code}/pick-up/")
        classify(case)
        version = Case.objects.unscoped().get(pk=case.pk).version
        return client.post(
            f"/cases/{case.code}/close/",
            {"reason": "no_contact", "explanation": "", "version": version,
             "case_version": version},
        )  # fmt: skip

    def test_worker_request_reaches_supervisor_who_approves(self, personas, as_user, case):
        response = self._request(as_user, personas, case)
        assert response.status_code == 302
        item = ClosureRequest.objects.unscoped().get()
        assert item.status == "pending"
        assert item.requested_by == personas["worker_a"]
        assert Case.objects.unscoped().get(pk=case.pk).status != Status.CLOSED
        assert Notification.objects.filter(user=personas["supervisor"], kind="closure_requested")
        supervisor = as_user(personas["supervisor"])
        home = supervisor.get("/").content.decode()
        assert 'data-testid="closure-request"' in home
        assert case.code in home
        assert supervisor.post(f"/cases/closures/{item.pk}/approve/").status_code == 302
        item.refresh_from_db()
        assert item.status == "approved"
        assert item.decided_by == personas["supervisor"]
        assert Case.objects.unscoped().get(pk=case.pk).status == Status.CLOSED
        assert Notification.objects.filter(user=personas["worker_a"], kind="closure_approved")

    def test_return_needs_a_note_then_shows_in_the_workers_queue(self, personas, as_user, case):
        self._request(as_user, personas, case)
        item = ClosureRequest.objects.unscoped().get()
        supervisor = as_user(personas["supervisor"])
        supervisor.post(f"/cases/closures/{item.pk}/return/", {"note": ""})
        item.refresh_from_db()
        assert item.status == "pending"
        supervisor.post(f"/cases/closures/{item.pk}/return/", {"note": "Cần gọi lại lần nữa"})
        item.refresh_from_db()
        assert item.status == "returned"
        assert item.return_note == "Cần gọi lại lần nữa"
        worker_home = as_user(personas["worker_a"]).get("/")
        rows = worker_home.context["worker"]["action"].rows
        assert [c.code for c in rows if c.closure_returned] == [case.code]

    def test_a_second_pending_request_is_refused(self, personas, as_user, case):
        self._request(as_user, personas, case)
        version = Case.objects.unscoped().get(pk=case.pk).version
        response = as_user(personas["worker_a"]).post(
            f"/cases/{case.code}/close/",
            {"reason": "no_contact", "version": version, "case_version": version},
        )
        assert response.status_code == 400
        assert ClosureRequest.objects.unscoped().count() == 1

    def test_worker_cannot_decide(self, personas, as_user, case):
        self._request(as_user, personas, case)
        item = ClosureRequest.objects.unscoped().get()
        assert (
            as_user(personas["worker_a"]).post(f"/cases/closures/{item.pk}/approve/").status_code
            == 404
        )
        item.refresh_from_db()
        assert item.status == "pending"


@pytest.mark.django_db
def test_accepted_transfer_is_taken_on_not_offered(personas, as_user, agencies, case):
    from gbvms.cases import queues
    from gbvms.cases.models import CaseTransfer

    as_user(personas["worker_a"]).post(f"/cases/{case.code}/pick-up/")
    as_user(personas["worker_a"]).post(
        f"/cases/{case.code}/transfer/", {"to_agency": agencies["b"].pk, "reason": "Chuyển nhà"}
    )
    transfer = CaseTransfer.objects.unscoped().get()
    as_user(personas["worker_b"]).post(
        f"/cases/transfers/{transfer.pk}/decide/", {"decision": "accept"}
    )
    assert active(case) == ["worker_b"]
    row = CaseAssignment.objects.unscoped().get(case=case, user=personas["worker_b"])
    assert row.accepted_at is not None
    assert CaseAssignment.objects.unscoped().get(case=case, user=personas["worker_a"]).ended_at
    assert [c.code for c in queues.worker_new(personas["worker_b"]).rows] == []
    assert [c.code for c in queues.worker_needing_action(personas["worker_b"]).rows] == [case.code]
