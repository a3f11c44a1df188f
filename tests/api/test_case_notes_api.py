"""The case file over the API: notes, the survivor's details, the narrative — contracts,
scoping (another commune's worker: 404, nothing changed), access log, ciphertext at rest."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from gbvms.cases.models import Case, CaseFileChange, CaseNote, CaseNoteRevision
from gbvms.core.crypto import blind_index
from gbvms.core.models import AccessLog
from tests.cases.test_api_cases import open_case

NOTE = "Đã gọi điện lúc 17 giờ, chị Nhung an toàn"


def note_url(code: str) -> str:
    return f"/api/v1/cases/{code}/notes"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data, **headers):
    return client.patch(url, data, content_type="application/json", **headers)


def log_count(code: str, action: str | None = None) -> int:
    rows = AccessLog.objects.unscoped().filter(object_id=code)
    return (rows.filter(action=action) if action else rows).count()


def raw(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return repr(cursor.fetchall())


@pytest.fixture
def worker(personas, as_user):
    return as_user(personas["worker_a"])


@pytest.fixture
def code(worker):
    return open_case(worker)


@pytest.mark.django_db
class TestNotes:
    def test_add_then_list(self, worker, code):
        response = post(worker, note_url(code), {"text": NOTE})
        assert response.status_code == 201, response.content
        note_id = response.json()["id"]
        assert set(response.json()) == {"id"}
        listed = worker.get(note_url(code))
        assert listed.status_code == 200
        [item] = listed.json()["items"]
        assert item["id"] == note_id
        assert item["text"] == NOTE
        assert item["author"] == "worker_a"
        assert datetime.datetime.fromisoformat(item["created_at"]) <= timezone.now()

    def test_newest_first(self, worker, code):
        ids = [post(worker, note_url(code), {"text": t}).json()["id"] for t in ("một", "hai")]
        items = worker.get(note_url(code)).json()["items"]
        assert [i["id"] for i in items] == list(reversed(ids))

    def test_reading_notes_is_logged_as_a_case_read(self, worker, code):
        post(worker, note_url(code), {"text": NOTE})
        before = log_count(code, "cases.case.viewed")
        worker.get(note_url(code))
        assert log_count(code, "cases.case.viewed") == before + 1

    def test_text_is_ciphertext_at_rest_and_never_logged(self, worker, code):
        post(worker, note_url(code), {"text": NOTE})
        assert "Nhung" not in raw("SELECT text FROM cases_casenote")
        assert raw("SELECT text FROM cases_casenote").count("v1$") == 1
        assert "Nhung" not in raw("SELECT * FROM core_accesslog")
        assert log_count(code, "cases.note.added") == 1

    @pytest.mark.parametrize(
        ("text", "status"), [("", 422), ("   ", 422), ("x" * 5001, 422), ("a\x00b", 422)]
    )
    def test_bad_text_is_refused_with_a_clear_error(self, worker, code, text, status):
        response = post(worker, note_url(code), {"text": text})
        assert response.status_code == status
        assert response.json()["code"]
        assert CaseNote.objects.unscoped().count() == 0

    def test_unknown_field_is_refused(self, worker, code):
        assert post(worker, note_url(code), {"text": "a", "author": "x"}).status_code == 422

    def test_other_commune_worker_gets_404_and_nothing_changes(self, personas, as_user, code):
        other = as_user(personas["worker_b"])
        logs = log_count(code)
        assert post(other, note_url(code), {"text": NOTE}).status_code == 404
        assert other.get(note_url(code)).status_code == 404
        assert CaseNote.objects.unscoped().count() == 0
        assert log_count(code) == logs

    def test_statistician_and_anonymous_cannot_read(self, personas, as_user, client, code):
        assert as_user(personas["statistician"]).get(note_url(code)).status_code == 404
        assert client.get(note_url(code)).status_code == 401

    def test_supervisor_reads_notes(self, personas, as_user, worker, code):
        post(worker, note_url(code), {"text": NOTE})
        items = as_user(personas["supervisor"]).get(note_url(code)).json()["items"]
        assert [i["text"] for i in items] == [NOTE]

    def test_author_corrects_within_24_hours_and_history_is_kept(self, worker, code):
        note_id = post(worker, note_url(code), {"text": NOTE}).json()["id"]
        response = patch(worker, f"{note_url(code)}/{note_id}", {"text": "Sửa: gọi lúc 18 giờ"})
        assert response.status_code == 200, response.content
        assert response.json()["text"] == "Sửa: gọi lúc 18 giờ"
        [revision] = CaseNoteRevision.objects.unscoped().filter(note_id=note_id)
        assert revision.text == NOTE
        assert "Nhung" not in raw("SELECT text FROM cases_casenoterevision")
        assert log_count(code, "cases.note.edited") == 1

    def test_another_user_may_not_correct(self, personas, as_user, worker, code):
        note_id = post(worker, note_url(code), {"text": NOTE}).json()["id"]
        supervisor = as_user(personas["supervisor"])
        response = patch(supervisor, f"{note_url(code)}/{note_id}", {"text": "khác"})
        assert response.status_code == 403
        assert CaseNote.objects.unscoped().get(pk=note_id).text == NOTE

    def test_no_correction_after_24_hours(self, worker, code):
        note_id = post(worker, note_url(code), {"text": NOTE}).json()["id"]
        CaseNote.objects.unscoped().filter(pk=note_id).update(
            created_at=timezone.now() - datetime.timedelta(hours=24, minutes=1)
        )
        response = patch(worker, f"{note_url(code)}/{note_id}", {"text": "muộn"})
        assert response.status_code == 422
        assert response.json()["code"] == "edit_window_closed"
        assert CaseNote.objects.unscoped().get(pk=note_id).text == NOTE

    def test_stale_note_revision_is_a_conflict(self, worker, code):
        note_id = post(worker, note_url(code), {"text": NOTE}).json()["id"]
        url = f"{note_url(code)}/{note_id}"
        assert patch(worker, url, {"text": "một", "revision": 1}).status_code == 200
        assert patch(worker, url, {"text": "hai", "revision": 1}).status_code == 409
        assert CaseNote.objects.unscoped().get(pk=note_id).text == "một"

    def test_closed_case_takes_no_note(self, worker, code):
        Case.objects.unscoped().filter(code=code).update(status="closed")
        response = post(worker, note_url(code), {"text": NOTE})
        assert response.status_code == 409
        assert response.json()["code"] == "case_closed"


def survivor_url(code: str) -> str:
    return f"/api/v1/cases/{code}/survivor"


@pytest.mark.django_db
class TestSurvivorPatch:
    def test_correct_details(self, worker, code):
        version = Case.objects.unscoped().get(code=code).version
        data = {
            "full_name": "Nguyễn Thị Hồng Nhung B",
            "phone": "0987 654 321",
            "birth_year": 1991,
            "address": "Tổ 3, phường Kon Tum",
            "version": version,
        }
        response = patch(worker, survivor_url(code), data)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["changed"] == ["address", "birth_year", "full_name", "phone"]
        assert body["survivor"]["phone"] == "+84987654321"
        assert body["version"] == version + 1
        survivor = Case.objects.unscoped().get(code=code).survivor
        assert survivor.birth_year == 1991
        assert survivor.name_index == blind_index("Nguyễn Thị Hồng Nhung B", kind="name")
        assert survivor.phone_index == blind_index("+84987654321", kind="phone")

    def test_history_and_log_hold_no_plaintext(self, worker, code):
        patch(worker, survivor_url(code), {"full_name": "Trần Thị Lụa", "address": "Thôn Đông"})
        change = CaseFileChange.objects.unscoped().get(kind="survivor")
        assert change.values["full_name"] == ["Nguyễn Thị Hồng Nhung", "Trần Thị Lụa"]
        dump = raw("SELECT * FROM cases_casefilechange") + raw("SELECT * FROM core_accesslog")
        for word in ("Lụa", "Nhung", "Đông"):
            assert word not in dump
        entry = AccessLog.objects.unscoped().get(action="cases.survivor.updated")
        assert entry.changes == {"fields": [None, ["address", "full_name"]]}

    def test_stale_version_is_409_and_nothing_changes(self, worker, code):
        version = Case.objects.unscoped().get(code=code).version
        post(worker, note_url(code), {"text": "một ghi chú"})  # the case moves on
        response = patch(worker, survivor_url(code), {"full_name": "X", "version": version})
        assert response.status_code == 409
        assert response.json()["code"] == "stale"
        assert Case.objects.unscoped().get(code=code).survivor.full_name != "X"

    @pytest.mark.parametrize(
        "data",
        [
            {"birth_year": 1800},
            {"birth_year": "năm"},
            {"full_name": "x" * 201},
            {"phone": "abc"},
            {"sex": "robot"},
            {"nickname": "x"},
        ],
    )
    def test_bad_values_are_refused(self, worker, code, data):
        response = patch(worker, survivor_url(code), data)
        assert response.status_code in {400, 422}
        assert response.json()["code"]
        assert CaseFileChange.objects.unscoped().count() == 0

    def test_birth_year_after_detection_is_refused(self, worker, code):
        response = patch(worker, survivor_url(code), {"birth_year": 2027})
        assert response.status_code == 422
        assert "birth_year" in response.json()["errors"]

    def test_duplicates_are_rechecked(self, worker, code):
        other = open_case(worker)
        patch(worker, survivor_url(other), {"phone": "0977 111 222"})
        response = patch(worker, survivor_url(code), {"phone": "0977111222"})
        assert response.json()["possible_duplicates"] == [other]

    def test_other_commune_worker_gets_404_and_nothing_changes(self, personas, as_user, code):
        other = as_user(personas["worker_b"])
        logs = log_count(code)
        assert patch(other, survivor_url(code), {"full_name": "X"}).status_code == 404
        assert Case.objects.unscoped().get(code=code).survivor.full_name != "X"
        assert log_count(code) == logs
        assert CaseFileChange.objects.unscoped().count() == 0


@pytest.mark.django_db
def test_narrative_put_keeps_history(worker, code):
    url = f"/api/v1/cases/{code}/narrative"
    first = worker.put(url, {"narrative": "Chồng đánh tối qua"}, content_type="application/json")
    assert first.status_code == 200, first.content
    worker.put(url, {"narrative": "Chồng đánh tối 1/3"}, content_type="application/json")
    case = Case.objects.unscoped().get(code=code)
    assert case.summary == "Chồng đánh tối 1/3"
    values = [c.values["narrative"] for c in CaseFileChange.objects.unscoped().order_by("id")]
    assert values == [["", "Chồng đánh tối qua"], ["Chồng đánh tối qua", "Chồng đánh tối 1/3"]]
    assert "Chồng" not in raw("SELECT summary FROM cases_case")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["worker_b", "statistician", "hotline", "officer", "admin"])
def test_who_may_not_read_or_write_notes(personas, as_user, worker, code, persona):
    post(worker, note_url(code), {"text": NOTE})
    client = as_user(personas[persona])
    logs = log_count(code)
    assert client.get(note_url(code)).status_code == 404
    assert post(client, note_url(code), {"text": "x"}).status_code == 404
    assert patch(client, survivor_url(code), {"full_name": "X"}).status_code == 404
    assert log_count(code) == logs
    assert CaseNote.objects.unscoped().count() == 1


@pytest.mark.django_db
def test_anonymous_is_401(client, code):
    assert client.get(note_url(code)).status_code == 401
    assert post(client, note_url(code), {"text": "x"}).status_code == 401
    assert CaseNote.objects.unscoped().count() == 0
