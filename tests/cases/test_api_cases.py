import pytest
from django.db import connection

from gbvms.cases.models import Case, CaseAssignment, Consent
from gbvms.core.models import AccessLog

NAME = "Nguyễn Thị Hồng Nhung"
PHONE = "0912 345 678"


def payload(commune="23293", **extra):
    data = {
        "survivor": {"full_name": NAME, "phone": PHONE, "birth_year": 1990, "sex": "female"},
        "channel": "hotline",
        "commune_code": commune,
        "detected_at": "2026-03-02T09:30:00+07:00",
        "incident": {
            "occurred_on": "2026-02-27",
            "answers": {"rape": False, "sexual_assault": False, "physical_assault": True},
            "perpetrator_relationships": ["intimate_partner"],
        },
    }
    data.update(extra)
    return data


def if_match(code):
    """The header of an edit over the API: the case version it was read at (read now)."""
    return {"HTTP_IF_MATCH": f'"{Case.objects.unscoped().get(code=code).version}"'}


def open_case(client, **extra):
    response = client.post("/api/v1/cases", payload(**extra), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["code"]


@pytest.fixture
def case_code(personas, as_user):
    return open_case(as_user(personas["worker_a"]))


@pytest.mark.django_db
class TestOpen:
    def test_worker_opens_a_case_owned_by_their_agency(self, personas, as_user, agencies):
        code = open_case(as_user(personas["worker_a"]))
        assert code.startswith("51-2026-")
        assert code.endswith("000001")
        case = Case.objects.unscoped().get(code=code)
        assert case.owning_agency == agencies["a"]
        assert list(case.assignments.values_list("user__username", flat=True)) == ["worker_a"]
        incident = case.incidents.get()
        assert incident.gbv_type == "physical_assault"
        assert incident.context == ["intimate_partner_violence"]
        assert incident.age_at_incident == 36
        assert (
            AccessLog.objects.unscoped()
            .filter(action="cases.case.created", object_id=code)
            .exists()
        )

    def test_codes_count_up_per_province_and_year(self, personas, as_user):
        client = as_user(personas["worker_a"])
        first, second = open_case(client), open_case(client)
        assert int(second[-6:]) == int(first[-6:]) + 1

    def test_identity_is_encrypted_at_rest(self, case_code):
        with connection.cursor() as cursor:
            cursor.execute("SELECT full_name, phone FROM cases_survivor")
            rows = cursor.fetchall()
        dump = repr(rows)
        assert "Nguy" not in dump
        assert "0912" not in dump
        assert all(value.startswith("v1$") for row in rows for value in row)

    def test_hotline_intake_is_routed_to_the_commune_worker(self, personas, as_user, agencies):
        hotline = as_user(personas["hotline"])
        code = open_case(hotline)
        case = Case.objects.unscoped().get(code=code)
        assert case.owning_agency == agencies["a"]
        assert [a.user.username for a in case.assignments.all()] == ["worker_a"]
        assert hotline.get(f"/api/v1/cases/{code}").status_code == 404  # cannot read back

    def test_commune_outside_scope_is_refused(self, personas, as_user):
        response = as_user(personas["worker_a"]).post(
            "/api/v1/cases", payload(commune="23401"), content_type="application/json"
        )
        assert response.status_code == 422
        assert "commune_code" in response.json()["errors"]
        assert not Case.objects.unscoped().exists()

    def test_future_detection_is_refused(self, personas, as_user):
        response = as_user(personas["worker_a"]).post(
            "/api/v1/cases",
            payload(detected_at="2099-01-01T00:00:00+07:00"),
            content_type="application/json",
        )
        assert response.status_code == 422
        assert "detected_at" in response.json()["errors"]

    @pytest.mark.parametrize(
        "bad",
        [{"channel": "pigeon"}, {"commune_code": "99999"}, {"surprise": 1}],
    )
    def test_bad_input_is_422_and_saves_nothing(self, personas, as_user, bad):
        response = as_user(personas["worker_a"]).post(
            "/api/v1/cases", payload(**bad), content_type="application/json"
        )
        assert response.status_code == 422
        assert not Case.objects.unscoped().exists()

    @pytest.mark.parametrize("persona", ["statistician", "officer"])
    def test_roles_without_intake_cannot_open(self, personas, as_user, persona):
        response = as_user(personas[persona]).post(
            "/api/v1/cases", payload(), content_type="application/json"
        )
        assert response.status_code == 422
        assert not Case.objects.unscoped().exists()

    def test_possible_duplicates_are_flagged_without_revealing(self, personas, as_user):
        first = open_case(as_user(personas["worker_a"]))
        again = as_user(personas["worker_a"]).post(
            "/api/v1/cases", payload(), content_type="application/json"
        )
        assert again.json()["possible_duplicates"] == [first]
        other = as_user(personas["worker_b"]).post(
            "/api/v1/cases", payload(commune="23401"), content_type="application/json"
        )
        body = other.json()
        assert body["possible_duplicates"] == []
        assert body["hidden_duplicates"] == 2


@pytest.mark.django_db
class TestRead:
    @pytest.mark.parametrize(
        ("persona", "status"),
        [
            ("worker_a", 200),
            ("supervisor", 200),
            ("worker_b", 404),
            ("officer", 404),
            ("statistician", 404),
            ("hotline", 404),
            ("admin", 404),
            ("national_admin", 404),
        ],
    )
    def test_access_matrix(self, personas, as_user, case_code, persona, status):
        before = AccessLog.objects.unscoped().filter(action="cases.case.viewed").count()
        response = as_user(personas[persona]).get(f"/api/v1/cases/{case_code}")
        assert response.status_code == status
        after = AccessLog.objects.unscoped().filter(action="cases.case.viewed").count()
        assert after == before + (1 if status == 200 else 0)

    def test_forbidden_and_missing_look_the_same(self, personas, as_user, case_code):
        client = as_user(personas["worker_b"])
        forbidden = client.get(f"/api/v1/cases/{case_code}")
        missing = client.get("/api/v1/cases/51-2026-999999")
        assert forbidden.status_code == missing.status_code == 404
        assert forbidden.content == missing.content

    def test_case_content(self, personas, as_user, case_code):
        data = as_user(personas["worker_a"]).get(f"/api/v1/cases/{case_code}").json()
        assert data["survivor"]["full_name"] == NAME
        assert data["commune_code"] == "23293"
        assert (
            data["incidents"][0]["reporting_bucket"] == "0-3d"
            or data["incidents"][0]["reporting_bucket"]
        )

    def test_unassigned_worker_of_same_commune_cannot_read(
        self, personas, as_user, case_code, agencies, commune_a
    ):
        from tests.conftest import make_user

        colleague = make_user("colleague", (agencies["a"], "case_worker", commune_a))
        assert as_user(colleague).get(f"/api/v1/cases/{case_code}").status_code == 404
        CaseAssignment.objects.create(
            case=Case.objects.unscoped().get(code=case_code), user=colleague
        )
        assert as_user(colleague).get(f"/api/v1/cases/{case_code}").status_code == 200


@pytest.mark.django_db
class TestClassifyApi:
    def test_first_yes_and_context(self, personas, as_user):
        body = {
            "answers": {
                "rape": False,
                "sexual_assault": True,
                "physical_assault": True,
                "forced_marriage": False,
                "denial_of_resources": False,
                "psychological_abuse": True,
            },
            "age_at_incident": 15,
            "perpetrator_relationships": ["teacher"],
            "exchange": True,
            "abduction": False,
            "harmful_traditional_practice": False,
        }
        response = as_user(personas["worker_a"]).post(
            "/api/v1/incidents/classify", body, content_type="application/json"
        )
        assert response.json() == {
            "type": "sexual_assault",
            "context": ["child_sexual_abuse", "possible_sexual_exploitation"],
        }

    def test_all_no_is_non_gbv(self, personas, as_user):
        response = as_user(personas["worker_a"]).post(
            "/api/v1/incidents/classify",
            {"answers": {}, "age_at_incident": None, "perpetrator_relationships": []},
            content_type="application/json",
        )
        assert response.json() == {"type": "non_gbv", "context": []}

    def test_unknown_relationship_is_422(self, personas, as_user):
        response = as_user(personas["worker_a"]).post(
            "/api/v1/incidents/classify",
            {"answers": {}, "perpetrator_relationships": ["alien"]},
            content_type="application/json",
        )
        assert response.status_code == 422

    def test_requires_authentication(self, client):
        response = client.post(
            "/api/v1/incidents/classify", {"answers": {}}, content_type="application/json"
        )
        assert response.status_code == 401


@pytest.mark.django_db
class TestConsent:
    def test_give_and_withdraw(self, personas, as_user, case_code, agencies):
        from gbvms.referrals.models import ServiceProvider

        # a sharing consent names a provider serving the case's commune (a national one here)
        clinic = ServiceProvider.objects.create(
            agency=agencies["province"],
            name="Phòng khám",
            type="hospital",
            services=["health"],
            national=True,
        )
        client = as_user(personas["worker_a"])
        given = client.post(
            f"/api/v1/cases/{case_code}/consents",
            {"kind": "sharing", "service_types": ["health"], "provider_ids": [clinic.pk],
             "given_by": "survivor"},
            content_type="application/json",
        )  # fmt: skip
        assert given.status_code == 201
        consent_id = given.json()["id"]
        path = f"/api/v1/cases/{case_code}/consents/{consent_id}/withdraw"
        withdrawn = client.post(path, **if_match(case_code))
        assert withdrawn.status_code == 200
        assert withdrawn.json()["withdrawn_at"] is not None
        again = client.post(path, **if_match(case_code))
        assert again.status_code == 422
        actions = list(
            AccessLog.objects.unscoped()
            .filter(action__startswith="cases.consent")
            .values_list("action", flat=True)
        )
        assert actions == ["cases.consent.withdrawn", "cases.consent.given"]
        assert Consent.objects.unscoped().get(pk=consent_id).withdrawn_by == personas["worker_a"]

    def test_provider_only_for_sharing(self, personas, as_user, case_code):
        response = as_user(personas["worker_a"]).post(
            f"/api/v1/cases/{case_code}/consents",
            {"kind": "services", "provider_ids": [1], "given_by": "survivor"},
            content_type="application/json",
        )
        assert response.status_code == 422

    def test_other_commune_cannot_record_consent(self, personas, as_user, case_code):
        response = as_user(personas["worker_b"]).post(
            f"/api/v1/cases/{case_code}/consents",
            {"kind": "services", "given_by": "survivor"},
            content_type="application/json",
        )
        assert response.status_code == 404
        assert not Consent.objects.unscoped().exists()


@pytest.mark.django_db
class TestAuditApi:
    @pytest.mark.parametrize(
        ("persona", "status"),
        [
            ("admin", 200),
            ("supervisor", 200),
            ("worker_a", 200),  # assigned: the case's timeline, as on the case page
            ("worker_b", 403),
            ("officer", 403),
        ],
    )
    def test_who_may_read_a_case_log(self, personas, as_user, case_code, persona, status):
        as_user(personas["worker_a"]).get(f"/api/v1/cases/{case_code}")
        response = as_user(personas[persona]).get(
            "/api/v1/audit/access-log", {"object_code": case_code}
        )
        assert response.status_code == status
        if status == 200:
            actions = [(e["action"], e["user"]) for e in response.json()["items"]]
            assert ("cases.case.created", "worker_a") in actions
            # who read the case is for its supervisors and the auditors, not its worker
            assert (("cases.case.viewed", "worker_a") in actions) == (persona != "worker_a")
