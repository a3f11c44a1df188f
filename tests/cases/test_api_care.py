import pytest

from gbvms.cases.models import FollowUp, ServiceRecord
from tests.cases.test_api_cases import if_match, open_case


@pytest.mark.django_db
class TestCareApi:
    def test_service_and_timeliness(self, personas, as_user, agencies):
        client = as_user(personas["worker_a"])
        code = open_case(client)
        response = client.post(
            f"/api/v1/cases/{code}/services",
            {"kind": "health", "delivered_at": "2026-03-02T20:00:00+07:00",
             "provider_id": agencies["a"].pk},
            content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["supported_in_time"] is True  # 10.5 h after detection
        assert body["first_support_at"].startswith("2026-03-02T13:00:00")

    def test_follow_up_lifecycle(self, personas, as_user):
        client = as_user(personas["worker_a"])
        code = open_case(client)
        created = client.post(
            f"/api/v1/cases/{code}/follow-ups", {"due_on": "2026-03-09"},
            content_type="application/json",
        )  # fmt: skip
        assert created.status_code == 201
        item = created.json()["id"]
        done = client.post(f"/api/v1/cases/{code}/follow-ups/{item}/done", **if_match(code))
        assert done.status_code == 200
        assert done.json()["done_at"] is not None
        again = client.post(f"/api/v1/cases/{code}/follow-ups/{item}/done", **if_match(code))
        assert again.status_code == 422

    def test_risk(self, personas, as_user):
        client = as_user(personas["worker_a"])
        code = open_case(client)
        response = client.post(
            f"/api/v1/cases/{code}/risk", {"answers": {"weapon": True, "strangulation": True}},
            content_type="application/json", **if_match(code),
        )  # fmt: skip
        body = response.json()
        assert body.pop("unanswered")  # the other factors were not asked
        assert body == {"score": 6, "level": "extreme", "safety_plan_required": True}

    def test_other_commune_is_404_and_nothing_saved(self, personas, as_user, agencies):
        code = open_case(as_user(personas["worker_a"]))
        other = as_user(personas["worker_b"])
        response = other.post(
            f"/api/v1/cases/{code}/services",
            {"kind": "health", "delivered_at": "2026-03-02T20:00:00+07:00",
             "provider_id": agencies["b"].pk},
            content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 404
        assert other.post(
            f"/api/v1/cases/{code}/follow-ups", {"due_on": "2026-03-09"},
            content_type="application/json",
        ).status_code == 404  # fmt: skip
        assert not ServiceRecord.objects.unscoped().exists()
        assert not FollowUp.objects.unscoped().exists()


@pytest.mark.django_db
def test_incident_classification_over_the_api(personas, as_user):
    client = as_user(personas["worker_a"])
    code = open_case(client)
    response = client.post(
        f"/api/v1/cases/{code}/incident",
        {"occurred_on": "2026-02-01", "answers": {"rape": False, "sexual_assault": True},
         "perpetrator_relationships": ["former_partner"]},
        content_type="application/json", **if_match(code),
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json() == {
        "gbv_type": "sexual_assault",
        "context": ["intimate_partner_violence"],
        "age_at_incident": 36,
        "reporting_bucket": "2w-1m",
    }
    bad = client.post(
        f"/api/v1/cases/{code}/incident", {"answers": {"telepathy": True}},
        content_type="application/json", **if_match(code),
    )  # fmt: skip
    assert bad.status_code == 422
