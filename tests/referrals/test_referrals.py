import datetime

import pytest
import time_machine
from django.core import mail

from gbvms.cases.models import Notification, SafetyPlan, ServiceRecord
from gbvms.core.models import AccessLog
from gbvms.referrals import services, services_directory
from gbvms.referrals.models import Referral, ReferralPathway, ServiceProvider


def refer(client, case, provider, sections=("summary",), services_=("shelter",)):
    return client.post(
        f"/api/v1/cases/{case.code}/referrals",
        {
            "provider_id": provider.pk,
            "services": list(services_),
            "urgency": "urgent",
            "visible_sections": list(sections),
            "note": "Cần chỗ ở tối nay",
        },
        content_type="application/json",
    )


@pytest.mark.django_db
class TestDirectory:
    def test_nearest_first_then_province_then_national(self, network, commune_a, commune_b):
        names = [
            m.provider.name for m in services_directory.providers_for(commune_a, "psychosocial")
        ]
        assert names == ["Nhà tạm lánh của Trung tâm", "Địa chỉ tin cậy tỉnh", "Tổng đài 111"]
        tiers = [m.tier for m in services_directory.providers_for(commune_b, "psychosocial")]
        assert tiers == ["province", "national"]  # nothing in Đăk Tô itself: up the hierarchy
        assert services_directory.providers_for(commune_b, "health") == []

    def test_pathway_orders_provider_types(self, network, province, commune_b):
        other = network["trusted"]
        other.coverage.set([commune_b])
        network["shelter"].coverage.set([commune_b])
        default = [m.provider.name for m in services_directory.providers_for(commune_b, "shelter")]
        assert default[0] == "Nhà tạm lánh của Trung tâm"  # social work centre first by default
        ReferralPathway.objects.create(
            province=province,
            service="shelter",
            provider_types=["trusted_address", "social_work_centre"],
        )
        ordered = [m.provider.name for m in services_directory.providers_for(commune_b, "shelter")]
        assert ordered[0] == "Địa chỉ tin cậy tỉnh"

    def test_open_now(self, network):
        legal = network["legal"]
        monday_morning = datetime.datetime(2026, 11, 23, 3, 0, tzinfo=datetime.UTC)  # 10:00 VN
        sunday = datetime.datetime(2026, 11, 22, 3, 0, tzinfo=datetime.UTC)
        assert legal.is_open(monday_morning)
        assert not legal.is_open(sunday)
        assert network["hotline"].is_open(sunday)

    def test_api_public_fields_without_login(self, client, network, commune_a):
        response = client.get(
            "/api/v1/directory/providers", {"commune_code": commune_a.code, "service": "shelter"}
        )
        assert response.status_code == 200
        first = response.json()["items"][0]
        assert first["name"] == "Nhà tạm lánh của Trung tâm"
        assert first["agency_id"] == network["centre"].pk
        assert first["internal_phone"] is None  # internal contact only for signed-in staff
        assert first["public_phone"] == "0255 3811 222"

    def test_import_reports_every_bad_row_and_writes_nothing(self, network, agencies):
        header = services_directory.COLUMNS
        good = [
            "",
            "Phòng tư vấn học đường",
            str(agencies["a"].pk),
            "school_counselling",
            "psychosocial,education",
            "23293",
            "0",
            "0",
            "",
            "",
            "",
            "",
            "vi",
            "",
            "",
            "",
            "1",
        ]
        bad = [
            "",
            "",
            "999999",
            "spaceship",
            "health,magic",
            "99999",
            "0",
            "0",
            "",
            "",
            "",
            "x",
            "",
            "",
            "ten",
            "",
            "1",
        ]
        allowed = {a.pk: a for a in agencies.values()}
        existing = ServiceProvider.objects.order_by("name")
        count, errors = services_directory.import_table([header, good, bad], allowed, existing)
        assert count == 0
        assert {(e.row, e.column) for e in errors} == {
            (3, "name"),
            (3, "agency"),
            (3, "type"),
            (3, "services"),
            (3, "coverage"),
            (3, "shelter_beds"),
            (3, "internal_email"),
        }
        before = existing.count()
        assert ServiceProvider.objects.order_by("name").count() == before
        count, errors = services_directory.import_table([header, good], allowed, existing)
        assert (count, errors) == (1, [])

    def test_xlsx_round_trip(self, network):
        providers = ServiceProvider.objects.order_by("name")
        data = services_directory.export_xlsx(providers)
        rows = services_directory.read_table("p.xlsx", data)
        assert rows[0] == services_directory.COLUMNS
        assert len(rows) == providers.count() + 1
        allowed = {p.agency_id: p.agency for p in providers}
        rows[1][1] = rows[1][1] + " (sửa)"
        count, errors = services_directory.import_table(rows, allowed, providers)
        assert errors == []
        assert count == providers.count()
        assert providers.filter(name__endswith="(sửa)").count() == 1


