"""The agency picker's feed (/manage/agencies/search/): scoped, diacritics folded, paged."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import make_agency

pytestmark = pytest.mark.django_db

URL = "/manage/agencies/search/"


def labels(client: Client, **params: str) -> list[str]:
    return [i["label"] for i in client.get(URL, params).json()["items"]]


def test_search_folds_diacritics_within_the_administrators_scope(personas, as_user):
    admin = as_user(personas["admin"])
    # not Hà Nội's
    assert labels(admin, q="noi vu") == ["Sở Nội vụ tỉnh Quảng Ngãi — Tỉnh Quảng Ngãi"]
    assert labels(admin, q="dak to") == ["UBND xã Đăk Tô — Xã Đăk Tô"]
    other = as_user(personas["other_admin"])
    assert labels(other, q="noi vu") == ["Sở Nội vụ thành phố Hà Nội — Thành phố Hà Nội"]


def test_plan_managers_pick_agencies_too(personas, as_user):
    found = labels(as_user(personas["officer"]), q="kon tum")
    assert found == ["UBND phường Kon Tum — Phường Kon Tum"]


def test_paged_twenty_at_a_time(personas, as_user, province):
    for n in range(25):
        make_agency(f"Trạm y tế số {n:02d}", province)
    admin = as_user(personas["admin"])
    first = admin.get(URL, {"q": "tram y te"}).json()
    second = admin.get(URL, {"q": "tram y te", "page": "2"}).json()
    assert (len(first["items"]), first["more"]) == (20, True)
    assert (len(second["items"]), second["more"]) == (5, False)


def test_others_are_refused(personas, as_user, client: Client):
    assert as_user(personas["worker_a"]).get(URL, {"q": "kon"}).status_code == 403
    assert client.get(URL, {"q": "kon"}).status_code == 302  # to the sign-in page
