"""The data that feeds the targets (issue 9): times, phone numbers, risk, perpetrators, closure,
intake. Each rule is tested through the service and through at least one door (page or API)."""

import datetime
import json
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db.models import NOT_PROVIDED
from django.test import Client

from gbvms.cases import services, services_care, services_measures
from gbvms.cases.forms_actions import PerpetratorForm
from gbvms.cases.forms_care import ServiceForm
from gbvms.cases.models import (
    Case,
    CaseSequence,
    FollowUp,
    Intervention,
    MeasureType,
    Perpetrator,
    ProtectiveMeasure,
    RiskAssessment,
    RiskFactor,
    ServiceRecord,
    Sex,
    Survivor,
)
from gbvms.core import phones
from gbvms.core.forms_util import submit
from gbvms.core.models import AccessLog
from gbvms.referrals.models import HelpRequest, ServiceProvider

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)  # 16:30 in Viet Nam
PHYSICAL = {"rape": False, "sexual_assault": False, "physical_assault": True}


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


@pytest.fixture
def case(personas, commune_a):
    with time_machine.travel(NOW, tick=False):
        return services.case_open(
            actor=personas["worker_a"],
            survivor=services.SurvivorData(full_name="Lê Thị Thu", birth_year=2008),
            channel="police",
            commune=commune_a,
            detected_at=NOW,
        ).case


@pytest.fixture
def later():
    with time_machine.travel(NOW + datetime.timedelta(hours=4), tick=False):
        yield


