"""Pages of models, inspections and budget lines: forms through the services, scoping (404 for
another agency's record, 403 without programme.view), field errors, follow-up, expenditures."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from gbvms.programme import services_budget, services_inspections, services_models
from gbvms.programme.models import BudgetLine, Expenditure, Inspection, ProgrammeModel

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(recorders, as_user):
    return {name: as_user(user) for name, user in recorders.items()}


def _model(recorders, agencies, commune_a):
    return services_models.model_save(
        actor=recorders["rec_a"], kind="male_pioneers", title="CLB Nam giới tiên phong",
        unit=commune_a, lead_agency=agencies["a"], established_on=datetime.date(2026, 3, 1),
    )  # fmt: skip


def _inspection(recorders, agencies, commune_a):
    return services_inspections.inspection_save(
        actor=recorders["rec_a"], kind="periodic", title="Kiểm tra định kỳ", unit=commune_a,
        lead_agency=agencies["a"], start=datetime.date(2026, 4, 1),
        end=datetime.date(2026, 4, 3),
    )  # fmt: skip


def _line(recorders, agencies, commune_a):
    return services_budget.budget_line_save(
        actor=recorders["rec_a"], title="Kinh phí truyền thông", fiscal_year=2026,
        unit=commune_a, lead_agency=agencies["a"], funding_source="commune",
        amount_allocated=10_000_000,
    )  # fmt: skip


def test_rec_a_creates_a_model_through_the_form(clients, agencies, commune_a):
    response = clients["rec_a"].post(reverse("programme:model_new"), {
        "title": "CLB Nam giới tiên phong", "kind": "male_pioneers", "unit": commune_a.pk,
        "lead_agency": agencies["a"].pk, "established_on": "2026-03-01",
        "model_status": "active", "status": "done", "members_female": 2, "members_male": 9,
    })  # fmt: skip
    model = ProgrammeModel.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("programme:model_detail", args=[model.pk])
    page = clients["rec_a"].get(response.url).content.decode()
    assert "Nam giới tiên phong" in page
    assert "Đang hoạt động" in page
    assert "male_pioneers" not in page


def test_model_form_bad_input_gives_field_errors_and_saves_nothing(clients, agencies, commune_a,
                                                                   commune_b):  # fmt: skip
    response = clients["rec_a"].post(reverse("programme:model_new"), {
        "title": "X", "kind": "male_pioneers", "unit": commune_a.pk,
        "lead_agency": agencies["a"].pk, "established_on": "2026-03-01",
        "model_status": "active", "status": "done", "members_female": -1, "members_male": 0,
    })  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["members_female"]
    assert not ProgrammeModel.objects.exists()


def test_evaluation_via_the_detail_page(clients, recorders, agencies, commune_a):
    model = _model(recorders, agencies, commune_a)
    url = reverse("programme:model_evaluate", args=[model.pk])
    response = clients["rec_a"].post(url, {
        "date": "2026-10-01", "evaluator": agencies["a"].pk, "rating": "good",
        "advice": "replicate", "criterion_1": "Sinh hoạt đều đặn", "met_1": "on",
    })  # fmt: skip
    assert response.status_code == 302
    evaluation = model.evaluations.get()
    assert evaluation.criteria == [{"name": "Sinh hoạt đều đặn", "met": True}]
    page = clients["rec_a"].get(reverse("programme:model_detail", args=[model.pk]))
    assert "Nhân rộng" in page.content.decode()


def test_other_commune_gets_404_and_stat_worker_403(clients, recorders, agencies, commune_a):
    model = _model(recorders, agencies, commune_a)
    inspection = _inspection(recorders, agencies, commune_a)
    line = _line(recorders, agencies, commune_a)
    for name, pk in (("model", model.pk), ("inspection", inspection.pk), ("budget", line.pk)):
        assert (
            clients["rec_b"].get(reverse(f"programme:{name}_detail", args=[pk])).status_code == 404
        )
        assert clients["rec_b"].get(reverse(f"programme:{name}_edit", args=[pk])).status_code == 404
        assert (
            clients["rec_a"].get(reverse(f"programme:{name}_detail", args=[pk])).status_code == 200
        )
        assert (
            clients["officer"].get(reverse(f"programme:{name}_detail", args=[pk])).status_code
            == 200
        )
        for who in ("stat", "worker_a"):
            assert clients[who].get(reverse(f"programme:{name}_list")).status_code == 403
    rows = clients["rec_b"].get(reverse("programme:model_list")).context["page"]
    assert list(rows) == []


def test_lists_filter_and_show_labels(clients, recorders, agencies, commune_a):
    _model(recorders, agencies, commune_a)
    url = reverse("programme:model_list")
    assert len(clients["rec_a"].get(url, {"kind": "male_pioneers"}).context["page"]) == 1
    assert len(clients["rec_a"].get(url, {"kind": "safe_school"}).context["page"]) == 0
    assert len(clients["rec_a"].get(url, {"year": "2025"}).context["page"]) == 0
    page = clients["rec_a"].get(url, {"kind": "safe_school"}).content.decode()
    assert "Chưa có mô hình nào." in page


def test_inspection_created_findings_and_recommendation_follow_up(clients, agencies, province):
    response = clients["rec_a"].post(reverse("programme:inspection_new"), {
        "title": "Kiểm tra của phường", "kind": "periodic", "unit": province.pk,
        "lead_agency": agencies["a"].pk, "start": "2026-04-01", "end": "2026-04-03",
        "status": "done",
    })  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    response = clients["officer"].post(reverse("programme:inspection_new"), {
        "title": "Kiểm tra liên ngành tỉnh", "kind": "periodic", "unit": province.pk,
        "lead_agency": agencies["province"].pk, "start": "2026-04-01", "end": "2026-04-03",
        "status": "done", "inspected_entities": "Trường A\nTrường B",
        "member_agencies": [agencies["a"].pk],
    })  # fmt: skip
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.inspected_entities == ["Trường A", "Trường B"]
    url = reverse("programme:finding_add", args=[inspection.pk])
    finding = {"text": "Chưa niêm yết", "severity": "low", "violation_type": "dv",
               "handled_count": 0}  # fmt: skip
    response = clients["officer"].post(url, finding)
    assert response.status_code == 302
    url = reverse("programme:recommendation_add", args=[inspection.pk])
    response = clients["officer"].post(url, {"text": "Niêm yết địa chỉ tin cậy",
                                             "responsible_agency": agencies["b"].pk,
                                             "due_date": "2026-05-01"})  # fmt: skip
    assert response.status_code == 302
    rec = inspection.recommendations.get()
    page = clients["officer"].get(reverse("programme:inspection_detail", args=[inspection.pk]))
    html = page.content.decode()
    assert "Quá hạn" in html
    assert "Nghị định 144" in html
    assert "UBND phường Kon Tum" in html
    # the responsible agency's recorder follows it up without seeing the inspection page
    detail = reverse("programme:inspection_detail", args=[inspection.pk])
    assert clients["rec_b"].get(detail).status_code == 404
    assert clients["rec_b"].get(reverse("programme:inspection_list")).context["assigned"]
    url = reverse("programme:recommendation_update", args=[rec.pk])
    assert clients["rec_b"].get(url).status_code == 200
    response = clients["rec_b"].post(url, {f"r{rec.pk}-status": "done",
                                           f"r{rec.pk}-closed_on": "2026-04-20",
                                           f"r{rec.pk}-follow_up": "Đã niêm yết"})  # fmt: skip
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.status == "done"
    assert rec.follow_up == "Đã niêm yết"
    # a recorder of neither agency may not
    assert clients["rec_a"].post(url, {f"r{rec.pk}-status": "open"}).status_code == 404
    rec.refresh_from_db()
    assert rec.status == "done"


def test_rec_a_creates_an_inspection_through_the_form(clients, agencies, commune_a):
    response = clients["rec_a"].post(reverse("programme:inspection_new"), {
        "title": "Kiểm tra định kỳ", "kind": "periodic", "unit": commune_a.pk,
        "lead_agency": agencies["a"].pk, "start": "2026-04-01", "end": "2026-04-03",
        "status": "done",
    })  # fmt: skip
    assert response.status_code == 302
    assert Inspection.objects.get().lead_agency == agencies["a"]


def test_inspection_bad_dates_field_error(clients, agencies, commune_a):
    response = clients["rec_a"].post(reverse("programme:inspection_new"), {
        "title": "K", "kind": "periodic", "unit": commune_a.pk, "lead_agency": agencies["a"].pk,
        "start": "2026-04-05", "end": "2026-04-01", "status": "done",
    })  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["end"]
    assert not Inspection.objects.exists()


def test_case_code_unknown_to_the_user_is_a_field_error(clients, agencies, commune_a):
    response = clients["rec_a"].post(reverse("programme:inspection_new"), {
        "title": "Xác minh", "kind": "case_verification", "unit": commune_a.pk,
        "lead_agency": agencies["a"].pk, "start": "2026-04-01", "end": "2026-04-01",
        "status": "done", "case": "VV-NOPE",
    })  # fmt: skip
    assert "Không tìm thấy vụ việc" in response.context["form"].errors["case"][0]
    assert not Inspection.objects.exists()


def test_budget_line_expenditures_and_totals(clients, recorders, agencies, commune_a):
    response = clients["rec_a"].post(reverse("programme:budget_new"), {
        "title": "Kinh phí truyền thông", "fiscal_year": 2026, "unit": commune_a.pk,
        "lead_agency": agencies["a"].pk, "funding_source": "commune", "status": "done",
        "amount_estimated": 0, "amount_allocated": 1000, "amount_committed": 0,
        "inkind_donors": 0, "inkind_value": 0,
    })  # fmt: skip
    assert response.status_code == 302
    line = BudgetLine.objects.get()
    url = reverse("programme:expenditure_add", args=[line.pk])
    response = clients["rec_a"].post(url, {"date": "2025-12-31", "amount": 10})
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert not Expenditure.objects.exists()
    assert clients["rec_a"].post(url, {"date": "2026-06-01", "amount": 1500}).status_code == 302
    page = clients["rec_a"].get(reverse("programme:budget_detail", args=[line.pk]))
    assert page.context["execution"] == 150.0
    assert page.context["warnings"]
    listing = clients["rec_a"].get(reverse("programme:budget_list"), {"funding_source": "commune"})
    totals = listing.context["totals"]
    assert totals[0]["allocated"] == 1000
    assert totals[0]["spent"] == 1500
    assert "Ngân sách địa phương cấp xã" in listing.content.decode()


def test_case_link_shown_only_to_who_may_see_the_case(clients, recorders, personas, agencies,
                                                      commune_a, as_user):  # fmt: skip
    from gbvms.cases import services as case_services
    from gbvms.orgs.models import Membership

    case = case_services.case_open(
        actor=personas["worker_a"], survivor=case_services.SurvivorData(full_name="Vũ Thị Hạnh"),
        channel="police", commune=commune_a, detected_at=datetime.datetime.now(datetime.UTC),
    ).case  # fmt: skip
    fields = {"title": "Xác minh", "kind": "case_verification", "unit": commune_a.pk,
              "lead_agency": agencies["a"].pk, "start": "2026-04-01", "end": "2026-04-01",
              "status": "done", "case": case.code}  # fmt: skip
    response = clients["rec_a"].post(reverse("programme:inspection_new"), fields)
    assert "Không tìm thấy vụ việc" in response.context["form"].errors["case"][0]
    both = personas["worker_a"]  # the case's worker, also a reporting officer of the agency
    Membership.objects.create(user=both, agency=agencies["a"], role="reporting_officer",
                              scope_unit=commune_a)  # fmt: skip
    response = as_user(both).post(reverse("programme:inspection_new"), fields)
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.case == case
    detail = reverse("programme:inspection_detail", args=[inspection.pk])
    seen = as_user(both).get(detail).content.decode()
    assert "Có liên kết vụ việc" in seen
    assert case.code in seen
    hidden = clients["rec_a"].get(detail).content.decode()
    assert "Có liên kết vụ việc" not in hidden
    assert case.code not in hidden
    # editing without case rights keeps the link
    edit = reverse("programme:inspection_edit", args=[inspection.pk])
    assert case.code not in clients["rec_a"].get(edit).content.decode()
    response = clients["rec_a"].post(edit, {**fields, "case": "", "title": "Xác minh lại"})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.case == case