@pytest.mark.django_db
class TestReferrals:
    def test_refused_without_consent(self, personas, as_user, case, network):
        response = refer(as_user(personas["worker_a"]), case, network["shelter"])
        assert response.status_code == 409
        assert response.json()["code"] == "consent_required"
        assert not Referral.objects.unscoped().exists()

    def test_consent_must_name_the_provider_and_every_service(
        self, personas, as_user, case, network, consent
    ):
        client = as_user(personas["worker_a"])
        assert refer(client, case, network["trusted"]).status_code == 409  # another provider
        assert (
            refer(client, case, network["shelter"], services_=("shelter", "health")).status_code
            == 422
        )  # not offered
        assert refer(client, case, network["shelter"]).status_code == 201
        from gbvms.cases import services as case_services

        case_services.consent_withdraw(actor=personas["worker_a"], consent=consent)
        assert refer(client, case, network["shelter"]).status_code == 409  # withdrawn

    def test_receiver_sees_only_the_chosen_sections(
        self, personas, as_user, case, network, consent
    ):
        SafetyPlan.objects.create(
            case=case, concern="Sợ chồng quay lại", updated_by=personas["worker_a"]
        )
        sender = as_user(personas["worker_a"])
        staff = as_user(network["staff"])
        summary_id = refer(sender, case, network["shelter"]).json()["id"]
        page = staff.get(f"/referrals/{summary_id}/").content.decode()
        assert "Đinh Thị Hoa" in page
        assert 'data-testid="shared-needs"' not in page
        assert "Sợ chồng quay lại" not in page
        full_id = refer(sender, case, network["shelter"], sections=("case_except_notes",)).json()[
            "id"
        ]
        page = staff.get(f"/referrals/{full_id}/").content.decode()
        assert "Sợ chồng quay lại" in page
        assert 'data-testid="shared-needs"' in page
        viewed = AccessLog.objects.unscoped().filter(
            object_id=case.code, action="cases.case.viewed_via_referral"
        )
        assert viewed.count() == 2
        # the receiver cannot open the case itself, nor another provider's staff the referral
        assert staff.get(f"/cases/{case.code}/").status_code == 404
        assert as_user(personas["worker_b"]).get(f"/referrals/{full_id}/").status_code == 404

    def test_accept_complete_and_the_sender_sees_the_outcome(
        self, personas, as_user, case, network, consent
    ):
        referral_id = refer(as_user(personas["worker_a"]), case, network["shelter"]).json()["id"]
        staff = as_user(network["staff"])
        inbox = staff.get("/api/v1/referrals/inbox").json()
        assert [r["id"] for r in inbox] == [referral_id]
        assert staff.post(f"/api/v1/referrals/{referral_id}/accept").json()["status"] == "accepted"
        done = staff.post(
            f"/api/v1/referrals/{referral_id}/complete",
            {"outcome": "Đã bố trí chỗ ở 5 ngày"},
            content_type="application/json",
        )
        assert done.json()["status"] == "completed"
        record = ServiceRecord.objects.unscoped().get(case=case)
        assert (record.kind, record.provider) == ("shelter", network["centre"])
        case.refresh_from_db()
        assert case.first_support_at is not None
        page = as_user(personas["worker_a"]).get(f"/referrals/{referral_id}/").content.decode()
        assert "Đã bố trí chỗ ở 5 ngày" in page
        kinds = set(
            Notification.objects.filter(user=personas["worker_a"]).values_list("kind", flat=True)
        )
        assert {"referral_accepted", "referral_completed"} <= kinds
        # somebody who does not work for the provider cannot decide
        other = as_user(personas["worker_b"])
        assert other.post(f"/api/v1/referrals/{referral_id}/accept").status_code == 404

    def test_decline_needs_a_reason_and_suggests_the_next_provider(
        self, personas, as_user, case, network, consent
    ):
        referral_id = refer(as_user(personas["worker_a"]), case, network["shelter"]).json()["id"]
        staff = as_user(network["staff"])
        empty = staff.post(
            f"/api/v1/referrals/{referral_id}/decline",
            {"reason": ""},
            content_type="application/json",
        )
        assert empty.status_code == 422
        declined = staff.post(
            f"/api/v1/referrals/{referral_id}/decline",
            {"reason": "Hết giường tối nay"},
            content_type="application/json",
        )
        assert declined.json()["suggested_provider_id"] == network["trusted"].pk
        # after declining, the provider no longer sees the case
        assert staff.get(f"/referrals/{referral_id}/").status_code == 404

    def test_revoking_removes_access(self, personas, as_user, case, network, consent):
        sender = as_user(personas["worker_a"])
        referral_id = refer(sender, case, network["shelter"]).json()["id"]
        staff = as_user(network["staff"])
        assert staff.get(f"/referrals/{referral_id}/").status_code == 200
        sender.post(f"/referrals/{referral_id}/revoke/")
        assert Referral.objects.unscoped().get().status == "revoked"
        assert staff.get(f"/referrals/{referral_id}/").status_code == 404

    def test_overdue_referrals_escalate_once(self, personas, as_user, case, network, consent):
        with time_machine.travel(
            datetime.datetime(2026, 11, 24, 8, 0, tzinfo=datetime.UTC), tick=False
        ):
            refer(as_user(personas["worker_a"]), case, network["shelter"])  # urgent: 24 h
            assert services.escalate_overdue() == 0
        mail.outbox.clear()
        later = datetime.datetime(2026, 11, 25, 8, 30, tzinfo=datetime.UTC)
        assert services.escalate_overdue(later) == 1
        told = set(
            Notification.objects.filter(kind="referral_overdue").values_list(
                "user__username", flat=True
            )
        )
        assert told == {"worker_a", "supervisor", "centre_manager"}  # the sender too
        assert services.escalate_overdue(later) == 0
        # messages carry the code and a link, never the survivor's name
        assert all("Đinh Thị Hoa" not in m.body and case.code in m.body for m in mail.outbox)

    def test_timeliness_figures(self, personas, as_user, case, network, consent):
        sender = as_user(personas["worker_a"])
        staff = as_user(network["staff"])
        first = refer(sender, case, network["shelter"]).json()["id"]
        second = refer(sender, case, network["shelter"]).json()["id"]
        staff.post(f"/api/v1/referrals/{first}/accept")
        staff.post(
            f"/api/v1/referrals/{second}/decline",
            {"reason": "Hết giường"},
            content_type="application/json",
        )
        (row,) = services.timeliness(Referral.objects.unscoped().all())
        assert (row.sent, row.accepted, row.declined, row.in_time_pct) == (2, 1, 1, 100)
        assert row.decline_reasons == {"Hết giường": 1}
        page = as_user(personas["supervisor"]).get("/referrals/stats/").content.decode()
        assert "Nhà tạm lánh của Trung tâm" in page


@pytest.mark.django_db
def test_notifications_page_lists_opens_and_marks_read(personas, as_user, case, network, consent):
    referral_id = refer(as_user(personas["worker_a"]), case, network["shelter"]).json()["id"]
    staff = as_user(network["staff"])
    home = staff.get("/").content.decode()
    assert 'data-testid="unread"' in home
    page = staff.get("/cases/notifications/").content.decode()
    assert "Có chuyển gửi mới" in page
    assert case.code in page
    assert "Đinh Thị Hoa" not in page
    item = Notification.objects.get(user=network["staff"])
    response = staff.post(f"/cases/notifications/{item.pk}/open/")
    assert response["Location"] == f"/referrals/{referral_id}/"
    item.refresh_from_db()
    assert item.read_at is not None
    # somebody else's notification is not theirs to open
    assert (
        as_user(personas["worker_b"]).post(f"/cases/notifications/{item.pk}/open/")["Location"]
        == "/cases/notifications/"
    )
