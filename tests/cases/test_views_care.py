import datetime

import pytest
import time_machine

from gbvms.cases import services
from gbvms.cases.models import (
    Case,
    ClosureRequest,
    FollowUp,
    RiskAssessment,
    SafetyPlan,
    Status,
)

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


def v(case, **data):
    """A form's data with the case version as the case page sends it (read now)."""
    return {**data, "case_version": Case.objects.unscoped().get(pk=case.pk).version}


@pytest.fixture
def case(personas, commune_a):
    with time_machine.travel(NOW, tick=False):
        return services.case_open(
            actor=personas["worker_a"],
            survivor=services.SurvivorData(full_name="Vũ Thị Hạnh"),
            channel="police",
            commune=commune_a,
            detected_at=NOW,
        ).case


@pytest.mark.django_db
class TestCarePages:
    def test_risk_then_safety_plan(self, personas, as_user, case):
        client = as_user(personas["worker_a"])
        url = f"/cases/{case.code}/"
        response = client.post(url + "risk/", v(case, f_weapon="yes", f_escalation="yes"))
        assert response.status_code == 302
        page = client.get(url).content.decode()
        assert 'data-testid="plan-required"' in page
        assert RiskAssessment.objects.unscoped().get().level == "high"
        client.post(url + "safety-plan/", v(case, concern="Sợ anh ta quay lại", strategies=""))
        assert SafetyPlan.objects.unscoped().get().concern == "Sợ anh ta quay lại"
        assert 'data-testid="plan-required"' not in client.get(url).content.decode()

    def test_safety_plan_needs_the_concern(self, personas, as_user, case):
        response = as_user(personas["worker_a"]).post(
            f"/cases/{case.code}/safety-plan/", v(case, concern="")
        )
        assert response.status_code == 400
        assert "Trường này là bắt buộc." in response.content.decode()
        assert not SafetyPlan.objects.unscoped().exists()

    def test_service_marks_support_in_time(self, personas, as_user, case, agencies):
        client = as_user(personas["worker_a"])
        with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
            response = client.post(
                f"/cases/{case.code}/services/",
                {"kind": "health", "delivered_at": "2026-03-02T18:00",
                 "provider": agencies["a"].pk, "outcome": ""},
            )  # fmt: skip
            assert response.status_code == 302
            page = client.get(f"/cases/{case.code}/").content.decode()
        assert 'data-testid="in-time">có<' in page
        case.refresh_from_db()
        assert case.status == Status.ACTIVE

    def test_overdue_follow_ups(self, personas, as_user, case):
        client = as_user(personas["worker_a"])
        client.post(f"/cases/{case.code}/follow-ups/", {"due_on": "2026-03-05", "note": ""})
        assert FollowUp.objects.unscoped().count() == 1
        with time_machine.travel(datetime.datetime(2026, 3, 10, tzinfo=datetime.UTC)):
            body = client.get("/cases/follow-ups/overdue/").content.decode()
            assert body.count('data-testid="overdue-row"') == 1
            other = as_user(personas["worker_b"]).get("/cases/follow-ups/overdue/")
            assert other.content.decode().count('data-testid="overdue-row"') == 0
            supervisor = as_user(personas["supervisor"]).get("/cases/follow-ups/overdue/")
            assert supervisor.content.decode().count('data-testid="overdue-row"') == 1

    def test_worker_cannot_close_supervisor_can(self, personas, as_user, case, settings):
        settings.CASE_CLOSURE_CHECKLIST = []  # the checklist: tests/cases/test_data_rules.py
        worker = as_user(personas["worker_a"])
        response = worker.post(
            f"/cases/{case.code}/close/", {"reason": "survivor_request", "version": case.version}
        )
        assert response.status_code == 302  # a closure request for the supervisors instead
        assert ClosureRequest.objects.unscoped().get().status == "pending"
        assert Case.objects.unscoped().get().status == Status.OPEN
        supervisor = as_user(personas["supervisor"])
        supervisor.post(
            f"/cases/{case.code}/close/", {"reason": "survivor_request", "version": case.version}
        )
        assert Case.objects.unscoped().get().status == Status.CLOSED

    def test_stale_form_is_told_and_changes_nothing(self, personas, as_user, case, settings):
        settings.CASE_CLOSURE_CHECKLIST = []
        supervisor = as_user(personas["supervisor"])
        stale = case.version
        as_user(personas["worker_a"]).post(
            f"/cases/{case.code}/needs/", v(case, kind="safety", status="planned", note="")
        )
        response = supervisor.post(
            f"/cases/{case.code}/close/", {"reason": "survivor_request", "version": stale}
        )
        assert response.status_code == 409
        assert "vừa được người khác cập nhật" in response.content.decode()
        assert Case.objects.unscoped().get().status == Status.OPEN

    @pytest.mark.parametrize(
        ("path", "data"),
        [
            ("risk/", {"f_weapon": "yes"}),
            ("safety-plan/", {"concern": "x"}),
            ("follow-ups/", {"due_on": "2026-03-05"}),
            ("close/", {"reason": "survivor_request", "version": 1}),
        ],
    )
    def test_other_commune_gets_404_and_nothing_changes(self, personas, as_user, case, path, data):
        response = as_user(personas["worker_b"]).post(f"/cases/{case.code}/{path}", data)
        assert response.status_code == 404
        assert not RiskAssessment.objects.unscoped().exists()
        assert not SafetyPlan.objects.unscoped().exists()
        assert not FollowUp.objects.unscoped().exists()
        assert Case.objects.unscoped().get().status == Status.OPEN