@pytest.mark.django_db
class TestTimes:
    def test_service_before_detection_is_refused(self, personas, agencies, case, later):
        with pytest.raises(ValidationError) as caught:
            services_care.service_record(
                actor=personas["worker_a"], case=case, kind="health", provider=agencies["a"],
                delivered_at=NOW - datetime.timedelta(minutes=11),
            )  # fmt: skip
        assert codes(caught.value) == {"delivered_at": ["before_detection"]}
        case.refresh_from_db()
        assert case.first_support_at is None
        assert not ServiceRecord.objects.unscoped().exists()

    def test_service_before_detection_on_the_form_sits_on_its_field(
        self, personas, agencies, case, later
    ):
        form = ServiceForm(
            {"kind": "health", "delivered_at": "2026-03-02T16:10", "provider": agencies["a"].pk},
            case=case,
        )
        saved = submit(form, services_care.service_record, actor=personas["worker_a"], case=case)
        assert saved is None
        assert form.errors["delivered_at"] == [
            "Không thể trước thời điểm phát hiện vụ việc (16:30 02/03/2026)."
        ]

    def test_service_before_detection_through_the_page(
        self, personas, as_user, agencies, case, later
    ):
        response = as_user(personas["worker_a"]).post(
            f"/cases/{case.code}/services/",
            {"kind": "health", "delivered_at": "2026-03-02T16:10", "provider": agencies["a"].pk,
             "case_version": case.version},
        )  # fmt: skip
        assert response.status_code == 400
        assert "Không thể trước thời điểm phát hiện vụ việc" in response.content.decode()
        assert not ServiceRecord.objects.unscoped().exists()

    def test_service_before_detection_through_the_api(self, personas, as_user, agencies, case):
        with time_machine.travel(NOW + datetime.timedelta(hours=4), tick=False):
            response = as_user(personas["worker_a"]).post(
                f"/api/v1/cases/{case.code}/services",
                {"kind": "health", "delivered_at": "2026-03-02T16:10:00+07:00",
                 "provider_id": agencies["a"].pk},
                content_type="application/json",
            )  # fmt: skip
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["delivered_at"]
        assert response.json()["code"] == "before_detection"
        assert not ServiceRecord.objects.unscoped().exists()

    def test_service_in_the_future_beyond_the_skew(self, personas, agencies, case, later):
        now = NOW + datetime.timedelta(hours=4)
        with pytest.raises(ValidationError) as caught:
            services_care.service_record(
                actor=personas["worker_a"], case=case, kind="health", provider=agencies["a"],
                delivered_at=now + datetime.timedelta(minutes=6),
            )  # fmt: skip
        assert codes(caught.value) == {"delivered_at": ["in_future"]}
        services_care.service_record(
            actor=personas["worker_a"], case=case, kind="health", provider=agencies["a"],
            delivered_at=now + datetime.timedelta(minutes=4),
        )  # fmt: skip
        assert ServiceRecord.objects.unscoped().count() == 1

    def test_the_skew_is_a_setting(self, personas, agencies, case, later, settings):
        settings.CLOCK_SKEW_MINUTES = 0
        with pytest.raises(ValidationError):
            services_care.service_record(
                actor=personas["worker_a"], case=case, kind="health", provider=agencies["a"],
                delivered_at=NOW + datetime.timedelta(hours=4, minutes=1),
            )  # fmt: skip

    def test_intervention_measure_follow_up_child_step(self, personas, case, later):
        actor = personas["worker_a"]
        with pytest.raises(ValidationError) as caught:
            services_measures.intervention_record(
                actor=actor, case=case, kind="counselling", done_on=datetime.date(2026, 3, 1)
            )
        assert codes(caught.value) == {"done_on": ["before_detection"]}
        with pytest.raises(ValidationError) as caught:
            services_measures.intervention_record(
                actor=actor, case=case, kind="counselling", done_on=datetime.date(2026, 3, 4)
            )
        assert codes(caught.value) == {"done_on": ["in_future"]}
        with pytest.raises(ValidationError) as caught:
            services_measures.measure_request(
                actor=actor, case=case, type=MeasureType.objects.get(code="no_contact_commune"),
                danger_to_life=True, requested_at=NOW - datetime.timedelta(hours=1),
            )  # fmt: skip
        assert codes(caught.value) == {"requested_at": ["before_detection"]}
        with pytest.raises(ValidationError) as caught:
            services_care.follow_up_add(actor=actor, case=case, due_on=datetime.date(2026, 3, 1))
        assert codes(caught.value) == {"due_on": ["before_detection"]}
        # a follow-up is planned ahead: a due date in the future is what it is for
        services_care.follow_up_add(actor=actor, case=case, due_on=datetime.date(2026, 3, 20))
        assert not Intervention.objects.unscoped().exists()
        assert not ProtectiveMeasure.objects.unscoped().exists()
        assert FollowUp.objects.unscoped().count() == 1

    def test_intervention_before_detection_through_the_page(self, personas, as_user, case, later):
        response = as_user(personas["worker_a"]).post(
            f"/cases/{case.code}/interventions/",
            {"kind": "counselling", "done_on": "2026-03-01", "case_version": case.version},
        )
        assert response.status_code == 400
        assert "Không thể trước thời điểm phát hiện vụ việc" in response.content.decode()
        assert not Intervention.objects.unscoped().exists()

    def test_detection_in_1900_opens_no_case(self, personas, as_user):
        client = as_user(personas["worker_a"])
        response = client.post(
            "/api/v1/cases",
            {"survivor": {"full_name": "A"}, "channel": "police", "commune_code": "23293",
             "detected_at": "1900-03-02T08:21:00+07:00"},
            content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 422
        assert "detected_at" in response.json()["errors"]
        assert not Case.objects.unscoped().exists()
        assert not CaseSequence.objects.filter(year=1900).exists()

    def test_the_earliest_date_is_a_setting(self, personas, commune_a, settings):
        settings.EARLIEST_DATE = datetime.date(2020, 1, 1)
        with pytest.raises(ValidationError) as caught:
            services.case_open(
                actor=personas["worker_a"], survivor=services.SurvivorData(),
                channel="police", commune=commune_a,
                detected_at=datetime.datetime(2019, 12, 31, 12, tzinfo=datetime.UTC),
            )  # fmt: skip
        assert codes(caught.value) == {"detected_at": ["too_early"]}

    def test_detection_before_the_birth_year(self, personas, commune_a):
        with pytest.raises(ValidationError) as caught:
            services.case_open(
                actor=personas["worker_a"], survivor=services.SurvivorData(birth_year=2015),
                channel="police", commune=commune_a,
                detected_at=datetime.datetime(2014, 6, 1, 12, tzinfo=datetime.UTC),
            )  # fmt: skip
        assert codes(caught.value) == {"detected_at": ["before_birth"]}
        assert not Survivor.objects.unscoped().exists()

    def test_incident_after_detection_or_before_birth(self, personas, commune_a, case):
        with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as caught:
            services.case_open(
                actor=personas["worker_a"], survivor=services.SurvivorData(),
                channel="police", commune=commune_a,
                detected_at=NOW - datetime.timedelta(days=2),
                incident=services.IncidentData(occurred_on=datetime.date(2026, 3, 1)),
            )  # fmt: skip
        assert codes(caught.value) == {"occurred_on": ["after_detection"]}
        with pytest.raises(ValidationError) as caught:
            services.incident_classify(
                actor=personas["worker_a"], case=case,
                data=services.IncidentData(occurred_on=datetime.date(2005, 5, 1),
                                           answers={"rape": True}),
            )  # fmt: skip
        assert codes(caught.value) == {"occurred_on": ["before_birth"]}
        assert Case.objects.unscoped().count() == 1

    def test_incident_after_detection_through_the_api(self, personas, as_user, case, later):
        response = as_user(personas["worker_a"]).post(
            f"/api/v1/cases/{case.code}/incident",
            {"occurred_on": "2026-03-03", "answers": {"rape": True}},
            content_type="application/json",
            HTTP_IF_MATCH=str(case.version),
        )
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["occurred_on"]
        assert response.json()["code"] == "after_detection"
        assert not case.incidents.exists()


@pytest.mark.django_db
class TestPhones:
    @pytest.mark.parametrize(
        ("typed", "stored"),
        [
            ("0912 345 678", "+84912345678"),
            ("+84 912 345 678", "+84912345678"),
            ("84912345678", "+84912345678"),
            ("0084912345678", "+84912345678"),
            ("(024) 3823 4567", "+842438234567"),
            ("111", "111"),
            ("113", "113"),
            ("1900 1234", "19001234"),
            ("1800 1567", "18001567"),
            ("+1 650 253 0000", "+16502530000"),
            ("", ""),
        ],
    )
    def test_normalised(self, typed, stored):
        assert phones.normalise(typed) == stored

    @pytest.mark.parametrize("typed", ["abc", "091234", "12", "0912345678901234"])
    def test_refused(self, typed):
        with pytest.raises(ValidationError) as caught:
            phones.normalise(typed)
        assert caught.value.code == "invalid_phone"
        assert caught.value.messages[0].startswith("Số điện thoại không hợp lệ.")

    def test_intake_page_refuses_abc_and_stores_e164(self, personas, as_user, commune_a):
        client = as_user(personas["hotline"])
        data = {"channel": "hotline", "commune": commune_a.pk, "immediate_danger": "no",
                "sex": "female", "detected_at": "2026-03-02T09:30", "phone": "abc"}  # fmt: skip
        response = client.post("/cases/new/", data)
        assert response.status_code == 200
        assert "Số điện thoại không hợp lệ." in response.content.decode()
        assert not Case.objects.unscoped().exists()
        client.post("/cases/new/", data | {"phone": "0912 345 678"})
        assert Survivor.objects.unscoped().get().phone == "+84912345678"

    def test_api_refuses_abc(self, personas, as_user):
        response = as_user(personas["worker_a"]).post(
            "/api/v1/cases",
            {"survivor": {"phone": "abc"}, "channel": "police", "commune_code": "23293",
             "detected_at": "2026-03-02T08:21:00+07:00"},
            content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["phone"]
        assert response.json()["code"] == "invalid_phone"
        assert not Case.objects.unscoped().exists()

    def test_duplicates_match_every_form_of_a_number(self, personas, as_user):
        client = as_user(personas["worker_a"])
        codes_ = []
        for phone in ["0912 345 678", "0084 912 345 678", "84912345678"]:
            response = client.post(
                "/api/v1/cases",
                {"survivor": {"phone": phone}, "channel": "police", "commune_code": "23293",
                 "detected_at": "2026-03-02T08:21:00+07:00"},
                content_type="application/json",
            )  # fmt: skip
            assert response.status_code == 201, response.content
            assert response.json()["possible_duplicates"] == codes_
            codes_.append(response.json()["code"])
        assert len(set(Survivor.objects.unscoped().values_list("phone_index", flat=True))) == 1

    def test_help_request_callback_number(self, personas, commune_a, agencies):
        client = Client()
        body = {"kind": "need_help", "commune_code": "23293", "contact": {"phone": "abc"}}
        response = client.post("/api/v1/public/help-requests", body,
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 422
        assert "phone" in response.json()["errors"]
        assert not HelpRequest.objects.unscoped().exists()
        body["contact"] = {"phone": "0912 345 678"}
        response = client.post("/api/v1/public/help-requests", body,
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 201, response.content
        item = HelpRequest.objects.unscoped().get()
        assert json.loads(item.contact)["phone"] == "+84912345678"

    def test_directory_import_checks_phones(self, agencies):
        from gbvms.referrals import services_directory

        header = services_directory.COLUMNS
        row = dict.fromkeys(header, "")
        row |= {"name": "Cơ sở A", "agency": str(agencies["a"].pk), "type": "hotline",
                "services": "psychosocial", "coverage": "23293", "public_phone": "abc",
                "internal_phone": "0912 345 678"}  # fmt: skip
        allowed = {agencies["a"].pk: agencies["a"]}
        existing = ServiceProvider.objects.order_by("name")
        count, errors = services_directory.import_table(
            [header, [row[c] for c in header]], allowed, existing
        )
        assert count == 0
        assert [(e.row, e.column) for e in errors] == [(2, "public_phone")]
        row["public_phone"] = "111"
        count, errors = services_directory.import_table(
            [header, [row[c] for c in header]], allowed, existing
        )
        assert (count, errors) == (1, [])
        provider = ServiceProvider.objects.get(name="Cơ sở A")
        assert (provider.public_phone, provider.internal_phone) == ("111", "+84912345678")

    def test_user_phone_for_sms(self, personas, agencies, province):
        from gbvms.orgs import services as org_services

        with pytest.raises(ValidationError) as caught:
            org_services.user_create(
                actor=personas["admin"], username="nv1", password="Mat-khau-dai-2026!",
                phone="abc", agency=agencies["province"], role="viewer", scope_unit=province,
            )  # fmt: skip
        assert codes(caught.value) == {"phone": ["invalid_phone"]}


def all_factors(value):
    return dict.fromkeys(RiskFactor.objects.filter(is_active=True).values_list("code", flat=True),
                         value)  # fmt: skip


@pytest.mark.django_db
class TestRiskChecklist:
    @pytest.mark.parametrize("answers", [{}, {"weapon": None, "escalation": None}])
    def test_an_empty_checklist_is_refused_not_low(self, personas, case, answers):
        with pytest.raises(ValidationError) as caught:
            services_care.risk_assess(actor=personas["worker_a"], case=case, answers=answers)
        assert caught.value.code == "empty_checklist"
        case.refresh_from_db()
        assert case.risk_level == ""
        assert not RiskAssessment.objects.unscoped().exists()

    def test_no_is_not_unknown(self, personas, case):
        partial = services_care.risk_assess(
            actor=personas["worker_a"], case=case, answers={"weapon": False, "escalation": None}
        )
        assert (partial.score, partial.level) == (0, "")  # not established: stays unassessed
        case.refresh_from_db()
        assert case.risk_level == ""
        assert partial.answers == {"weapon": False}  # unknown is not stored as "no"
        full = services_care.risk_assess(
            actor=personas["worker_a"], case=case, answers=all_factors(False)
        )
        assert full.level == "low"
        # a risk found is a risk, whatever is still unknown
        high = services_care.risk_assess(
            actor=personas["worker_a"], case=case, answers={"weapon": True}
        )
        assert high.level == "high"

    def test_the_page_asks_yes_no_or_unknown(self, personas, as_user, case):
        client = as_user(personas["worker_a"])
        form = client.get(f"/cases/{case.code}/form/risk/").content.decode()
        assert 'type="radio" name="f_weapon" value="no"' in form
        assert 'type="radio" name="f_weapon" value=""' in form
        empty = client.post(f"/cases/{case.code}/risk/", {"case_version": case.version})
        assert empty.status_code == 400
        assert "Chưa trả lời câu hỏi nào" in empty.content.decode()
        assert not RiskAssessment.objects.unscoped().exists()
        answers = {f"f_{code}": "no" for code in all_factors(None)}
        response = client.post(
            f"/cases/{case.code}/risk/", answers | {"f_weapon": "", "case_version": case.version}
        )
        assert response.status_code == 302
        assert RiskAssessment.objects.unscoped().get().level == ""
        page = client.get(f"/cases/{case.code}/").content.decode()
        assert 'data-testid="risk-incomplete"' in page

    def test_the_api_reports_what_is_unanswered(self, personas, as_user, case):
        client = as_user(personas["worker_a"])
        url = f"/api/v1/cases/{case.code}/risk"
        empty = client.post(
            url, {"answers": {}}, content_type="application/json", HTTP_IF_MATCH=str(case.version)
        )
        assert (empty.status_code, empty.json()["code"]) == (422, "empty_checklist")
        response = client.post(
            url, {"answers": {"weapon": False, "escalation": None}},
            content_type="application/json", HTTP_IF_MATCH=str(case.version),
        )  # fmt: skip
        assert response.status_code == 201
        body = response.json()
        assert body["level"] == ""
        assert len(body["unanswered"]) == len(all_factors(None)) - 1
        assert "weapon" not in body["unanswered"]


@pytest.mark.django_db
class TestPerpetrators:
    def classify(self, actor, case, relationships):
        return services.incident_classify(
            actor=actor, case=case,
            data=services.IncidentData(answers=PHYSICAL,
                                       relationships=relationships),
        )  # fmt: skip

    def test_no_default_sex(self, personas, case):
        assert Perpetrator._meta.get_field("sex").default is NOT_PROVIDED
        assert "unknown" in dict(Sex.choices)
        incident = self.classify(personas["worker_a"], case, ["intimate_partner"])
        assert list(incident.perpetrators.values_list("sex", flat=True)) == ["unknown"]
        form = PerpetratorForm({"relationship": "intimate_partner"})
        assert not form.is_valid()
        assert list(form.errors) == ["sex"]

    def test_a_perpetrator_without_sex_is_refused_on_the_page(self, personas, as_user, case):
        response = as_user(personas["worker_a"]).post(
            f"/cases/{case.code}/perpetrators/",
            {"relationship": "intimate_partner", "case_version": case.version},
        )
        assert response.status_code == 400
        assert not Perpetrator.objects.unscoped().exists()

    def test_classifying_again_updates_in_place(self, personas, case):
        actor = personas["worker_a"]
        incident = self.classify(actor, case, ["intimate_partner"])
        person = incident.perpetrators.get()
        person.sex, person.age_group, person.occupation = "male", "26-40", "Nông dân"
        person.previous_incidents = True
        person.save()
        with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
            handled = services_measures.intervention_record(
                actor=actor, case=case, kind="counselling", done_on=datetime.date(2026, 3, 2),
                perpetrator=person,
            )  # fmt: skip
        self.classify(actor, case, ["intimate_partner"])
        self.classify(actor, case, [])  # no answer about relationships changes nothing
        # the worker corrects the relationship: the same person, details kept
        incident = self.classify(actor, case, ["former_partner"])
        again = incident.perpetrators.get()
        assert again.pk == person.pk
        assert (again.relationship, again.sex, again.age_group, again.occupation,
                again.previous_incidents) == ("former_partner", "male", "26-40", "Nông dân",
                                              True)  # fmt: skip
        handled.refresh_from_db()
        assert handled.perpetrator_id == person.pk
        # a second relationship adds a perpetrator; dropping it removes only that bare one
        incident = self.classify(actor, case, ["former_partner", "family_member"])
        assert incident.perpetrators.count() == 2
        incident = self.classify(actor, case, ["former_partner"])
        assert list(incident.perpetrators.values_list("pk", flat=True)) == [person.pk]

    def test_through_the_api(self, personas, as_user, case):
        client = as_user(personas["worker_a"])
        url = f"/api/v1/cases/{case.code}/incident"
        body = {"answers": PHYSICAL, "perpetrator_relationships": ["neighbour"]}
        first = client.post(url, body, content_type="application/json",
                            HTTP_IF_MATCH=str(case.version))  # fmt: skip
        assert first.status_code == 200, first.content
        person = Perpetrator.objects.unscoped().get()
        Perpetrator.objects.unscoped().filter(pk=person.pk).update(age_group="41-60")
        case.refresh_from_db()
        second = client.post(url, body, content_type="application/json",
                             HTTP_IF_MATCH=str(case.version))  # fmt: skip
        assert second.status_code == 200, second.content
        assert list(Perpetrator.objects.unscoped().values_list("pk", "age_group")) == [
            (person.pk, "41-60")
        ]


@pytest.mark.django_db
class TestClosureChecklist:
    def close(self, personas, case, reason, **extra):
        case.refresh_from_db()
        return services_care.case_close(
            actor=personas["supervisor"], case=case, reason=reason, version=case.version, **extra
        )

    def test_unclassified_and_unserved_cases_do_not_close(self, personas, agencies, case, later):
        with pytest.raises(ValidationError) as caught:
            self.close(personas, case, "needs_met")
        assert [e.code for e in caught.value.error_list] == ["not_classified", "no_service"]
        services.incident_classify(
            actor=personas["worker_a"], case=case,
            data=services.IncidentData(answers=PHYSICAL),
        )  # fmt: skip
        with pytest.raises(ValidationError) as caught:
            self.close(personas, case, "needs_met")
        assert [e.code for e in caught.value.error_list] == ["no_service"]
        case.refresh_from_db()
        assert case.status == "open"
        services_care.service_record(
            actor=personas["worker_a"], case=case, kind="health", provider=agencies["a"],
            delivered_at=NOW + datetime.timedelta(hours=1),
        )  # fmt: skip
        assert self.close(personas, case, "needs_met").status == "closed"

    @pytest.mark.parametrize("reason", ["no_contact", "survivor_request"])
    def test_a_recorded_reason_stands_for_a_service(self, personas, case, reason):
        services.incident_classify(
            actor=personas["worker_a"], case=case,
            data=services.IncidentData(answers=PHYSICAL),
        )  # fmt: skip
        assert self.close(personas, case, reason).status == "closed"

    def test_a_declined_need_stands_for_a_service(self, personas, case, settings):
        settings.CASE_CLOSURE_CHECKLIST = ["service_or_reason"]
        services_care.need_set(
            actor=personas["worker_a"], case=case, kind="shelter", status="declined"
        )
        assert self.close(personas, case, "needs_met").status == "closed"

    def test_the_checklist_is_a_setting(self, personas, case, settings):
        settings.CASE_CLOSURE_CHECKLIST = []
        assert self.close(personas, case, "needs_met").status == "closed"

    def test_other_needs_an_explanation(self, personas, case, settings):
        settings.CASE_CLOSURE_CHECKLIST = []
        with pytest.raises(ValidationError) as caught:
            self.close(personas, case, "other", explanation=" ")
        assert codes(caught.value) == {"explanation": ["explanation_required"]}
        self.close(personas, case, "other", explanation="Gia đình đã hòa giải")
        entry = AccessLog.objects.unscoped().get(action="cases.case.closed")
        assert (entry.reason, entry.reason_detail) == ("other", "Gia đình đã hòa giải")

    def test_through_the_page(self, personas, as_user, case):
        client = as_user(personas["supervisor"])
        response = client.post(
            f"/cases/{case.code}/close/",
            {"reason": "other", "version": case.version, "case_version": case.version},
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "Lý do khác: hãy ghi rõ lý do đóng vụ việc." in body
        case.refresh_from_db()
        assert case.status == "open"
        response = client.post(
            f"/cases/{case.code}/close/",
            {"reason": "needs_met", "version": case.version, "case_version": case.version},
        )
        assert response.status_code == 400
        assert "Chưa phân loại vụ việc" in response.content.decode()
        case.refresh_from_db()
        assert case.status == "open"


@pytest.mark.django_db
class TestIntake:
    DATA = {"commune": None, "immediate_danger": "no", "sex": "female",
            "detected_at": "2026-03-02T09:30", "full_name": "Hà Thị Mai"}  # fmt: skip

    def test_post_redirect_get_and_a_reload_opens_no_second_case(
        self, personas, as_user, commune_a
    ):
        client = as_user(personas["hotline"])
        form = client.get("/cases/new/").content.decode()
        submission = re.search(r'name="submission" value="([^"]+)"', form).group(1)
        data = self.DATA | {"commune": commune_a.pk, "channel": "hotline",
                            "submission": submission}  # fmt: skip
        response = client.post("/cases/new/", data)
        assert (response.status_code, response["Location"]) == (302, "/cases/new/done/")
        code = Case.objects.unscoped().get().code
        for _ in range(2):  # the result page, reloaded
            page = client.get("/cases/new/done/")
            assert page.status_code == 200
            assert code in page.content.decode()
        again = client.post("/cases/new/", data)  # the same form sent again
        assert again.status_code == 302
        assert Case.objects.unscoped().count() == 1
        assert code in client.get("/cases/new/done/").content.decode()

    def test_channel_defaults_from_the_role(self, personas, as_user):
        hotline = as_user(personas["hotline"]).get("/cases/new/").content.decode()
        assert '<option value="hotline" selected>' in hotline
        worker = as_user(personas["worker_a"]).get("/cases/new/").content.decode()
        assert '<option value="" selected>' in worker  # a case worker of a committee: none

    def test_api_channel_default(self, personas, as_user):
        body = {"survivor": {}, "commune_code": "23293", "detected_at": "2026-03-02T08:21:00+07:00"}
        created = as_user(personas["hotline"]).post(
            "/api/v1/cases", body, content_type="application/json"
        )
        assert created.status_code == 201, created.content
        assert Case.objects.unscoped().get(code=created.json()["code"]).channel == "hotline"
        refused = as_user(personas["worker_a"]).post(
            "/api/v1/cases", body, content_type="application/json"
        )
        assert refused.status_code == 422
        assert list(refused.json()["errors"]) == ["channel"]
        assert Case.objects.unscoped().count() == 1
