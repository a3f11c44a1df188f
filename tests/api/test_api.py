import pytest
from django.core.management import call_command

from gbvms.orgs.models import ApiToken


@pytest.mark.django_db
class TestUnitsApi:
    def test_public_and_paginated(self, client):
        response = client.get("/api/v1/geo/units", {"kind": "province", "limit": 10})
        assert response.status_code == 200
        data = response.json()
        assert data["count"] == 34
        assert len(data["items"]) == 10
        item = data["items"][0]
        assert set(item) >= {
            "code",
            "name",
            "kind",
            "parent_code",
            "valid_from",
            "valid_to",
            "successor_codes",
        }
        assert item["kind"] == "province"
        assert item["valid_from"] == "2025-07-01"

    @pytest.mark.parametrize("q", ["ha noi", "Hà Nội", "Ha Noi"])
    def test_search_without_diacritics(self, client, q):
        data = client.get("/api/v1/geo/units", {"q": q, "kind": "province"}).json()
        assert [i["code"] for i in data["items"]] == ["01"]

    def test_historical_units_with_successors(self, client):
        data = client.get(
            "/api/v1/geo/units", {"q": "kon tum", "kind": "province", "current": "false"}
        ).json()
        assert data["items"] == [
            {
                "code": "62",
                "name": "Tỉnh Kon Tum",
                "kind": "province",
                "division_type": "tinh",
                "parent_code": None,
                "valid_from": None,
                "valid_to": "2025-06-30",
                "successor_codes": ["51"],
            }
        ]

    def test_parent_code_filter(self, client):
        data = client.get(
            "/api/v1/geo/units", {"kind": "commune", "parent_code": "51", "limit": 500}
        ).json()
        assert data["count"] == 96
        assert {i["parent_code"] for i in data["items"]} == {"51"}

    def test_offset_pages_through(self, client):
        first = client.get("/api/v1/geo/units", {"kind": "province", "limit": 20}).json()
        second = client.get(
            "/api/v1/geo/units", {"kind": "province", "limit": 20, "offset": 20}
        ).json()
        codes = [i["code"] for i in first["items"] + second["items"]]
        assert len(codes) == 34 == len(set(codes))

    def test_bad_parameters_are_422(self, client):
        assert client.get("/api/v1/geo/units", {"limit": 0}).status_code == 422
        assert client.get("/api/v1/geo/units", {"limit": 501}).status_code == 422
        assert client.get("/api/v1/geo/units", {"q": "x" * 101}).status_code == 422


@pytest.mark.django_db
class TestMe:
    def test_requires_authentication(self, client):
        assert client.get("/api/v1/me").status_code == 401

    def test_bearer_token_from_the_command(self, client, personas, capsys):
        call_command("create_token", "worker_a")
        raw = capsys.readouterr().out.strip()
        assert raw.startswith("gbv_")
        stored = ApiToken.objects.get(user=personas["worker_a"])
        assert raw not in (stored.token_hash, stored.prefix)
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200
        data = response.json()
        assert data["username"] == "worker_a"
        assert data["memberships"] == [
            {
                "agency_id": data["memberships"][0]["agency_id"],
                "agency_name": "UBND phường Kon Tum",
                "role": "case_worker",
                "unit_code": "23293",
            }
        ]

    def test_wrong_or_revoked_token_is_401(self, client, personas, capsys):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
        call_command("create_token", "worker_a")
        raw = capsys.readouterr().out.strip()
        ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401

    def test_session_works_for_the_browser(self, personas, as_user):
        response = as_user(personas["officer"]).get("/api/v1/me")
        assert response.status_code == 200
        assert response.json()["memberships"][0]["role"] == "programme_officer"

    def test_unknown_user_for_command_fails(self, db):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError):
            call_command("create_token", "nobody")
