"""The programme API for campaigns, events and trainings, and the vocabularies: the contract of
issue 11 (create → 201 {"id"}, lists by unit and year), 422 naming the API's field with a stable
code, 403 without the permission, 404 for another agency's record, updates and cancellation."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from gbvms.api.api import api
from gbvms.plans.models import Activity, Plan
from gbvms.programme import vocab
from gbvms.programme.models import Campaign, Event
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programme"


@pytest.fixture
def recorders(agencies, personas, commune_a, commune_b, province):
    """The personas of ``tests/programme/conftest.py``."""
    return {
        "officer": personas["officer"],
        "rec_a": make_user("rec_a", (agencies["a"], "reporting_officer", commune_a)),
        "rec_b": make_user("rec_b", (agencies["b"], "reporting_officer", commune_b)),
        "stat": make_user("stat", (agencies["province"], "statistician", province)),
        "worker_a": personas["worker_a"],
    }


@pytest.fixture
def clients(recorders, as_user):
    return {name: as_user(user) for name, user in recorders.items()}


def training(agency_id: int, **overrides):
    body = {
        "title": "Tập huấn kỹ năng hỗ trợ người bị bạo lực",
        "topic": "provider_skills",
        "unit_code": "23293",
        "start": "2026-05-10",
        "end": "2026-05-11",
        "lead_agency_id": agency_id,
        "plan_activity_id": None,
        "target_groups": ["collaborators", "trusted_address"],
        "participants": [
            {"group": "collaborators", "sex": "female", "count": 12},
            {"group": "collaborators", "sex": "male", "count": 3},
            {"group": "trusted_address", "sex": "female", "count": 5},
        ],
    }
    body.update(overrides)
    return body


def event(agency_id: int, **overrides):
    body = {
        "kind": "talk",
        "title": "Tọa đàm phòng, chống bạo lực gia đình",
        "unit_code": "23293",
        "start": "2026-11-20",
        "lead_agency_id": agency_id,
        "participants_female": 30,
        "participants_male": 10,
        "audience_groups": ["community", "men"],
        "media_outputs": [{"kind": "leaflet", "quantity": 200}],
        "funding": [{"source": "commune", "amount": 2_000_000}],
        "cost_actual": 2_000_000,
    }
    body.update(overrides)
    return body


def post(client, path, body):
    return client.post(f"{BASE}/{path}", body, content_type="application/json")


def patch(client, path, body):
    return client.patch(f"{BASE}/{path}", body, content_type="application/json")


def created(response) -> int:
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"id"}
    return response.json()["id"]


def plan_activity(unit, author) -> Activity:
    plan = Plan.objects.create(title="Kế hoạch phòng, chống BLTCSG", unit=unit, start_year=2026,
                               end_year=2030, created_by=author)  # fmt: skip
    return Activity.objects.create(plan=plan, title="Tập huấn cho cộng tác viên")


# ------------------------------------------------------------------ vocabularies


def test_vocabularies_list_every_controlled_list_with_both_labels(clients):
    response = clients["stat"].get(f"{BASE}/vocabularies")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == set(vocab.VOCABULARIES)
    groups = {item["code"]: item for item in data["target_group"]}
    assert set(groups) == set(vocab.TargetGroup.values)
    assert groups["collaborators"]["label_vi"] == "Cộng tác viên, nhân viên xã hội"
    statuses = {item["code"]: item for item in data["record_status"]}
    assert (statuses["cancelled"]["label_vi"], statuses["cancelled"]["label_en"]) == (
        "Đã hủy", "Cancelled")  # fmt: skip


def test_vocabularies_need_a_login(client):
    assert client.get(f"{BASE}/vocabularies").status_code == 401


# ------------------------------------------------------------------ trainings


def test_training_created_with_a_bearer_token_is_listed_by_unit_and_year(
    clients, recorders, agencies, capsys
):
    call_command("create_token", "rec_a")
    token = capsys.readouterr().out.strip()
    response = clients["rec_a"].__class__().post(
        f"{BASE}/trainings", training(agencies["a"].pk), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip
    pk = created(response)
    stored = Event.objects.get(pk=pk)
    assert stored.kind == "training"
    assert stored.created_by == recorders["rec_a"]
    assert stored.participants_total == 20

    listed = clients["officer"].get(f"{BASE}/trainings", {"unit": "51", "year": 2026}).json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["id"] == pk
    assert item["kind"] == "training"
    assert item["status"] == "done"
    assert item["unit"] == {"code": "23293", "name": stored.unit.name}
    assert item["lead_agency"] == {"id": agencies["a"].pk, "name": "UBND phường Kon Tum"}
    assert (item["participants_total"], item["participants_female"],
            item["participants_male"]) == (20, 17, 3)  # fmt: skip
    assert item["topic"] == "provider_skills"
    assert item["level"] == "commune"
    assert item["target_groups"] == ["collaborators", "trusted_address"]
    assert {"group": "trusted_address", "sex": "female", "count": 5} in item["participants"]

    for params in ({"unit": "23401"}, {"year": 2025}, {"unit": "01"}, {"status": "cancelled"}):
        assert clients["officer"].get(f"{BASE}/trainings", params).json()["count"] == 0, params
    assert clients["rec_a"].get(f"{BASE}/trainings", {"unit": "23293"}).json()["count"] == 1


def test_list_is_paginated(clients, agencies):
    for day in (10, 11, 12):
        created(
            post(
                clients["rec_a"],
                "trainings",
                training(agencies["a"].pk, start=f"2026-05-{day}", end=f"2026-05-{day}"),
            )
        )
    first = clients["rec_a"].get(f"{BASE}/trainings", {"limit": 2}).json()
    rest = clients["rec_a"].get(f"{BASE}/trainings", {"limit": 2, "offset": 2}).json()
    assert first["count"] == rest["count"] == 3
    assert [i["start"] for i in first["items"] + rest["items"]] == [
        "2026-05-12", "2026-05-11", "2026-05-10"]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"participants": [{"group": "ge_staff", "sex": "female", "count": 2}]}, "participants",
         "group_not_targeted"),
        ({"end": "2026-05-01"}, "end", "end_before_start"),
        ({"unit_code": "99999"}, "unit_code", "unknown_unit"),
        ({"unit_code": "123"}, "unit_code", "unknown_unit"),
        ({"unit_code": "62"}, "unit_code", "unknown_unit"),  # Kon Tum, merged in 2025
        ({"lead_agency_id": 999999}, "lead_agency_id", "unknown_agency"),
        ({"plan_activity_id": 999999}, "plan_activity_id", "activity_unknown"),
        ({"campaign_id": 999999}, "campaign_id", "campaign_unknown"),
        ({"participants_total": 21}, "participants", "participants_mismatch"),
        ({"participants": []}, "participants", "no_participants"),
        ({"target_groups": []}, "target_groups", "required"),
    ],
)  # fmt: skip
def test_a_bad_training_is_a_422_naming_the_field_with_a_code(clients, agencies, overrides,
                                                              field, code):  # fmt: skip
    response = post(clients["rec_a"], "trainings", training(agencies["a"].pk, **overrides))
    assert response.status_code == 422, response.content
    assert response.json()["code"] == code
    assert list(response.json()["errors"]) == [field]
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "location", "kind"),
    [
        ({"title": "x" * 301}, ("title",), "string_too_long"),
        ({"topic": "cooking"}, ("topic",), "literal_error"),
        ({"target_groups": ["aliens"]}, ("target_groups", 0), "literal_error"),
        ({"participants": [{"group": "collaborators", "sex": "female", "count": -1}]},
         ("participants", 0, "count"), "greater_than_equal"),
        ({"colour": "red"}, ("colour",), "extra_forbidden"),
        ({"start": "1850-01-01"}, ("start",), "date_out_of_range"),
    ],
)  # fmt: skip
def test_a_malformed_training_is_a_422_naming_the_field(clients, agencies, overrides, location,
                                                        kind):  # fmt: skip
    response = post(clients["rec_a"], "trainings", training(agencies["a"].pk, **overrides))
    assert response.status_code == 422, response.content
    errors = response.json()["detail"]
    assert any(e["type"] == kind and tuple(e["loc"][-len(location):]) == location
               for e in errors), errors  # fmt: skip
    assert not Event.objects.exists()


def test_plan_activity_of_a_plan_the_recorder_cannot_see_is_refused(
    clients, recorders, agencies, commune_a, commune_b
):
    hidden = plan_activity(commune_b, recorders["officer"])
    response = post(clients["rec_a"], "trainings",
                    training(agencies["a"].pk, plan_activity_id=hidden.pk))  # fmt: skip
    assert response.status_code == 422
    assert response.json()["code"] == "activity_unknown"
    assert list(response.json()["errors"]) == ["plan_activity_id"]
    mine = plan_activity(commune_a, recorders["officer"])
    pk = created(post(clients["rec_a"], "trainings",
                      training(agencies["a"].pk, plan_activity_id=mine.pk)))  # fmt: skip
    listed = clients["rec_a"].get(f"{BASE}/trainings", {"activity": mine.pk}).json()
    assert [i["id"] for i in listed["items"]] == [pk]
    assert listed["items"][0]["plan_activity_id"] == mine.pk
    assert clients["rec_a"].get(f"{BASE}/trainings", {"activity": hidden.pk}).json()["count"] == 0


def test_a_place_outside_the_agency_is_named_on_unit_code(clients, agencies):
    response = post(clients["officer"], "trainings",
                    training(agencies["a"].pk, unit_code="23401"))  # fmt: skip
    assert response.status_code == 422
    assert response.json()["code"] == "unit_outside_agency"
    assert list(response.json()["errors"]) == ["unit_code"]


def test_who_may_record_and_read(clients, agencies):
    body = training(agencies["a"].pk)
    for who in ("rec_b", "worker_a", "stat"):
        assert post(clients[who], "trainings", body).status_code == 403, who
    assert not Event.objects.exists()
    pk = created(post(clients["rec_a"], "trainings", body))
    assert clients["officer"].get(f"{BASE}/trainings/{pk}").status_code == 200
    assert clients["rec_b"].get(f"{BASE}/trainings/{pk}").status_code == 404
    assert clients["rec_b"].get(f"{BASE}/trainings").json() == {"items": [], "count": 0}
    assert clients["rec_a"].get(f"{BASE}/trainings/999999").status_code == 404
    assert clients["rec_a"].get(f"{BASE}/events/{pk}").status_code == 404  # not an event
    for who in ("worker_a", "stat"):
        assert clients[who].get(f"{BASE}/trainings").status_code == 403, who
        assert clients[who].get(f"{BASE}/trainings/{pk}").status_code == 403, who
    assert patch(clients["rec_b"], f"trainings/{pk}", {"title": "Khác"}).status_code == 404
    assert post(clients["rec_b"], f"trainings/{pk}/cancel", {}).status_code == 404
    assert Event.objects.get(pk=pk).status == "done"


def test_patch_changes_only_the_fields_sent(clients, agencies):
    pk = created(
        post(
            clients["rec_a"],
            "trainings",
            training(agencies["a"].pk, venue="Nhà văn hóa tổ 3", days="1.5"),
        )
    )
    response = patch(clients["rec_a"], f"trainings/{pk}", {"title": "Tập huấn (bổ sung)"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["title"] == "Tập huấn (bổ sung)"
    assert (data["venue"], data["days"], data["participants_total"]) == (
        "Nhà văn hóa tổ 3", 1.5, 20)  # fmt: skip

    participants = [{"group": "collaborators", "sex": "male", "count": 7}]
    data = patch(
        clients["rec_a"],
        f"trainings/{pk}",
        {"participants": participants, "target_groups": ["collaborators"]},
    ).json()
    assert data["participants"] == participants
    assert (data["participants_total"], data["participants_male"]) == (7, 7)
    assert data["title"] == "Tập huấn (bổ sung)"

    refused = patch(clients["rec_a"], f"trainings/{pk}", {"end": "2026-01-01"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "end_before_start"
    assert patch(clients["rec_a"], f"trainings/{pk}", {"title": None}).status_code == 422
    assert Event.objects.get(pk=pk).end == datetime.date(2026, 5, 11)


def test_cancel_keeps_the_record(clients, agencies):
    pk = created(post(clients["rec_a"], "trainings", training(agencies["a"].pk)))
    response = post(clients["rec_a"], f"trainings/{pk}/cancel", {"reason": "Trùng lịch"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    stored = Event.objects.get(pk=pk)
    assert stored.status == "cancelled"
    assert "Trùng lịch" in stored.note
    listed = clients["rec_a"].get(f"{BASE}/trainings", {"status": "cancelled"}).json()
    assert [i["id"] for i in listed["items"]] == [pk]


def test_the_largest_offset_is_an_empty_page_and_a_bad_page_a_422(clients, agencies):
    created(post(clients["rec_a"], "trainings", training(agencies["a"].pk)))
    for path in ("campaigns", "events", "trainings"):
        page = clients["officer"].get(f"{BASE}/{path}", {"offset": 1_000_000})
        assert page.status_code == 200, path
        assert page.json()["items"] == []
        assert clients["officer"].get(f"{BASE}/{path}", {"limit": 501}).status_code == 422


def test_bad_list_filters(clients):
    for params in ({"unit": "99999"}, {"unit": "ab"}):
        response = clients["officer"].get(f"{BASE}/trainings", params)
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["unit"]
    assert clients["officer"].get(f"{BASE}/trainings", {"year": 1900}).status_code == 422
    assert clients["officer"].get(f"{BASE}/trainings", {"status": "lost"}).status_code == 422


# ------------------------------------------------------------------ events and campaigns


def test_event_in_a_campaign_of_the_province(clients, agencies):
    campaign = created(post(clients["officer"], "campaigns", {
        "kind": "gbv_month", "title": "Tháng hành động 2026", "unit_code": "51",
        "lead_agency_id": agencies["province"].pk, "start": "2026-11-15", "end": "2026-12-15",
        "theme": "Chấm dứt bạo lực", "coordinating_agency_ids": [agencies["a"].pk],
    }))  # fmt: skip
    stored = Campaign.objects.get(pk=campaign)
    assert stored.code.startswith("CD-2026-")
    detail = clients["officer"].get(f"{BASE}/campaigns/{campaign}").json()
    assert (detail["year"], detail["theme"]) == (2026, "Chấm dứt bạo lực")
    assert detail["coordinating_agency_ids"] == [agencies["a"].pk]

    pk = created(post(clients["rec_a"], "events", event(agencies["a"].pk, campaign_id=campaign)))
    data = clients["rec_a"].get(f"{BASE}/events/{pk}").json()
    assert (data["kind"], data["campaign_id"], data["end"]) == ("talk", campaign, "2026-11-20")
    assert (data["participants_total"], data["participants_female"]) == (40, 30)
    assert data["media_outputs"] == [{"kind": "leaflet", "quantity": 200}]
    assert data["funding"] == [{"source": "commune", "amount": 2_000_000}]
    listed = clients["officer"].get(f"{BASE}/events", {"unit": "51", "year": 2026}).json()
    assert [i["id"] for i in listed["items"]] == [pk]
    assert clients["officer"].get(f"{BASE}/trainings").json()["count"] == 0

    outside = post(clients["rec_a"], "events",
                   event(agencies["a"].pk, campaign_id=campaign, start="2026-11-01"))  # fmt: skip
    assert outside.status_code == 422
    assert outside.json()["code"] == "outside_campaign"
    moved = patch(clients["officer"], f"campaigns/{campaign}", {"start": "2026-11-25"})
    assert moved.status_code == 422
    assert moved.json()["code"] == "events_outside_campaign"
    renamed = patch(clients["officer"], f"campaigns/{campaign}", {"title": "Tháng hành động"})
    assert renamed.status_code == 200
    assert renamed.json()["title"] == "Tháng hành động"
    assert Campaign.objects.get(pk=campaign).start == datetime.date(2026, 11, 15)


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"participants_total": 50}, "participants_total", "participants_mismatch"),
        ({"participants_ethnic": 41}, "participants_ethnic", "subgroup_too_large"),
        ({"end": "2026-11-19"}, "end", "end_before_start"),
        ({"coordinating_agency_ids": [999999]}, "coordinating_agency_ids", "unknown_agency"),
    ],
)
def test_a_bad_event_is_a_422(clients, agencies, overrides, field, code):
    response = post(clients["rec_a"], "events", event(agencies["a"].pk, **overrides))
    assert response.status_code == 422, response.content
    assert (response.json()["code"], list(response.json()["errors"])) == (code, [field])
    assert not Event.objects.exists()


@pytest.mark.parametrize("kind", ["training", "model_meeting", "party"])
def test_an_event_must_be_a_communication_kind(clients, agencies, kind):
    response = post(clients["rec_a"], "events", event(agencies["a"].pk, kind=kind))
    assert response.status_code == 422
    assert not Event.objects.exists()


def test_event_patch_keeps_a_total_without_split_and_cancel(clients, agencies):
    body = event(agencies["a"].pk, participants_total=120, participants_female=0,
                 participants_male=0)  # fmt: skip
    pk = created(post(clients["rec_a"], "events", body))
    data = patch(clients["rec_a"], f"events/{pk}", {"venue": "Hội trường phường"}).json()
    assert (data["venue"], data["participants_total"]) == ("Hội trường phường", 120)
    assert data["audience_groups"] == ["community", "men"]
    cancelled = post(clients["officer"], f"events/{pk}/cancel", {})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"


def test_campaign_year_must_match_its_period(clients, agencies):
    body = {"kind": "dv_month", "title": "Tháng hành động quốc gia", "unit_code": "51",
            "lead_agency_id": agencies["province"].pk, "start": "2026-06-01",
            "end": "2026-06-30", "year": 2025}  # fmt: skip
    response = post(clients["officer"], "campaigns", body)
    assert response.status_code == 422
    assert response.json()["code"] == "year_mismatch"
    assert post(clients["rec_a"], "campaigns", body | {"year": 2026}).status_code == 403
    assert not Campaign.objects.exists()


def test_openapi_document_has_the_programme_interfaces():
    paths = api.get_openapi_schema(path_prefix="/api/v1")["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/programme/trainings"])
    assert {"get", "patch"} <= set(paths["/api/v1/programme/events/{pk}"])
    assert "post" in paths["/api/v1/programme/campaigns/{pk}/cancel"]
    assert "get" in paths["/api/v1/programme/vocabularies"]
