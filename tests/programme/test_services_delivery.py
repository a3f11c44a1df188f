"""Models, inspections and budget lines: validation codes, scoping, outbox keys, history."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gbvms.indicators.models import DirtyKey
from gbvms.programme import selectors, selectors_delivery, services
from gbvms.programme.models import ProgrammeModel
from gbvms.programme.services_budget import (
    budget_line_save,
    budget_spent,
    budget_warnings,
    expenditure_add,
)
from gbvms.programme.services_inspections import (
    finding_add,
    inspection_save,
    recommendation_add,
    recommendation_update,
)
from gbvms.programme.services_models import model_evaluate, model_save, model_status_set

pytestmark = pytest.mark.django_db
D = datetime.date


def code_of(err: pytest.ExceptionInfo, field: str) -> str:
    return err.value.error_dict[field][0].code


@pytest.fixture
def model_of(agencies, commune_a):
    def make(user, **overrides):
        fields = {"kind": "safe_school", "title": "Trường học an toàn", "unit": commune_a,
                  "lead_agency": agencies["a"], "established_on": D(2024, 3, 1),
                  "members_female": 10, "members_male": 5}  # fmt: skip
        fields.update(overrides)
        return model_save(actor=user, **fields)

    return make


@pytest.fixture
def inspection_of(agencies, commune_a):
    def make(user, **overrides):
        fields = {"kind": "periodic", "title": "Kiểm tra định kỳ", "unit": commune_a,
                  "lead_agency": agencies["a"], "start": D(2026, 4, 1), "end": D(2026, 4, 3),
                  "inspected_entities": ["Trường THCS A"]}  # fmt: skip
        fields.update(overrides)
        return inspection_save(actor=user, **fields)

    return make


@pytest.fixture
def line_of(agencies, commune_a):
    def make(user, **overrides):
        fields = {"title": "Kinh phí truyền thông", "fiscal_year": 2026, "unit": commune_a,
                  "lead_agency": agencies["a"], "funding_source": "commune",
                  "amount_allocated": 10_000_000}  # fmt: skip
        fields.update(overrides)
        return budget_line_save(actor=user, **fields)

    return make


# ------------------------------------------------------------------ models


def test_model_created_with_status_row_keys_to_this_year_and_history(recorders, model_of,
                                                                     commune_a):  # fmt: skip
    model = model_of(recorders["rec_a"])
    assert model.code.startswith("MH-2024-")
    assert model.start == model.end == D(2024, 3, 1)
    assert [(c.status, c.on) for c in model.status_changes.all()] == [("active", D(2024, 3, 1))]
    years = set(DirtyKey.objects.filter(source="programme", unit_path=commune_a.path)
                .values_list("year", flat=True))  # fmt: skip
    assert years == set(range(2024, timezone.localdate().year + 1))
    model_save(actor=recorders["rec_a"], model=model, kind="safe_school", title="Đổi tên",
               unit=commune_a, lead_agency=model.lead_agency, established_on=D(2024, 3, 1),
               model_status="suspended")  # fmt: skip
    assert [c.status for c in model.status_changes.all()] == ["active", "suspended"]
    assert model.history.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"kind": "nonsense"}, "kind", "unknown_code"),
        ({"model_status": "zzz"}, "model_status", "unknown_code"),
        ({"members_female": -1}, "members_female", "negative"),
        ({"established_on": D(1990, 1, 1)}, "start", "bad_year"),
    ],
)
def test_bad_model_is_refused(recorders, model_of, overrides, field, code):
    with pytest.raises(ValidationError) as err:
        model_of(recorders["rec_a"], **overrides)
    assert code_of(err, field) == code
    assert not ProgrammeModel.objects.exists()


def test_linked_provider_only_for_provider_kinds_and_replica_must_be_visible(
    recorders, model_of, agencies, commune_b
):
    from gbvms.referrals.models import ServiceProvider

    provider = ServiceProvider.objects.create(agency=agencies["a"], name="Nhà tạm lánh",
                                              type=ServiceProvider._meta.get_field("type")
                                              .choices[0][0])  # fmt: skip
    with pytest.raises(ValidationError) as err:
        model_of(recorders["rec_a"], linked_provider=provider)
    assert code_of(err, "linked_provider") == "provider_not_allowed"
    assert model_of(recorders["rec_a"], kind="trusted_address", linked_provider=provider).pk
    other = model_of(recorders["rec_b"], unit=commune_b, lead_agency=agencies["b"])
    with pytest.raises(ValidationError) as err:
        model_of(recorders["rec_a"], replicated_from=other)
    assert code_of(err, "replicated_from") == "model_unknown"
    assert model_of(recorders["officer"], replicated_from=other).replicated_from == other


def test_model_status_and_running_on(recorders, model_of):
    model = model_of(recorders["rec_a"])
    with pytest.raises(ValidationError) as err:
        model_status_set(actor=recorders["rec_a"], model=model, model_status="dissolved",
                         on=D(2023, 1, 1))  # fmt: skip
    assert code_of(err, "on") == "before_established"
    with pytest.raises(PermissionDenied):
        model_status_set(actor=recorders["rec_b"], model=model, model_status="dissolved",
                         on=D(2025, 6, 1))  # fmt: skip
    model_status_set(actor=recorders["rec_a"], model=model, model_status="dissolved",
                     on=D(2025, 6, 1))  # fmt: skip
    model.refresh_from_db()
    assert model.model_status == "dissolved"
    qs = ProgrammeModel.objects.all()
    assert list(selectors_delivery.models_running_on(qs, D(2025, 1, 1))) == [model]
    assert not selectors_delivery.models_running_on(qs, D(2025, 7, 1)).exists()
    assert not selectors_delivery.models_running_on(qs, D(2024, 1, 1)).exists()
    assert selectors_delivery.status_on(model, D(2024, 12, 31)) == "active"
    assert list(selectors_delivery.models_for_year(qs, 2025)) == [model]
    assert not selectors_delivery.models_for_year(qs, 2026).exists()


def test_model_evaluation(recorders, model_of, agencies):
    model = model_of(recorders["rec_a"])
    with pytest.raises(PermissionDenied):
        model_evaluate(actor=recorders["rec_b"], model=model, date=D(2025, 1, 1),
                       evaluator=agencies["b"], rating="good", advice="maintain")  # fmt: skip
    with pytest.raises(ValidationError) as err:
        model_evaluate(actor=recorders["officer"], model=model, date=D(2025, 1, 1),
                       evaluator=agencies["b"], rating="good", advice="maintain")  # fmt: skip
    assert code_of(err, "evaluator") == "evaluator_outside"
    with pytest.raises(ValidationError) as err:
        model_evaluate(actor=recorders["officer"], model=model, date=D(2025, 1, 1),
                       evaluator=agencies["province"], criteria=[{"name": "x", "met": "yes"}],
                       rating="good", advice="maintain")  # fmt: skip
    assert code_of(err, "criteria") == "bad_criteria"
    evaluation = model_evaluate(actor=recorders["officer"], model=model, date=D(2025, 1, 1),
                                evaluator=agencies["province"], rating="good",
                                criteria=[{"name": "Có quy chế", "met": True}],
                                advice="replicate")  # fmt: skip
    assert evaluation.criteria == [{"name": "Có quy chế", "met": True}]


# ------------------------------------------------------------------ inspections


def test_inspection_with_findings_and_recommendations(recorders, inspection_of, agencies,
                                                      commune_a):  # fmt: skip
    inspection = inspection_of(recorders["rec_a"])
    assert inspection.code.startswith("KT-2026-")
    finding = finding_add(actor=recorders["rec_a"], inspection=inspection, text="Thiếu sổ",
                          severity="high", violation_type="dv", handled_count=1)  # fmt: skip
    with pytest.raises(ValidationError) as err:
        recommendation_add(actor=recorders["rec_a"], inspection=inspection, text="Bổ sung",
                           responsible_agency=agencies["a"], due_date=D(2026, 3, 1))  # fmt: skip
    assert code_of(err, "due_date") == "due_before_start"
    with pytest.raises(ValidationError) as err:
        recommendation_add(actor=recorders["rec_a"], inspection=inspection, text="Bổ sung",
                           responsible_agency=agencies["b"], due_date=D(2026, 6, 1))  # fmt: skip
    assert code_of(err, "responsible_agency") == "agency_outside"
    rec = recommendation_add(actor=recorders["rec_a"], inspection=inspection, text="Bổ sung",
                             responsible_agency=agencies["a"], due_date=D(2027, 6, 1),
                             finding=finding)  # fmt: skip
    assert DirtyKey.objects.filter(unit_path=commune_a.path, year=2027).exists()
    with pytest.raises(PermissionDenied):
        recommendation_update(actor=recorders["rec_b"], recommendation=rec, status="done")
    with pytest.raises(ValidationError) as err:
        recommendation_update(actor=recorders["rec_a"], recommendation=rec, status="done",
                              closed_on=D(2026, 1, 1))  # fmt: skip
    assert code_of(err, "closed_on") == "closed_before_start"
    recommendation_update(actor=recorders["officer"], recommendation=rec, status="done",
                          follow_up="Đã bổ sung")  # fmt: skip
    rec.refresh_from_db()
    assert rec.closed_on == timezone.localdate()
    assert rec.follow_up == "Đã bổ sung"
    recommendation_update(actor=recorders["rec_a"], recommendation=rec, status="in_progress")
    rec.refresh_from_db()
    assert rec.closed_on is None
    assert rec.follow_up == "Đã bổ sung"
    assert rec.history.count() == 3
    overdue = selectors_delivery.recommendations_overdue(
        inspection.recommendations.all(), D(2027, 7, 1))  # fmt: skip
    assert list(overdue) == [rec]


def test_responsible_agency_recorder_may_update_the_recommendation(
    recorders, agencies, province, commune_a
):
    inspection = inspection_save(actor=recorders["officer"], kind="periodic", title="Kiểm tra",
                                 unit=province, lead_agency=agencies["province"],
                                 start=D(2026, 4, 1), end=D(2026, 4, 2))  # fmt: skip
    rec = recommendation_add(actor=recorders["officer"], inspection=inspection, text="Khắc phục",
                             responsible_agency=agencies["a"], due_date=D(2026, 6, 1))  # fmt: skip
    recommendation_update(actor=recorders["rec_a"], recommendation=rec, status="done",
                          closed_on=D(2026, 5, 1))  # fmt: skip
    rec.refresh_from_db()
    assert rec.status == "done"
    with pytest.raises(PermissionDenied):
        recommendation_update(actor=recorders["rec_b"], recommendation=rec, status="open")
    with pytest.raises(PermissionDenied):
        finding_add(actor=recorders["rec_a"], inspection=inspection, text="x")


def test_case_only_for_case_verification_and_kept_when_not_given(recorders, inspection_of):
    class FakeCase:  # any object stands for a case resolved by the caller
        pk = None

    with pytest.raises(ValidationError) as err:
        inspection_of(recorders["rec_a"], case=FakeCase())
    assert code_of(err, "case") == "case_not_allowed"
    with pytest.raises(ValidationError) as err:
        inspection_of(recorders["rec_a"], end=D(2026, 3, 1))
    assert code_of(err, "end") == "end_before_start"
    with pytest.raises(ValidationError) as err:
        inspection_of(recorders["rec_a"], kind="nonsense")
    assert code_of(err, "kind") == "unknown_code"


def test_rec_b_cannot_touch_rec_a_records(recorders, inspection_of, model_of, line_of):
    inspection = inspection_of(recorders["rec_a"])
    model = model_of(recorders["rec_a"])
    line = line_of(recorders["rec_a"])
    with pytest.raises(PermissionDenied):
        inspection_of(recorders["rec_b"], inspection=inspection)
    with pytest.raises(PermissionDenied):
        model_of(recorders["rec_b"], model=model)
    with pytest.raises(PermissionDenied):
        line_of(recorders["rec_b"], line=line)
    with pytest.raises(PermissionDenied):
        expenditure_add(actor=recorders["rec_b"], line=line, date=D(2026, 2, 1), amount=5)
    assert inspection_of(recorders["officer"], inspection=inspection, title="Sửa").title == "Sửa"
    assert not selectors.record_list(user=recorders["rec_b"], kind="inspection").exists()


# ------------------------------------------------------------------ budget


def test_budget_line_expenditures_spent_and_warnings(recorders, line_of, commune_a, agencies):
    line = line_of(recorders["rec_a"], amount_committed=12_000_000)
    assert (line.start, line.end) == (D(2026, 1, 1), D(2026, 12, 31))
    assert line.code.startswith("KP-2026-")
    with pytest.raises(ValidationError) as err:
        expenditure_add(actor=recorders["rec_a"], line=line, date=D(2025, 12, 31), amount=5)
    assert code_of(err, "date") == "outside_fiscal_year"
    with pytest.raises(ValidationError) as err:
        expenditure_add(actor=recorders["rec_a"], line=line, date=D(2026, 2, 1), amount=0)
    assert code_of(err, "amount") == "not_positive"
    event = services.event_save(actor=recorders["rec_a"], kind="talk", title="Tọa đàm",
                                unit=commune_a, lead_agency=agencies["a"],
                                start=D(2026, 3, 8))  # fmt: skip
    expenditure_add(actor=recorders["rec_a"], line=line, date=D(2026, 3, 8), amount=6_000_000,
                    event=event)  # fmt: skip
    expenditure_add(actor=recorders["rec_a"], line=line, date=D(2026, 9, 1), amount=5_000_000)
    assert budget_spent(line) == 11_000_000
    assert len(budget_warnings(line)) == 2
    annotated = selectors_delivery.budget_with_spent(type(line).objects.all()).get()
    assert annotated.spent == 11_000_000
    with pytest.raises(ValidationError) as err:
        line_of(recorders["rec_a"], line=line, fiscal_year=2027)
    assert code_of(err, "fiscal_year") == "expenditures_outside"
    assert line.history.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"fiscal_year": 1999}, "fiscal_year", "bad_year"),
        ({"amount_allocated": -1}, "amount_allocated", "negative"),
        ({"funding_source": "zzz"}, "funding_source", "unknown_code"),
    ],
)
def test_bad_budget_line_is_refused(recorders, line_of, overrides, field, code):
    with pytest.raises(ValidationError) as err:
        line_of(recorders["rec_a"], **overrides)
    assert code_of(err, field) == code


def test_expenditure_event_must_be_visible_and_in_the_subtree(recorders, line_of, agencies,
                                                              commune_b):  # fmt: skip
    line = line_of(recorders["rec_a"])
    event = services.event_save(actor=recorders["rec_b"], kind="talk", title="Tọa đàm",
                                unit=commune_b, lead_agency=agencies["b"],
                                start=D(2026, 3, 8))  # fmt: skip
    with pytest.raises(ValidationError) as err:
        expenditure_add(actor=recorders["rec_a"], line=line, date=D(2026, 3, 8), amount=5,
                        event=event)  # fmt: skip
    assert code_of(err, "event") == "event_unknown"
    with pytest.raises(ValidationError) as err:
        expenditure_add(actor=recorders["officer"], line=line, date=D(2026, 3, 8), amount=5,
                        event=event)  # fmt: skip
    assert code_of(err, "event") == "event_outside_unit"