@pytest.mark.django_db
class TestBreakGlass:
    @pytest.fixture
    def outsider(self, agencies, other_province):
        from tests.conftest import make_user

        return make_user("hn_supervisor", (agencies["other"], "case_supervisor", other_province))

    def test_supervisor_elsewhere_reads_with_a_logged_reason(
        self, personas, as_user, case, outsider
    ):
        from gbvms.cases.models import Notification
        from gbvms.core.models import AccessLog

        client = as_user(outsider)
        assert client.get(f"/cases/{case.code}/").status_code == 404
        response = client.post(
            "/cases/break-glass/",
            {"code": case.code, "reason": "Người bị hại đang ở Hà Nội, nguy hiểm tính mạng"},
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert 'data-testid="break-glass"' in body
        assert "Vũ Thị Hạnh" in body
        entry = AccessLog.objects.unscoped().get(action="cases.case.break_glass")
        assert (entry.actor, entry.object_id) == (outsider, case.code)
        assert entry.reason_detail.startswith("Người bị hại đang ở Hà Nội")  # encrypted
        assert Notification.objects.filter(
            user=personas["supervisor"], kind="break_glass", case_code=case.code
        ).exists()

    def test_reason_is_required(self, as_user, case, outsider):
        from gbvms.core.models import AccessLog

        response = as_user(outsider).post("/cases/break-glass/", {"code": case.code, "reason": "x"})
        assert "ít nhất 10 ký tự" in response.content.decode()
        assert not AccessLog.objects.unscoped().filter(action="cases.case.break_glass").exists()

    @pytest.mark.parametrize("persona", ["worker_a", "worker_b", "admin", "statistician"])
    def test_only_supervisors(self, personas, as_user, case, persona):
        response = as_user(personas[persona]).post(
            "/cases/break-glass/", {"code": case.code, "reason": "một lý do đủ dài để ghi"}
        )
        assert response.status_code == 403

    def test_unknown_code_is_404(self, as_user, outsider):
        response = as_user(outsider).post(
            "/cases/break-glass/", {"code": "01-2026-000001", "reason": "một lý do đủ dài để ghi"}
        )
        assert response.status_code == 404


@pytest.mark.django_db
class TestMeasurePages:
    def test_request_and_decide_a_no_contact_order(self, personas, as_user, case):
        from gbvms.cases.models import MeasureType, ProtectiveMeasure

        client = as_user(personas["worker_a"])
        no_contact = MeasureType.objects.get(code="no_contact_commune")
        response = client.post(
            f"/cases/{case.code}/measures/",
            {"type": no_contact.pk, "requester": "survivor", "survivor_consent": "on"},
        )
        assert response.status_code == 302
        measure = ProtectiveMeasure.objects.unscoped().get()
        page = client.get(f"/cases/{case.code}/").content.decode()
        assert "quyết định trước" in page
        too_long = client.post(
            f"/cases/{case.code}/measures/{measure.pk}/decide/",
            v(case, grant="yes", starts_at="2026-03-02T17:00", ends_at="2026-03-06T17:00"),
        )
        assert too_long.status_code == 400
        assert "Thời hạn tối đa của biện pháp này là 3 ngày." in too_long.content.decode()
        client.post(
            f"/cases/{case.code}/measures/{measure.pk}/decide/",
            v(case, grant="yes", starts_at="2026-03-02T17:00", ends_at="2026-03-05T17:00"),
        )
        measure.refresh_from_db()
        assert measure.decision == "granted"

    def test_police_summons_refused_for_adult_without_danger(self, personas, as_user, case):
        from gbvms.cases.models import MeasureType, ProtectiveMeasure

        summons = MeasureType.objects.get(code="police_summons")
        response = as_user(personas["worker_a"]).post(
            f"/cases/{case.code}/measures/", {"type": summons.pk, "requester": "survivor"}
        )
        assert response.status_code == 400
        assert "nhóm được bảo vệ" in response.content.decode()
        assert not ProtectiveMeasure.objects.unscoped().exists()

    def test_intervention_page(self, personas, as_user, case):
        from gbvms.cases.models import Intervention

        as_user(personas["worker_a"]).post(
            f"/cases/{case.code}/interventions/",
            {"kind": "counselling", "done_on": "2026-03-03", "outcome": ""},
        )
        assert Intervention.objects.unscoped().get().kind == "counselling"


@pytest.mark.django_db
class TestLegalPages:
    def test_consent_give_and_withdraw(self, personas, as_user, case, agencies):
        from gbvms.cases.models import Consent
        from gbvms.referrals.models import ServiceProvider

        legal = ServiceProvider.objects.create(
            agency=agencies["province"], name="Trợ giúp pháp lý", type="legal_aid",
            services=["health", "legal_aid"], national=True,
        )  # fmt: skip
        client = as_user(personas["worker_a"])
        client.post(
            f"/cases/{case.code}/consents/",
            {"kind": "sharing", "service_types": ["health", "legal_aid"], "given_by": "survivor",
             "provider_ids": [legal.pk], "case_version": case.version},
        )  # fmt: skip
        consent = Consent.objects.unscoped().get()
        assert consent.service_types == ["health", "legal_aid"]
        client.post(f"/cases/{case.code}/consents/{consent.pk}/withdraw/", v(case))
        consent.refresh_from_db()
        assert consent.withdrawn_at is not None

    def test_dv_acts_refused_when_not_applicable(self, personas, as_user, case):
        response = as_user(personas["worker_a"]).post(
            f"/cases/{case.code}/legal/", v(case, relationship="divorced", dv_acts=["i"])
        )
        assert response.status_code == 400
        assert "Không áp dụng cho quan hệ này: i" in response.content.decode()

    def test_report_shows_missing_chair_notification(self, personas, as_user, case):
        client = as_user(personas["worker_a"])
        client.post(
            f"/cases/{case.code}/report/",
            v(case, received_by="cong_an", channel="in_person", received_at="2026-03-02T09:00",
              content="Hàng xóm báo tin"),
        )  # fmt: skip
        page = client.get(f"/cases/{case.code}/").content.decode()
        assert "chưa báo Chủ tịch UBND xã" in page


@pytest.mark.django_db
class TestLazyForms:
    def test_case_page_does_not_render_the_action_forms(self, personas, as_user, case):
        page = as_user(personas["worker_a"]).get(f"/cases/{case.code}/").content.decode()
        assert f'hx-get="/cases/{case.code}/form/risk/"' in page
        assert 'name="f_weapon"' not in page
        assert 'data-testid="stale"' not in page

    def test_fragment_for_htmx_and_page_without(self, personas, as_user, case):
        client = as_user(personas["worker_a"])
        fragment = client.get(f"/cases/{case.code}/form/risk/", HTTP_HX_REQUEST="true")
        body = fragment.content.decode()
        assert body.lstrip().startswith("<form")
        assert 'name="f_weapon"' in body
        assert f'action="/cases/{case.code}/risk/"' in body
        page = client.get(f"/cases/{case.code}/form/risk/").content.decode()
        assert "<html" in page
        assert 'name="f_weapon"' in page

    def test_unknown_form_and_other_commune_are_404(self, personas, as_user, case):
        assert (
            as_user(personas["worker_a"]).get(f"/cases/{case.code}/form/nope/").status_code == 404
        )
        assert (
            as_user(personas["worker_b"]).get(f"/cases/{case.code}/form/risk/").status_code == 404
        )


@pytest.mark.django_db
def test_second_writer_is_told_what_changed(personas, as_user, case):
    from gbvms.cases.models import RiskAssessment

    first = as_user(personas["worker_a"])
    form = first.get(f"/cases/{case.code}/form/risk/", HTTP_HX_REQUEST="true").content.decode()
    assert f'name="case_version" value="{case.version}"' in form
    as_user(personas["supervisor"]).post(
        f"/cases/{case.code}/needs/", v(case, kind="safety", status="planned", note="")
    )
    response = first.post(
        f"/cases/{case.code}/risk/",
        {"f_weapon": "yes", "case_version": case.version, "loaded_at": "0"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="stale"' in body
    assert "Cập nhật nhu cầu" in body
    assert "cases.need.set" not in body
    assert "supervisor" in body
    assert not RiskAssessment.objects.unscoped().exists()


@pytest.mark.django_db
def test_a_write_between_reading_and_saving_is_caught(personas, as_user, case, monkeypatch):
    """Another save that commits after this request read the case but before it wrote is
    caught by the database (the version is checked in the UPDATE, not only in memory)."""
    from django.db.models import F

    from gbvms.cases import views_care
    from gbvms.cases.models import Case, SafetyPlan

    version = case.version
    original = views_care.selectors.case_get_for_user

    def read_then_someone_else_saves(**kwargs):
        read = original(**kwargs)
        Case.objects.unscoped().filter(pk=read.pk).update(version=F("version") + 1)
        return read

    monkeypatch.setattr(views_care.selectors, "case_get_for_user", read_then_someone_else_saves)
    response = as_user(personas["worker_a"]).post(
        f"/cases/{case.code}/safety-plan/",
        {"concern": "Sợ chồng quay lại", "case_version": version, "loaded_at": "0"},
    )
    assert response.status_code == 409
    assert not SafetyPlan.objects.unscoped().exists()


@pytest.mark.django_db
def test_perpetrators_any_number(personas, as_user, case):
    from gbvms.cases.models import Perpetrator

    client = as_user(personas["worker_a"])
    for relationship in ["intimate_partner", "family_member"]:
        response = client.post(
            f"/cases/{case.code}/perpetrators/",
            {"relationship": relationship, "sex": "male", "age_group": "26-40",
             "occupation": "", "previous_incidents": "on"},
        )  # fmt: skip
        assert response.status_code == 302
    assert Perpetrator.objects.unscoped().count() == 2
    page = client.get(f"/cases/{case.code}/").content.decode()
    assert page.count('data-testid="perpetrator"') == 2
    bad = client.post(f"/cases/{case.code}/perpetrators/", {"relationship": "alien"})
    assert bad.status_code == 400
    assert Perpetrator.objects.unscoped().count() == 2
