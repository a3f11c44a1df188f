"""The commune picker's feed (/units/search/): diacritics folded, scoped on request, paged."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/units/search/"


def test_public_feed_folds_diacritics_and_labels_with_the_province(client: Client):
    body = client.get(URL, {"q": "kon tum"}).json()
    assert body["items"] == [
        {"id": body["items"][0]["id"], "code": "23293", "label": "Phường Kon Tum — Tỉnh Quảng Ngãi"}
    ]
    assert body["more"] is False
    assert client.get(URL, {"q": "Phường Kon Tum"}).json()["items"][0]["code"] == "23293"


def test_feed_is_paged_twenty_at_a_time(client: Client):
    first = client.get(URL, {"q": "xa"}).json()
    second = client.get(URL, {"q": "xa", "page": "2"}).json()
    assert len(first["items"]) == 20
    assert first["more"] is True
    assert {i["code"] for i in first["items"]}.isdisjoint({i["code"] for i in second["items"]})
    assert client.get(URL, {"q": "xa", "page": "not-a-number"}).json()["page"] == 1


def test_intake_scope_keeps_to_the_workers_commune(personas, as_user):
    worker = as_user(personas["worker_a"])
    assert [
        i["code"] for i in worker.get(URL, {"q": "", "scope": "cases.intake"}).json()["items"]
    ] == ["23293"]
    assert worker.get(URL, {"q": "dak to", "scope": "cases.intake"}).json()["items"] == []
    hotline = as_user(personas["hotline"])  # a province grant: every commune of Quảng Ngãi
    found = hotline.get(URL, {"q": "dak to", "scope": "cases.intake"}).json()["items"]
    assert "23401" in [i["code"] for i in found]
    statistician = as_user(personas["statistician"])  # no intake grant anywhere
    assert statistician.get(URL, {"q": "kon", "scope": "cases.intake"}).json()["items"] == []


def test_bad_input_is_a_clear_error(client: Client):
    assert client.get(URL, {"q": "kon", "scope": "cases.intake"}).status_code == 401
    response = client.get(URL, {"q": "kon", "scope": "orgs.manage"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_scope"
    response = client.get(URL, {"q": "kon", "level": "district"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_level"
    assert client.post(URL, {"q": "kon"}).status_code == 405


def test_names_list_every_current_commune_for_filtering_in_the_browser(client: Client):
    response = client.get("/units/names/", {"level": "commune"})
    items = response.json()["items"]
    assert response["Cache-Control"] == "public, max-age=86400"
    assert len(items) == 3321
    assert {"code": "23401", "label": "Xã Đăk Tô — Tỉnh Quảng Ngãi"}.items() <= next(
        i for i in items if i["code"] == "23401"
    ).items()
    with_provinces = client.get("/units/names/", {"level": "any"}).json()["items"]
    assert len(with_provinces) == 3321 + 34
    assert client.get("/units/names/", {"level": "district"}).status_code == 400
