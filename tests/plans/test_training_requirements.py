"""Training requirements (P01) read from a plan's text, saved on confirm, edited by hand."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gbvms.indicators.models import DirtyKey
from gbvms.plans import services
from gbvms.plans.importer import parse_plan
from gbvms.plans.services_training import (
    training_requirement_delete,
    training_requirement_save,
)
from gbvms.plans.training_text import extract_training_requirements, requirements_in
from gbvms.programme.models import TrainingRequirement

FIXTURES = Path(__file__).parent / "fixtures"
PROVINCE_PLAN = (FIXTURES / "seeds" / "province_plan_kon_tum.txt").read_text(encoding="utf-8")
FIVE = ["collaborators", "trusted_address", "social_staff", "providers", "ge_staff"]


def test_the_seed_plan_gives_the_five_groups():
    result = parse_plan(PROVINCE_PLAN)
    found = result["training_requirements"]
    assert [r["target_group"] for r in found] == FIVE
    assert {(r["per_year"], r["level"], r["activity_code"]) for r in found} == {
        (1, "commune", "2.1")
    }
    activity = result["activities"][found[0]["activity"]]
    assert activity["code"] == "2.1"
    assert "ít nhất 01 lần/năm" in found[0]["source_text"]
    assert not [w for w in result["warnings"] if "nhóm đối tượng tập huấn" in w]


@pytest.mark.parametrize(
    ("sentence", "groups", "per_year"),
    [
        ("Tổ chức tập huấn ít nhất 1 lần/năm cho cán bộ xã hội.", ["social_staff"], 1),
        ("Tập huấn 01 lần mỗi năm cho cộng tác viên và người cung cấp dịch vụ.",
         ["collaborators", "providers"], 1),
        ("Mỗi năm ít nhất 02 lần tổ chức tập huấn cho các địa chỉ tin cậy; cán bộ xã hội.",
         ["trusted_address", "social_staff"], 2),
        ("Tổ chức bồi dưỡng ít nhất 03 lần/năm cho cán bộ làm công tác bình đẳng giới các cấp "
         "về kỹ năng.", ["ge_staff"], 3),
        ("Tổ chức tập huấn cho cán bộ xã hội về kỹ năng.", [], None),
        ("Tổ chức tập huấn ít nhất 01 lần/năm cho phóng viên, cán bộ xã hội.",
         ["social_staff"], 1),
        ("Tổ chức hội nghị 01 lần/năm cho cán bộ xã hội.", [], None),
    ],
)  # fmt: skip
def test_variations(sentence, groups, per_year):
    found, _unknown = requirements_in(sentence)
    assert [r["target_group"] for r in found] == groups
    assert all(r["per_year"] == per_year for r in found)


def test_unknown_groups_are_doubts():
    solution = "Tổ chức tập huấn ít nhất 01 lần/năm cho phóng viên, cán bộ xã hội."
    activities = [{"code": "1.1", "title": "Tập huấn", "solution": solution}]
    found, doubts = extract_training_requirements(activities)
    assert [r["target_group"] for r in found] == ["social_staff"]
    assert len(doubts) == 1
    assert "phóng viên" in doubts[0]


@pytest.fixture
def officer(personas, agencies, province):
    return personas["officer"]


@pytest.fixture
def plan(officer, province):
    started = services.import_start(actor=officer, name="kh.txt", text=PROVINCE_PLAN,
                                    unit=province)  # fmt: skip
    return services.import_confirm(
        actor=officer, plan_import=started, result=started.result,
        choices=services.AgencyChoices(create=set(services.names_in(started.result))),
    )  # fmt: skip


@pytest.mark.django_db
class TestSaved:
    def test_confirm_saves_the_requirements(self, plan, province):
        saved = TrainingRequirement.objects.filter(plan=plan)
        assert sorted(saved.values_list("target_group", flat=True)) == sorted(FIVE)
        assert all(r.from_importer and r.per_year == 1 and r.level == "commune" for r in saved)
        assert {r.activity.code for r in saved} == {"2.1"}
        assert DirtyKey.objects.filter(source="programme", unit_path=province.path,
                                       year=2016).exists()  # fmt: skip

    def test_add_edit_delete(self, plan, officer, province):
        req = training_requirement_save(actor=officer, plan=plan, target_group="other",
                                        per_year=2)  # fmt: skip
        assert req.per_year == 2
        assert not req.from_importer
        req = training_requirement_save(actor=officer, plan=plan, requirement=req,
                                        target_group="other", per_year=4)  # fmt: skip
        assert TrainingRequirement.objects.get(pk=req.pk).per_year == 4
        training_requirement_delete(actor=officer, requirement=req)
        assert not TrainingRequirement.objects.filter(pk=req.pk).exists()

    @pytest.mark.parametrize(
        ("fields", "field", "code"),
        [
            ({"target_group": "nobody"}, "target_group", "group"),
            ({"target_group": "other", "per_year": 0}, "per_year", "per_year"),
            ({"target_group": "other", "per_year": 13}, "per_year", "per_year"),
            ({"target_group": "providers"}, "target_group", "duplicate"),
        ],
    )
    def test_validation(self, plan, officer, fields, field, code):
        with pytest.raises(ValidationError) as exc:
            training_requirement_save(actor=officer, plan=plan, **fields)
        assert exc.value.error_dict[field][0].code == code

    def test_scope_within_the_plan(self, plan, officer, other_province, commune_a):
        with pytest.raises(ValidationError) as exc:
            training_requirement_save(actor=officer, plan=plan, target_group="other",
                                      unit_scope=other_province)  # fmt: skip
        assert exc.value.error_dict["unit_scope"][0].code == "scope"
        req = training_requirement_save(actor=officer, plan=plan, target_group="other",
                                        unit_scope=commune_a)  # fmt: skip
        assert req.unit_scope == commune_a

    def test_only_plan_managers(self, plan, personas):
        from django.http import Http404

        for name in ("worker_a", "statistician"):
            with pytest.raises((PermissionDenied, Http404)):
                training_requirement_save(actor=personas[name], plan=plan, target_group="other")


@pytest.mark.django_db
class TestPages:
    def test_review_lists_the_requirements(self, officer, province, as_user):
        started = services.import_start(actor=officer, name="kh.txt", text=PROVINCE_PLAN,
                                        unit=province)  # fmt: skip
        body = as_user(officer).get(reverse("plans:review", args=[started.pk])).content.decode()
        assert body.count('data-testid="review-training-requirement"') == 5

    def test_form_adds_and_refuses_duplicates(self, plan, officer, personas, as_user):
        url = reverse("plans:training_requirement_new", args=[plan.pk])
        client = as_user(officer)
        ok = client.post(url, {"target_group": "other", "per_year": "2", "level": "commune"})
        assert ok.status_code == 302
        assert TrainingRequirement.objects.filter(plan=plan, target_group="other").exists()
        dup = client.post(url, {"target_group": "providers", "per_year": "1", "level": "commune"})
        assert dup.status_code == 400
        assert "đã có yêu cầu tập huấn" in dup.content.decode()
        bad = client.post(url, {"target_group": "other", "per_year": "20", "level": "commune"})
        assert bad.status_code == 400
        assert as_user(personas["worker_a"]).get(url).status_code in (403, 404)

    def test_form_edits_and_deletes(self, plan, officer, as_user):
        req = TrainingRequirement.objects.get(plan=plan, target_group="providers")
        client = as_user(officer)
        edit = reverse("plans:training_requirement_edit", args=[plan.pk, req.pk])
        response = client.post(edit, {"target_group": "providers", "per_year": "3",
                                      "level": "commune"})  # fmt: skip
        assert response.status_code == 302
        assert TrainingRequirement.objects.get(pk=req.pk).per_year == 3
        delete = reverse("plans:training_requirement_delete", args=[plan.pk, req.pk])
        assert client.post(delete).status_code == 302
        assert not TrainingRequirement.objects.filter(pk=req.pk).exists()
