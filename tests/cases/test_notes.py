"""Case notes: the service rules and the case page's notes section."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gbvms.cases import services as case_services
from gbvms.cases import services_notes
from gbvms.cases.models import Case, CaseNote, CaseNoteRevision
from gbvms.cases.selectors_notes import case_notes
from gbvms.core.models import AccessLog

TEXT = "Chị Lan đã đến nhà tạm lánh, tinh thần ổn định hơn"


@pytest.fixture
def case(personas, commune_a):
    return case_services.case_open(
        actor=personas["worker_a"],
        survivor=case_services.SurvivorData(full_name="Lò Thị Lan"),
        channel="hotline",
        commune=commune_a,
        detected_at=timezone.now() - datetime.timedelta(hours=3),
    ).case


def logged(case: Case, action: str) -> list[AccessLog]:
    return list(AccessLog.objects.unscoped().filter(object_id=case.code, action=action))


@pytest.mark.django_db
class TestNoteService:
    def test_add_bumps_the_case_version_and_logs_without_text(self, personas, case):
        version = case.version
        note = services_notes.note_add(actor=personas["worker_a"], case=case, text=f"  {TEXT} ")
        assert note.text == TEXT
        assert note.author == personas["worker_a"]
        assert Case.objects.unscoped().get(pk=case.pk).version == version + 1
        [entry] = logged(case, "cases.note.added")
        assert entry.changes == {"note": [None, note.pk]}
        assert TEXT not in repr(entry.changes) + entry.reason + entry.reason_detail

    @pytest.mark.parametrize(("text", "code"), [("", "required"), (" \n ", "required"),
                                                ("ơ" * 5001, "max_length")])  # fmt: skip
    def test_empty_or_too_long_is_refused(self, personas, case, text, code):
        with pytest.raises(ValidationError) as refused:
            services_notes.note_add(actor=personas["worker_a"], case=case, text=text)
        assert refused.value.error_dict["text"][0].code == code
        assert CaseNote.objects.unscoped().count() == 0

    def test_the_limit_itself_is_accepted(self, personas, case):
        note = services_notes.note_add(actor=personas["worker_a"], case=case, text="ơ" * 5000)
        assert len(note.text) == 5000

    def test_edit_keeps_the_earlier_text(self, personas, case):
        worker = personas["worker_a"]
        note = services_notes.note_add(actor=worker, case=case, text=TEXT)
        services_notes.note_edit(actor=worker, note=note, text="bản hai")
        edited = services_notes.note_edit(actor=worker, note=note, text="bản ba")
        assert edited.text == "bản ba"
        assert edited.revision == 3
        assert edited.edited_at is not None
        texts = list(CaseNoteRevision.objects.unscoped().filter(note=note).values_list(
            "text", flat=True).order_by("id"))  # fmt: skip
        assert texts == [TEXT, "bản hai"]
        assert len(logged(case, "cases.note.edited")) == 2

    def test_same_text_writes_nothing(self, personas, case):
        note = services_notes.note_add(actor=personas["worker_a"], case=case, text=TEXT)
        services_notes.note_edit(actor=personas["worker_a"], note=note, text=TEXT)
        assert CaseNoteRevision.objects.unscoped().count() == 0
        assert logged(case, "cases.note.edited") == []

    def test_only_the_author_edits(self, personas, case):
        note = services_notes.note_add(actor=personas["worker_a"], case=case, text=TEXT)
        with pytest.raises(PermissionDenied):
            services_notes.note_edit(actor=personas["supervisor"], note=note, text="khác")
        assert CaseNote.objects.unscoped().get(pk=note.pk).text == TEXT

    def test_not_after_24_hours(self, personas, case):
        note = services_notes.note_add(actor=personas["worker_a"], case=case, text=TEXT)
        note.created_at = timezone.now() - datetime.timedelta(hours=24)
        CaseNote.objects.unscoped().filter(pk=note.pk).update(created_at=note.created_at)
        with pytest.raises(ValidationError) as refused:
            services_notes.note_edit(actor=personas["worker_a"], note=note, text="muộn")
        assert refused.value.code == "edit_window_closed"
        assert not services_notes.note_can_edit(note, personas["worker_a"])

    def test_a_stale_revision_is_refused(self, personas, case):
        worker = personas["worker_a"]
        note = services_notes.note_add(actor=worker, case=case, text=TEXT)
        services_notes.note_edit(actor=worker, note=note, text="một", revision=1)
        with pytest.raises(ValidationError) as refused:
            services_notes.note_edit(actor=worker, note=note, text="hai", revision=1)
        assert refused.value.code == "stale"

    def test_listing_takes_two_queries(self, personas, case, django_assert_num_queries):
        for n in range(3):
            note = services_notes.note_add(actor=personas["worker_a"], case=case, text=f"{n}")
            services_notes.note_edit(actor=personas["worker_a"], note=note, text=f"{n}b")
        with django_assert_num_queries(2):
            rows = [(n.author.username, [r.text for r in n.revisions.all()])
                    for n in case_notes(case)]  # fmt: skip
        assert rows == [("worker_a", ["2"]), ("worker_a", ["1"]), ("worker_a", ["0"])]


@pytest.mark.django_db
class TestNotesPage:
    def test_add_list_and_edit_on_the_page(self, personas, as_user, case):
        client = as_user(personas["worker_a"])
        response = client.post(f"/cases/{case.code}/notes/add/", {"text": TEXT})
        assert response.status_code == 302
        assert response["Location"] == f"/cases/{case.code}/#notes-h"
        page = client.get(f"/cases/{case.code}/notes/")
        assert TEXT in page.content.decode()
        note = CaseNote.objects.unscoped().get()
        edit_url = f"/cases/{case.code}/notes/{note.pk}/edit/"
        assert edit_url in page.content.decode()
        saved = client.post(edit_url, {"text": "đã sửa", "revision": note.revision})
        assert saved.status_code == 302
        assert CaseNote.objects.unscoped().get().text == "đã sửa"

    def test_the_section_loads_as_a_fragment(self, personas, as_user, case):
        client = as_user(personas["worker_a"])
        detail = client.get(f"/cases/{case.code}/").content.decode()
        assert f'hx-get="/cases/{case.code}/notes/"' in detail
        fragment = client.get(f"/cases/{case.code}/notes/", HTTP_HX_REQUEST="true")
        assert fragment.status_code == 200
        assert "<html" not in fragment.content.decode()
        assert 'data-testid="notes"' in fragment.content.decode()

    def test_empty_note_shows_the_error(self, personas, as_user, case):
        client = as_user(personas["worker_a"])
        response = client.post(f"/cases/{case.code}/notes/add/", {"text": "   "})
        assert response.status_code == 400
        assert 'class="field-error"' in response.content.decode()
        assert CaseNote.objects.unscoped().count() == 0

    def test_reading_the_notes_is_logged(self, personas, as_user, case):
        client = as_user(personas["worker_a"])
        before = len(logged(case, "cases.case.viewed"))
        client.get(f"/cases/{case.code}/notes/")
        assert len(logged(case, "cases.case.viewed")) == before + 1

    def test_other_commune_gets_404_and_nothing_changes(self, personas, as_user, case):
        services_notes.note_add(actor=personas["worker_a"], case=case, text=TEXT)
        other = as_user(personas["worker_b"])
        rows = AccessLog.objects.unscoped().filter(object_id=case.code).count()
        note = CaseNote.objects.unscoped().get()
        assert other.get(f"/cases/{case.code}/notes/").status_code == 404
        assert other.post(f"/cases/{case.code}/notes/add/", {"text": "x"}).status_code == 404
        edit = other.post(f"/cases/{case.code}/notes/{note.pk}/edit/", {"text": "x", "revision": 1})
        assert edit.status_code == 404
        assert AccessLog.objects.unscoped().filter(object_id=case.code).count() == rows
        assert list(CaseNote.objects.unscoped().values_list("text", flat=True)) == [TEXT]

    def test_edit_link_only_for_the_author(self, personas, as_user, case):
        services_notes.note_add(actor=personas["worker_a"], case=case, text=TEXT)
        page = as_user(personas["supervisor"]).get(f"/cases/{case.code}/notes/")
        assert TEXT in page.content.decode()
        assert 'data-testid="note-edit"' not in page.content.decode()

    def test_notes_are_not_in_the_export(self, personas, as_user, case):
        services_notes.note_add(actor=personas["worker_a"], case=case, text=TEXT)
        export = as_user(personas["worker_a"]).get(f"/cases/{case.code}/export/")
        assert TEXT not in export.content.decode()


@pytest.mark.django_db
def test_another_user_cannot_correct_on_the_page(personas, as_user, case):
    note = services_notes.note_add(actor=personas["worker_a"], case=case, text=TEXT)
    supervisor = as_user(personas["supervisor"])
    url = f"/cases/{case.code}/notes/{note.pk}/edit/"
    assert supervisor.post(url, {"text": "khác", "revision": 1}).status_code == 403
    assert CaseNote.objects.unscoped().get(pk=note.pk).text == TEXT
    assert CaseNoteRevision.objects.unscoped().count() == 0


@pytest.mark.django_db
def test_a_closed_case_shows_no_note_form(personas, as_user, case):
    Case.objects.unscoped().filter(pk=case.pk).update(status="closed")
    client = as_user(personas["worker_a"])
    page = client.get(f"/cases/{case.code}/notes/").content.decode()
    assert "Vụ việc đã đóng: hãy mở lại để thêm ghi chú." in page
    assert f"/cases/{case.code}/notes/add/" not in page
    assert client.post(f"/cases/{case.code}/notes/add/", {"text": TEXT}).status_code == 400
    assert CaseNote.objects.unscoped().count() == 0
