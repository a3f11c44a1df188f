"""Correcting the survivor's details and the narrative after intake; what a help request carries
into the case it becomes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from gbvms.cases import services as case_services
from gbvms.cases import services_measures, services_survivor
from gbvms.cases.models import Case, CaseFileChange
from gbvms.core.crypto import blind_index
from gbvms.core.models import AccessLog
from gbvms.referrals import services_public
from gbvms.referrals.models import HelpRequest


@pytest.fixture
def case(personas, commune_a):
    return case_services.case_open(
        actor=personas["worker_a"],
        survivor=case_services.SurvivorData(full_name="Lò Thị Én", birth_year=1990),
        channel="hotline",
        commune=commune_a,
        detected_at=timezone.now() - datetime.timedelta(hours=3),
    ).case


def raw(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return repr(cursor.fetchall())


@pytest.mark.django_db
class TestSurvivorUpdate:
    def test_changed_fields_indexes_history_and_log(self, personas, case):
        done = services_survivor.survivor_update(
            actor=personas["worker_a"], case=case,
            data={"full_name": "Lò Thị Én Mai", "phone": "0912 000 333", "birth_year": 1990,
                  "address": "Bản Pá Khoang"},
        )  # fmt: skip
        assert done.changed == ["address", "full_name", "phone"]  # birth year unchanged
        survivor = Case.objects.unscoped().get(pk=case.pk).survivor
        assert survivor.name_index == blind_index("lo thi en mai", kind="name")
        assert survivor.phone_index == blind_index("0912000333", kind="phone")
        [change] = CaseFileChange.objects.unscoped().filter(case=case)
        assert change.values == {
            "address": ["", "Bản Pá Khoang"],
            "full_name": ["Lò Thị Én", "Lò Thị Én Mai"],
            "phone": ["", "+84912000333"],
        }
        assert change.changed_by == personas["worker_a"]
        [entry] = AccessLog.objects.unscoped().filter(action="cases.survivor.updated")
        assert entry.changes == {"fields": [None, ["address", "full_name", "phone"]]}
        dump = raw("SELECT * FROM cases_casefilechange") + raw("SELECT * FROM core_accesslog")
        assert "Pá Khoang" not in dump
        assert "Mai" not in dump

    def test_nothing_changed_writes_nothing(self, personas, case):
        version = case.version
        done = services_survivor.survivor_update(
            actor=personas["worker_a"], case=case, data={"full_name": "Lò Thị Én"}
        )
        assert done.changed == []
        assert Case.objects.unscoped().get(pk=case.pk).version == version
        assert CaseFileChange.objects.unscoped().count() == 0

    @pytest.mark.parametrize(
        ("data", "field", "code"),
        [
            ({"birth_year": 1899}, "birth_year", "out_of_range"),
            ({"birth_year": timezone.now().year + 1}, "birth_year", "out_of_range"),
            ({"birth_year": "abc"}, "birth_year", "invalid"),
            ({"full_name": "x" * 201}, "full_name", "max_length"),
            ({"phone": "12"}, "phone", "invalid_phone"),
            ({"sex": "x"}, "sex", "invalid_choice"),
            ({"name_index": "x"}, "name_index", "unknown"),
        ],
    )
    def test_bad_values(self, personas, case, data, field, code):
        with pytest.raises(ValidationError) as refused:
            services_survivor.survivor_update(actor=personas["worker_a"], case=case, data=data)
        assert refused.value.error_dict[field][0].code == code
        assert CaseFileChange.objects.unscoped().count() == 0

    def test_duplicate_is_found_after_the_correction(self, personas, case, commune_a):
        other = case_services.case_open(
            actor=personas["worker_a"],
            survivor=case_services.SurvivorData(phone="0988 123 456"),
            channel="hotline", commune=commune_a,
            detected_at=timezone.now() - datetime.timedelta(hours=1),
        ).case  # fmt: skip
        done = services_survivor.survivor_update(
            actor=personas["worker_a"], case=case, data={"phone": "0988123456"}
        )
        assert done.duplicates.visible_codes == [other.code]
        assert (
            AccessLog.objects.unscoped()
            .filter(action="cases.case.possible_duplicate", object_id=case.code)
            .exists()
        )

    def test_a_closed_case_is_refused(self, personas, case):
        Case.objects.unscoped().filter(pk=case.pk).update(status="closed")
        with pytest.raises(ValidationError) as refused:
            services_survivor.survivor_update(
                actor=personas["worker_a"], case=case, data={"full_name": "Khác"}
            )
        assert refused.value.code == "case_closed"
        assert Case.objects.unscoped().get(pk=case.pk).survivor.full_name == "Lò Thị Én"


@pytest.mark.django_db
class TestNarrative:
    def test_set_and_history(self, personas, case):
        worker = personas["worker_a"]
        services_survivor.narrative_set(actor=worker, case=case, narrative="Bị đánh tối qua")
        services_survivor.narrative_set(actor=worker, case=case, narrative="Bị đánh tối 2/3")
        assert Case.objects.unscoped().get(pk=case.pk).summary == "Bị đánh tối 2/3"
        values = [c.values for c in CaseFileChange.objects.unscoped().order_by("id")]
        assert values == [{"narrative": ["", "Bị đánh tối qua"]},
                          {"narrative": ["Bị đánh tối qua", "Bị đánh tối 2/3"]}]  # fmt: skip
        assert "đánh" not in raw("SELECT summary FROM cases_case")

    def test_too_long(self, personas, case):
        with pytest.raises(ValidationError) as refused:
            services_survivor.narrative_set(
                actor=personas["worker_a"], case=case, narrative="a" * 10001
            )
        assert refused.value.error_dict["narrative"][0].code == "max_length"


@pytest.mark.django_db
class TestPages:
    def test_survivor_form_saves_and_shows_the_duplicate_check(self, personas, as_user, case):
        client = as_user(personas["worker_a"])
        assert client.get(f"/cases/{case.code}/survivor/").status_code == 200
        data = {"full_name": "Lò Thị Én", "phone": "0912 345 678", "birth_year": "1991",
                "sex": "female", "address": "Tổ 5", "case_version": case.version}  # fmt: skip
        response = client.post(f"/cases/{case.code}/survivor/", data, follow=True)
        page = response.content.decode()
        assert "Đã lưu thông tin người bị bạo lực." in page
        assert "Đã kiểm tra trùng lặp: không thấy vụ việc trùng." in page
        survivor = Case.objects.unscoped().get(pk=case.pk).survivor
        assert (survivor.birth_year, survivor.address) == (1991, "Tổ 5")

    def test_stale_form_is_409_and_nothing_saved(self, personas, as_user, case):
        client = as_user(personas["worker_a"])
        data = {"full_name": "Khác", "sex": "female", "case_version": case.version + 5}
        response = client.post(f"/cases/{case.code}/survivor/", data)
        assert response.status_code == 409
        assert Case.objects.unscoped().get(pk=case.pk).survivor.full_name == "Lò Thị Én"

    def test_narrative_form(self, personas, as_user, case):
        client = as_user(personas["worker_a"])
        data = {"narrative": "Chồng đánh", "case_version": case.version}
        assert client.post(f"/cases/{case.code}/narrative/", data).status_code == 302
        page = client.get(f"/cases/{case.code}/").content.decode()
        assert "Chồng đánh" in page

    def test_other_commune_gets_404_and_nothing_changes(self, personas, as_user, case):
        other = as_user(personas["worker_b"])
        rows = AccessLog.objects.unscoped().filter(object_id=case.code).count()
        data = {"full_name": "Khác", "sex": "female", "case_version": case.version}
        assert other.post(f"/cases/{case.code}/survivor/", data).status_code == 404
        narrative = {"narrative": "x", "case_version": case.version}
        assert other.post(f"/cases/{case.code}/narrative/", narrative).status_code == 404
        assert AccessLog.objects.unscoped().filter(object_id=case.code).count() == rows
        assert Case.objects.unscoped().get(pk=case.pk).summary == ""

    def test_intake_answers_are_shown(self, personas, as_user, commune_a):
        opened = case_services.case_open(
            actor=personas["worker_a"], survivor=case_services.SurvivorData(),
            channel="hotline", commune=commune_a,
            detected_at=timezone.now() - datetime.timedelta(hours=1),
            incident=case_services.IncidentData(violence_forms=["the_chat", "kinh_te"]),
        ).case  # fmt: skip
        page = as_user(personas["worker_a"]).get(f"/cases/{opened.code}/").content.decode()
        assert 'data-testid="intake-answers"' in page
        assert "Thể chất" in page
        assert "Kinh tế" in page


@pytest.mark.django_db
def test_a_help_request_carries_its_description_and_child_answer(personas, commune_a):
    item, _pin = services_public.help_request_create(
        kind="need_help", commune=commune_a, description="Con tôi bị đánh ở nhà",
        answers=["the_chat", "child"], contact={"phone": "0987 000 111"},
    )  # fmt: skip
    item = HelpRequest.objects.unscoped().get(pk=item.pk)
    case = services_public.help_convert(actor=personas["worker_a"], item=item)
    case = Case.objects.unscoped().get(pk=case.pk)
    assert case.summary == "Con tôi bị đánh ở nhà"
    assert case.reported_child is True
    assert case.survivor.birth_year is None
    timeline = services_measures.child_timeline(case)
    assert timeline is not None
    assert timeline.plan_due > case.detected_at


@pytest.mark.django_db
def test_no_child_answer_no_child_timeline(personas, commune_a):
    item, _pin = services_public.help_request_create(
        kind="need_help", commune=commune_a, answers=["the_chat"]
    )
    case = services_public.help_convert(
        actor=personas["worker_a"], item=HelpRequest.objects.unscoped().get(pk=item.pk)
    )
    case = Case.objects.unscoped().get(pk=case.pk)
    assert (case.summary, case.reported_child) == ("", False)
    assert services_measures.child_timeline(case) is None


@pytest.mark.django_db
def test_the_form_shows_the_history_with_labels(personas, as_user, case):
    services_survivor.survivor_update(
        actor=personas["worker_a"], case=case,
        data={"full_name": "Lò Thị Én Mai", "sex": "other", "disability": True},
    )  # fmt: skip
    page = as_user(personas["worker_a"]).get(f"/cases/{case.code}/survivor/").content.decode()
    assert 'data-testid="file-history"' in page
    assert "Lò Thị Én → Lò Thị Én Mai" in page
    assert "Nữ → Khác" in page  # labels, never the codes
    assert "Không → Có" in page
    assert "female" not in page.split('data-testid="file-history"')[1]
