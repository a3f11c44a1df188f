"""A referral lets the receiving provider see the survivor's identity only while the consent
that allows it is in force, the case is open, and until GBVMS_REFERRAL_ACCESS_DAYS after
completion; every grant and end is in the access log; a denied request writes nothing."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from gbvms.cases import services as case_services
from gbvms.cases import services_care
from gbvms.cases.models import Case, SafetyPlan
from gbvms.core.models import AccessLog
from gbvms.referrals.models import Referral

NAME = "Đinh Thị Hoa"
PLAN = "Sợ chồng quay lại tìm"
CONTACT = "Chỉ gọi sau 18 giờ"


def refer(client, case, provider):
    response = client.post(
        f"/api/v1/cases/{case.code}/referrals",
        {
            "provider_id": provider.pk,
            "services": ["shelter"],
            "urgency": "urgent",
            "visible_sections": ["case_except_notes"],
            "note": "Cần chỗ ở tối nay",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.fixture
def shared(personas, as_user, case, network, consent):
    """A referral to the shelter showing everything but notes, the case with a safety plan and a
    safe contact; returns (referral id, the provider's client)."""
    SafetyPlan.objects.create(case=case, concern=PLAN, updated_by=personas["worker_a"])
    Case.objects.unscoped().filter(pk=case.pk).update(safe_contact=CONTACT)
    referral_id = refer(as_user(personas["worker_a"]), case, network["shelter"])
    return referral_id, as_user(network["staff"])


def identity_on_page(client, referral_id):
    response = client.get(f"/referrals/{referral_id}/")
    assert response.status_code == 200
    page = response.content.decode()
    return {text: text in page for text in (NAME, PLAN, CONTACT, "Cần chỗ ở tối nay")}


def identity_in_api(client, referral_id):
    response = client.get(f"/api/v1/referrals/{referral_id}")
    assert response.status_code == 200
    return response.json()


def assert_identity_hidden(client, referral_id, case, reason):
    """The provider keeps its record (code, services, status) without the identity, on the page
    and in the API, and reading it writes nothing."""
    before = AccessLog.objects.unscoped().count()
    page = client.get(f"/referrals/{referral_id}/").content.decode()
    assert case.code in page
    assert 'data-testid="access-ended"' in page
    assert identity_on_page(client, referral_id) == dict.fromkeys(
        (NAME, PLAN, CONTACT, "Cần chỗ ở tối nay"), False
    )
    body = identity_in_api(client, referral_id)
    assert body["shared"] is None
    assert (body["access_visible"], body["access_end_reason"]) == (False, reason)
    assert (body["case_code"], body["services"]) == (case.code, ["shelter"])
    assert NAME not in str(body)
    assert PLAN not in str(body)
    assert (
        AccessLog.objects.unscoped().count() == before
    )  # no "viewed" row: nothing of the case was read


def ended_rows(case):
    return list(
        AccessLog.objects.unscoped().filter(
            object_id=case.code, action="referrals.referral.access_ended"
        )
    )


@pytest.mark.django_db
class TestAccessEnds:
    def test_visible_while_the_consent_is_in_force_and_the_grant_is_logged(
        self, shared, case, consent
    ):
        referral_id, staff = shared
        assert identity_on_page(staff, referral_id) == dict.fromkeys(
            (NAME, PLAN, CONTACT, "Cần chỗ ở tối nay"), True
        )
        body = identity_in_api(staff, referral_id)
        assert body["access_visible"] is True
        assert (body["shared"]["full_name"], body["shared"]["safety_plan"]) == (NAME, PLAN)
        assert body["shared"]["safe_contact"] == CONTACT
        grant = AccessLog.objects.unscoped().get(
            object_id=case.code, action="referrals.referral.access_granted"
        )
        assert grant.changes["referral"] == [None, referral_id]
        assert grant.changes["consents"] == [None, [consent.pk]]
        assert NAME not in str(grant.changes)
        viewed = AccessLog.objects.unscoped().filter(
            object_id=case.code, action="cases.case.viewed_via_referral"
        )
        assert viewed.count() == 2  # the page and the API read
        assert not ended_rows(case)

    @pytest.mark.parametrize("door", ["page", "api"])
    def test_withdrawing_the_consent_ends_access(
        self, shared, personas, as_user, case, consent, door
    ):
        referral_id, staff = shared
        sender = as_user(personas["worker_a"])
        version = Case._base_manager.get(pk=case.pk).version
        if door == "page":
            response = sender.post(
                f"/cases/{case.code}/consents/{consent.pk}/withdraw/", {"case_version": version}
            )
            assert response.status_code == 302
        else:
            url = f"/api/v1/cases/{case.code}/consents/{consent.pk}/withdraw"
            assert sender.post(url, HTTP_IF_MATCH=f'"{version}"').status_code == 200
        [row] = ended_rows(case)
        assert row.actor == personas["worker_a"]
        assert row.changes["referral"] == [referral_id, None]
        assert row.changes["reason"] == [None, "consent_withdrawn"]
        referral = Referral.objects.unscoped().get(pk=referral_id)
        assert referral.access_end_reason == "consent_withdrawn"
        assert_identity_hidden(staff, referral_id, case, "consent_withdrawn")
        # nor can the provider accept it now (and that refusal writes nothing)
        before = AccessLog.objects.unscoped().count()
        refused = staff.post(f"/api/v1/referrals/{referral_id}/accept")
        assert (refused.status_code, refused.json()["code"]) == (422, "access_ended")
        assert Referral.objects.unscoped().get(pk=referral_id).status == "sent"
        assert AccessLog.objects.unscoped().count() == before

    def test_an_expired_consent_ends_access_and_the_sweep_logs_it_once(
        self, personas, as_user, case, network
    ):
        expires = timezone.now() + datetime.timedelta(days=3)
        case_services.consent_give(
            actor=personas["worker_a"],
            case=case,
            kind="sharing",
            given_by="survivor",
            service_types=["shelter"],
            provider_ids=[network["shelter"].pk],
            expires_at=expires,
        )
        SafetyPlan.objects.create(case=case, concern=PLAN, updated_by=personas["worker_a"])
        referral_id = refer(as_user(personas["worker_a"]), case, network["shelter"])
        with time_machine.travel(expires - datetime.timedelta(minutes=1), tick=False):
            staff = as_user(network["staff"])  # signed in again: sessions end when idle
            assert identity_on_page(staff, referral_id)[NAME] is True
            call_command("end_referral_access")
            assert not ended_rows(case)
        with time_machine.travel(expires + datetime.timedelta(minutes=1), tick=False):
            staff = as_user(network["staff"])
            # reads stop at the expiry, before the sweep has written anything
            assert_identity_hidden(staff, referral_id, case, "consent_expired")
            assert not ended_rows(case)
            call_command("end_referral_access")
            call_command("end_referral_access")  # once only
            # a new referral is refused: no consent in force any more
            late = as_user(personas["worker_a"]).post(
                f"/api/v1/cases/{case.code}/referrals",
                {
                    "provider_id": network["shelter"].pk,
                    "services": ["shelter"],
                    "urgency": "urgent",
                    "visible_sections": ["summary"],
                },
                content_type="application/json",
            )
            assert (late.status_code, late.json()["code"]) == (409, "consent_required")
        [row] = ended_rows(case)
        assert row.changes["reason"] == [None, "consent_expired"]
        assert row.changes["ended_at"] == [None, expires.isoformat()]
        assert row.actor is None  # written by the sweep

    def test_closing_the_case_ends_access(self, shared, personas, case, settings):
        settings.CASE_CLOSURE_CHECKLIST = []
        referral_id, staff = shared
        case.refresh_from_db()
        services_care.case_close(
            actor=personas["supervisor"], case=case, reason="survivor_request", version=case.version
        )
        [row] = ended_rows(case)
        assert row.changes["reason"] == [None, "case_closed"]
        assert row.actor == personas["supervisor"]
        assert_identity_hidden(staff, referral_id, case, "case_closed")
        # reopening the case does not give the identity back: a new referral is needed
        services_care.case_reopen(
            actor=personas["supervisor"], case=case, reason="Người bị hại quay lại"
        )
        assert identity_in_api(staff, referral_id)["shared"] is None

    def test_access_ends_the_configured_days_after_completion(self, shared, as_user, network, case):
        referral_id, staff = shared
        assert staff.post(f"/api/v1/referrals/{referral_id}/accept").status_code == 200
        done = staff.post(
            f"/api/v1/referrals/{referral_id}/complete",
            {"outcome": "Đã bố trí chỗ ở 5 ngày"},
            content_type="application/json",
        )
        assert done.status_code == 200
        completed_at = Referral.objects.unscoped().get(pk=referral_id).completed_at
        lapse = completed_at + datetime.timedelta(days=30)
        with time_machine.travel(lapse - datetime.timedelta(minutes=1), tick=False):
            staff = as_user(network["staff"])  # signed in again: sessions end when idle
            assert identity_on_page(staff, referral_id)[NAME] is True
            assert identity_in_api(staff, referral_id)["shared"]["full_name"] == NAME
        with time_machine.travel(lapse + datetime.timedelta(minutes=1), tick=False):
            staff = as_user(network["staff"])
            assert_identity_hidden(staff, referral_id, case, "completed")
            # the provider keeps its own record: outcome, status, in its inbox
            page = staff.get(f"/referrals/{referral_id}/").content.decode()
            assert "Đã bố trí chỗ ở 5 ngày" in page
            inbox = staff.get("/api/v1/referrals/inbox").json()
            assert [(r["id"], r["status"]) for r in inbox] == [(referral_id, "completed")]
            call_command("end_referral_access")
        [row] = ended_rows(case)
        assert row.changes["reason"] == [None, "completed"]
        assert row.changes["ended_at"] == [None, lapse.isoformat()]

    def test_the_days_are_configurable(self, shared, as_user, network, settings):
        settings.REFERRAL_ACCESS_DAYS = 2
        referral_id, staff = shared
        staff.post(f"/api/v1/referrals/{referral_id}/accept")
        staff.post(
            f"/api/v1/referrals/{referral_id}/complete",
            {"outcome": "Xong"},
            content_type="application/json",
        )
        with time_machine.travel(timezone.now() + datetime.timedelta(days=1, hours=23)):
            assert identity_in_api(as_user(network["staff"]), referral_id)["shared"] is not None
        with time_machine.travel(timezone.now() + datetime.timedelta(days=2, minutes=1)):
            assert identity_in_api(as_user(network["staff"]), referral_id)["shared"] is None

    def test_revoking_and_declining_are_logged_as_ends(
        self, personas, as_user, case, network, consent
    ):
        sender = as_user(personas["worker_a"])
        staff = as_user(network["staff"])
        first = refer(sender, case, network["shelter"])
        second = refer(sender, case, network["shelter"])
        assert sender.post(f"/referrals/{first}/revoke/").status_code == 302
        staff.post(
            f"/api/v1/referrals/{second}/decline",
            {"reason": "Hết giường tối nay"},
            content_type="application/json",
        )
        reasons = sorted(
            (r.changes["referral"][0], r.changes["reason"][1]) for r in ended_rows(case)
        )
        assert reasons == sorted([(first, "revoked"), (second, "declined")])


@pytest.mark.django_db
class TestDeniedReferralRequestsWriteNothing:
    """A 404 on a referral action used to write a 'case viewed' row first."""

    @pytest.mark.parametrize(
        ("who", "url"),
        [
            ("sender", "/referrals/{pk}/accept/"),
            ("sender", "/referrals/{pk}/complete/"),
            ("sender", "/api/v1/referrals/{pk}/accept"),
            ("receiver", "/referrals/{pk}/revoke/"),
            ("stranger", "/referrals/{pk}/accept/"),
            ("stranger", "/api/v1/referrals/{pk}/accept"),
            ("stranger", "/referrals/{pk}/revoke/"),
        ],
    )
    def test_404_writes_no_row(self, personas, as_user, case, network, consent, who, url):
        referral_id = refer(as_user(personas["worker_a"]), case, network["shelter"])
        user = {
            "sender": personas["worker_a"],
            "receiver": network["staff"],
            "stranger": personas["worker_b"],
        }[who]
        client = as_user(user)
        before = AccessLog.objects.unscoped().count()
        response = client.post(url.format(pk=referral_id), {"outcome": "x"})
        assert response.status_code == 404
        assert AccessLog.objects.unscoped().count() == before
        assert Referral.objects.unscoped().get(pk=referral_id).status == "sent"

    def test_a_stranger_reading_gets_404_and_nothing_is_written(
        self, personas, as_user, case, network, consent
    ):
        referral_id = refer(as_user(personas["worker_a"]), case, network["shelter"])
        client = as_user(personas["worker_b"])
        before = AccessLog.objects.unscoped().count()
        assert client.get(f"/referrals/{referral_id}/").status_code == 404
        assert client.get(f"/api/v1/referrals/{referral_id}").status_code == 404
        assert AccessLog.objects.unscoped().count() == before
