"""The case timeline (page and print) says what was done in words, not by access-log code."""

import datetime

import pytest

from gbvms.cases import services

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_timeline_names_actions_in_words(personas, as_user, commune_a):
    case = services.case_open(
        actor=personas["worker_a"],
        survivor=services.SurvivorData(full_name="Vũ Thị Hạnh"),
        channel="police",
        commune=commune_a,
        detected_at=NOW,
    ).case
    client = as_user(personas["worker_a"])
    url = f"/cases/{case.code}/"
    version = case.version
    assert (
        client.post(url + "risk/", {"f_weapon": "yes", "case_version": version}).status_code == 302
    )
    for path in (url, url + "print/"):
        page = client.get(path).content.decode()
        assert '<span data-testid="timeline-action">Mở vụ việc</span>' in page, path
        assert '<span data-testid="timeline-action">Đánh giá rủi ro</span>' in page, path
        assert "cases.case.created" not in page, path
        assert "cases.risk.assessed" not in page, path
