import pytest

from gbvms.cases import services
from gbvms.cases.models import Case, CaseTransfer, Notification
from gbvms.core.models import AccessLog


@pytest.fixture
def case(personas, commune_a):
    import datetime

    return services.case_open(
        actor=personas["worker_a"],
        survivor=services.SurvivorData(full_name="Lò Thị Én"),
        channel="hotline",
        commune=commune_a,
        detected_at=datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC),
    ).case


@pytest.mark.django_db
class TestTransfer:
    def test_request_then_accept_moves_ownership(self, personas, as_user, case, agencies):
        sender = as_user(personas["worker_a"])
        response = sender.post(
            f"/cases/{case.code}/transfer/",
            {"to_agency": agencies["b"].pk, "reason": "Người bị hại chuyển về Đăk Tô"},
        )
        assert response.status_code == 302
        transfer = CaseTransfer.objects.unscoped().get()
        receiver = as_user(personas["worker_b"])
        assert receiver.get(f"/cases/{case.code}/").status_code == 404  # not before accepting
        inbox = receiver.get("/cases/transfers/").content.decode()
        assert case.code in inbox
        assert "Lò Thị Én" not in inbox
        assert Notification.objects.filter(user=personas["worker_b"], kind="transfer_requested")
        receiver.post(f"/cases/transfers/{transfer.pk}/decide/", {"decision": "accept"})
        case.refresh_from_db()
        assert case.owning_agency == agencies["b"]
        assert receiver.get(f"/cases/{case.code}/").status_code == 200
        assert sender.get(f"/cases/{case.code}/").status_code == 404  # the old worker loses it
        assert AccessLog.objects.unscoped().filter(action="cases.transfer.accepted").count() == 1

    def test_decline_needs_a_reason_and_keeps_the_owner(self, personas, as_user, case, agencies):
        as_user(personas["worker_a"]).post(
            f"/cases/{case.code}/transfer/", {"to_agency": agencies["b"].pk, "reason": "Chuyển đi"}
        )
        transfer = CaseTransfer.objects.unscoped().get()
        receiver = as_user(personas["worker_b"])
        receiver.post(f"/cases/transfers/{transfer.pk}/decide/", {"decision": "decline"})
        transfer.refresh_from_db()
        assert transfer.status == "pending"
        receiver.post(
            f"/cases/transfers/{transfer.pk}/decide/",
            {"decision": "decline", "decline_reason": "Không thuộc địa bàn"},
        )
        transfer.refresh_from_db()
        assert transfer.status == "declined"
        assert Case.objects.unscoped().get().owning_agency == agencies["a"]

    def test_only_the_receiving_agency_decides(self, personas, as_user, case, agencies):
        as_user(personas["worker_a"]).post(
            f"/cases/{case.code}/transfer/", {"to_agency": agencies["b"].pk, "reason": "Chuyển đi"}
        )
        transfer = CaseTransfer.objects.unscoped().get()
        response = as_user(personas["worker_a"]).post(
            f"/cases/transfers/{transfer.pk}/decide/", {"decision": "accept"}
        )
        assert response.status_code == 404
        transfer.refresh_from_db()
        assert transfer.status == "pending"

    def test_agency_without_case_workers_is_not_offered(self, personas, as_user, case, agencies):
        response = as_user(personas["worker_a"]).post(
            f"/cases/{case.code}/transfer/",
            {"to_agency": agencies["other"].pk, "reason": "Chuyển đi"},
        )
        assert response.status_code == 400
        assert not CaseTransfer.objects.unscoped().exists()

    def test_transfer_to_another_province_moves_the_commune(
        self, personas, as_user, case, agencies, other_province, commune_a
    ):
        from gbvms.geo.models import AdminUnit
        from tests.conftest import make_user

        hanoi_worker = make_user("hanoi_worker", (agencies["other"], "case_worker", other_province))
        form = as_user(personas["worker_a"]).get(f"/cases/{case.code}/form/transfer/")
        assert "Sở Nội vụ thành phố Hà Nội" in form.content.decode()
        as_user(personas["worker_a"]).post(
            f"/cases/{case.code}/transfer/",
            {"to_agency": agencies["other"].pk, "reason": "Người bị hại chuyển ra Hà Nội"},
        )
        transfer = CaseTransfer.objects.unscoped().get()
        receiver = as_user(hanoi_worker)
        inbox = receiver.get("/cases/transfers/").content.decode()
        assert 'data-testid="accept-with-commune"' in inbox
        # a commune outside the receiver's province is refused, nothing changes
        receiver.post(
            f"/cases/transfers/{transfer.pk}/decide/",
            {"decision": "accept", "commune_code": commune_a.code},
        )
        transfer.refresh_from_db()
        assert transfer.status == "pending"
        hanoi_commune = (
            AdminUnit.objects.current()
            .filter(level="commune", path__startswith=other_province.path)
            .first()
        )
        receiver.post(
            f"/cases/transfers/{transfer.pk}/decide/",
            {"decision": "accept", "commune_code": hanoi_commune.code},
        )
        case.refresh_from_db()
        assert (case.owning_agency, case.unit) == (agencies["other"], hanoi_commune)
        assert receiver.get(f"/cases/{case.code}/").status_code == 200
        # the old province's supervisor no longer sees it
        assert as_user(personas["supervisor"]).get(f"/cases/{case.code}/").status_code == 404
        entry = AccessLog.objects.unscoped().get(action="cases.transfer.accepted")
        assert entry.changes["commune"] == [commune_a.code, hanoi_commune.code]
