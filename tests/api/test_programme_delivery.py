"""API of models, inspections and budget lines: create, list, read, update, cancel, additions,
errors (422 field + code, 403, 404)."""

from __future__ import annotations

import pytest

from gbvms.programme.models import BudgetLine, Inspection, ProgrammeModel, Recommendation
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
BASE = "/api/v1/programme"


@pytest.fixture
def people(agencies, personas, commune_a, commune_b):
    return {
        "officer": personas["officer"],
        "rec_a": make_user("rec_a", (agencies["a"], "reporting_officer", commune_a)),
        "rec_b": make_user("rec_b", (agencies["b"], "reporting_officer", commune_b)),
        "worker_a": personas["worker_a"],
    }


def post(client, path, body):
    return client.post(BASE + path, body, content_type="application/json")


def patch(client, path, body):
    return client.patch(BASE + path, body, content_type="application/json")


def model_body(agencies, **extra):
    return {"kind": "safe_school", "title": "Trường học an toàn", "unit_code": "23293",
            "lead_agency_id": agencies["a"].pk, "established_on": "2024-03-01",
            "members_female": 4, **extra}  # fmt: skip


def test_model_create_list_read_update_cancel(people, agencies, as_user):
    client = as_user(people["rec_a"])
    response = post(client, "/models", model_body(agencies))
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    listed = client.get(BASE + "/models", {"unit": "23293", "year": 2025}).json()
    assert listed["count"] == 1
    assert listed["items"][0]["unit_code"] == "23293"
    assert client.get(BASE + "/models", {"year": 2023}).json()["count"] == 0
    assert client.get(f"{BASE}/models/{pk}").json()["members_female"] == 4
    updated = patch(client, f"/models/{pk}", {"model_status": "suspended"})
    assert updated.status_code == 200, updated.content
    assert updated.json()["model_status"] == "suspended"
    assert updated.json()["title"] == "Trường học an toàn"
    assert ProgrammeModel.objects.get().status_changes.count() == 2
    evaluation = post(client, f"/models/{pk}/evaluations", {
        "date": "2025-01-10", "evaluator_id": agencies["a"].pk, "rating": "good",
        "advice": "maintain", "criteria": [{"name": "Có quy chế", "met": True}]})  # fmt: skip
    assert evaluation.status_code == 201, evaluation.content
    assert post(client, f"/models/{pk}/cancel", {}).json()["status"] == "cancelled"


def test_model_errors(people, agencies, as_user):
    client = as_user(people["rec_a"])
    response = post(client, "/models", model_body(agencies, unit_code="99999"))
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_unit"
    assert "unit_code" in response.json()["errors"]
    response = post(client, "/models", model_body(agencies, lead_agency_id=agencies["b"].pk))
    assert response.status_code == 403
    assert post(client, "/models", model_body(agencies, surprise=1)).status_code == 422
    assert post(client, "/models", model_body(agencies, title="x" * 301)).status_code == 422
    assert as_user(people["worker_a"]).get(BASE + "/models").status_code == 403
    pk = post(client, "/models", model_body(agencies)).json()["id"]
    other = as_user(people["rec_b"])
    assert other.get(f"{BASE}/models/{pk}").status_code == 404
    assert patch(other, f"/models/{pk}", {"title": "x"}).status_code == 404


def test_inspection_recommendation_flow(people, agencies, as_user):
    client = as_user(people["officer"])
    response = post(client, "/inspections", {
        "kind": "periodic", "title": "Kiểm tra", "unit_code": "51",
        "lead_agency_id": agencies["province"].pk, "start": "2026-04-01", "end": "2026-04-02",
        "inspected_entities": ["UBND phường Kon Tum"]})  # fmt: skip
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    finding = post(client, f"/inspections/{pk}/findings", {"text": "Thiếu sổ theo dõi"})
    assert finding.status_code == 201
    bad = post(client, f"/inspections/{pk}/recommendations", {
        "text": "Bổ sung", "responsible_agency_id": agencies["a"].pk,
        "due_date": "2026-03-01"})  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["code"] == "due_before_start"
    assert "due_date" in bad.json()["errors"]
    rec = post(client, f"/inspections/{pk}/recommendations", {
        "text": "Bổ sung", "responsible_agency_id": agencies["a"].pk, "due_date": "2026-06-01",
        "finding_id": finding.json()["id"]})  # fmt: skip
    assert rec.status_code == 201, rec.content
    rec_id = rec.json()["id"]
    assert patch(as_user(people["rec_b"]), f"/recommendations/{rec_id}",
                 {"status": "done"}).status_code == 404  # fmt: skip
    done = patch(as_user(people["rec_a"]), f"/recommendations/{rec_id}",
                 {"status": "done", "closed_on": "2026-05-01"})  # fmt: skip
    assert done.status_code == 200, done.content
    assert Recommendation.objects.get().status == "done"
    out = client.get(f"{BASE}/inspections/{pk}").json()
    assert out["has_case"] is False
    assert "case" not in out
    assert patch(client, f"/inspections/{pk}", {"topics": "Sổ sách"}).json()["topics"] == "Sổ sách"
    assert Inspection.objects.get().inspected_entities == ["UBND phường Kon Tum"]


def test_budget_line_flow(people, agencies, as_user):
    client = as_user(people["rec_a"])
    response = post(client, "/budget-lines", {
        "title": "Kinh phí truyền thông", "fiscal_year": 2026, "unit_code": "23293",
        "lead_agency_id": agencies["a"].pk, "funding_source": "commune",
        "amount_allocated": 1_000_000})  # fmt: skip
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    outside = post(client, f"/budget-lines/{pk}/expenditures", {"date": "2025-12-31",
                                                                  "amount": 5})  # fmt: skip
    assert outside.status_code == 422
    assert outside.json()["code"] == "outside_fiscal_year"
    assert post(client, f"/budget-lines/{pk}/expenditures",
                {"date": "2026-02-01", "amount": 1_500_000}).status_code == 201  # fmt: skip
    line = client.get(f"{BASE}/budget-lines/{pk}").json()
    assert line["spent"] == 1_500_000
    assert len(line["warnings"]) == 1
    listed = client.get(BASE + "/budget-lines", {"unit": "51", "year": 2026}).json()
    assert listed["count"] == 1
    assert client.get(BASE + "/budget-lines", {"year": 2025}).json()["count"] == 0
    assert patch(client, f"/budget-lines/{pk}", {"amount_allocated": 2_000_000}).json()[
        "warnings"] == []  # fmt: skip
    assert post(as_user(people["rec_b"]), f"/budget-lines/{pk}/expenditures",
                {"date": "2026-02-01", "amount": 5}).status_code == 404  # fmt: skip
    assert post(client, f"/budget-lines/{pk}/cancel", {}).json()["status"] == "cancelled"
    assert BudgetLine.objects.get().status == "cancelled"
