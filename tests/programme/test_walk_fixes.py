"""Bugs found walking the programme pages in a browser: the rows added to a form at run time
(funding, media, participants grid, evaluation criteria, the list's activity filter) get the same
input bounds as the other fields; evaluations and remedied recommendations are not dated in the
future; the criteria inputs have labels; the trainers count fits its column."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gbvms.programme import services, services_inspections, services_models
from gbvms.programme.models import Event, ModelEvaluation, TrainingParticipation

pytestmark = pytest.mark.django_db
Y = timezone.localdate().year
TODAY = timezone.localdate()
HUGE = str(10**20)


@pytest.fixture
def clients(recorders, as_user):
    return {name: as_user(user) for name, user in recorders.items()}


def _event_post(agencies, commune_a, **overrides):
    data = {
        "kind": "launch", "title": "Lễ phát động", "unit": commune_a.pk,
        "lead_agency": agencies["a"].pk, "start": f"{Y}-01-15", "status": "done",
        "participants_female": "6", "participants_male": "4",
    }  # fmt: skip
    data.update(overrides)
    return data


def _training_post(agencies, commune_a, **overrides):
    data = {
        "title": "Tập huấn cho cộng tác viên", "topic": "provider_skills",
        "unit": commune_a.pk, "lead_agency": agencies["a"].pk, "start": f"{Y}-01-10",
        "status": "done", "target_groups": ["collaborators"], "p_collaborators_female": "12",
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"media_kind_1": "banner", "media_quantity_1": HUGE}, "media_quantity_1"),
        ({"funding_source_1": "commune", "funding_amount_1": HUGE}, "funding_amount_1"),
    ],
)
def test_event_rows_refuse_a_number_no_column_holds(clients, agencies, commune_a, overrides,
                                                     field):  # fmt: skip
    data = _event_post(agencies, commune_a, **overrides)
    response = clients["rec_a"].post(reverse("programme:event_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == ["Số nằm ngoài giới hạn cho phép."]
    assert not Event.objects.exists()


def test_training_grid_and_funding_refuse_huge_numbers(clients, agencies, commune_a):
    data = _training_post(
        agencies, commune_a, p_collaborators_female=HUGE, funding_source_1="commune",
        funding_amount_1=HUGE,
    )  # fmt: skip
    response = clients["rec_a"].post(reverse("programme:training_new"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["p_collaborators_female"] == ["Số nằm ngoài giới hạn cho phép."]
    assert errors["funding_amount_1"] == ["Số nằm ngoài giới hạn cho phép."]
    assert not Event.objects.exists()
    assert not TrainingParticipation.objects.exists()


def test_trainers_count_beyond_its_column_is_a_field_error(clients, agencies, commune_a):
    data = _training_post(agencies, commune_a, trainers_count="100000")
    response = clients["rec_a"].post(reverse("programme:training_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["trainers_count"]
    assert not Event.objects.exists()


def test_list_activity_filter_with_a_huge_number_is_not_a_500(clients):
    url = reverse("programme:event_list")
    response = clients["rec_a"].get(url, {"activity": HUGE})
    assert response.status_code == 200
    assert response.context["filter"].errors["activity"]


def _model(recorders, agencies, commune_a):
    return services_models.model_save(
        actor=recorders["rec_a"], kind="male_pioneers", title="CLB Nam giới tiên phong",
        unit=commune_a, lead_agency=agencies["a"], established_on=datetime.date(Y, 1, 1),
    )  # fmt: skip


def _evaluation(agencies, **overrides):
    data = {"date": TODAY.isoformat(), "evaluator": agencies["a"].pk, "rating": "good",
            "advice": "replicate", "criterion_1": "Sinh hoạt đều đặn"}  # fmt: skip
    data.update(overrides)
    return data


def test_evaluation_criterion_with_a_control_character_is_refused(clients, recorders, agencies,
                                                                  commune_a):  # fmt: skip
    model = _model(recorders, agencies, commune_a)
    url = reverse("programme:model_evaluate", args=[model.pk])
    response = clients["rec_a"].post(url, _evaluation(agencies, criterion_1="a\x01b"))
    assert response.status_code == 200
    assert response.context["form"].errors["criterion_1"]
    assert not ModelEvaluation.objects.exists()


def test_evaluation_in_the_future_is_a_field_error(clients, recorders, agencies, commune_a):
    model = _model(recorders, agencies, commune_a)
    url = reverse("programme:model_evaluate", args=[model.pk])
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = clients["rec_a"].post(url, _evaluation(agencies, date=tomorrow.isoformat()))
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == ["Ngày đánh giá không được sau hôm nay."]
    assert not ModelEvaluation.objects.exists()


def test_evaluation_criteria_inputs_have_labels(clients, recorders, agencies, commune_a):
    model = _model(recorders, agencies, commune_a)
    page = clients["rec_a"].get(reverse("programme:model_detail", args=[model.pk]))
    html = page.content.decode()
    for i in range(1, 6):
        assert f'<label for="id_criterion_{i}" class="visually-hidden">Tiêu chí {i}</label>' in html


def test_recommendation_remedied_in_the_future_is_a_field_error(clients, recorders, agencies,
                                                                commune_a):  # fmt: skip
    inspection = services_inspections.inspection_save(
        actor=recorders["rec_a"], kind="periodic", title="Kiểm tra định kỳ", unit=commune_a,
        lead_agency=agencies["a"], start=datetime.date(Y, 1, 1), end=datetime.date(Y, 1, 2),
    )  # fmt: skip
    rec = services_inspections.recommendation_add(
        actor=recorders["rec_a"], inspection=inspection, text="Niêm yết",
        responsible_agency=agencies["a"], due_date=datetime.date(Y, 1, 20),
    )  # fmt: skip
    url = reverse("programme:recommendation_update", args=[rec.pk])
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = clients["rec_a"].post(
        url, {f"r{rec.pk}-status": "done", f"r{rec.pk}-closed_on": tomorrow.isoformat()}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["closed_on"] == [
        "Ngày khắc phục xong không được sau hôm nay."
    ]
    rec.refresh_from_db()
    assert rec.status == "open"
    assert rec.closed_on is None


def _line(recorders, agencies, commune_a):
    from gbvms.programme import services_budget

    return services_budget.budget_line_save(
        actor=recorders["rec_a"], title="Kinh phí truyền thông", fiscal_year=Y,
        unit=commune_a, lead_agency=agencies["a"], funding_source="commune",
        amount_estimated=30_000_000, amount_allocated=25_000_000,
    )  # fmt: skip


def test_budget_amounts_have_dots_between_thousands(clients, recorders, agencies, commune_a):
    line = _line(recorders, agencies, commune_a)
    listing = clients["rec_a"].get(reverse("programme:budget_list"), {"year": Y}).content.decode()
    assert "25.000.000" in listing
    assert "30.000.000" in listing  # the totals by funding source
    assert "25000000" not in listing
    detail = clients["rec_a"].get(reverse("programme:budget_detail", args=[line.pk]))
    assert "30.000.000" in detail.content.decode()


def test_event_costs_have_dots_between_thousands(clients, agencies, commune_a):
    data = _event_post(agencies, commune_a, cost_actual="5000000", funding_source_1="commune",
                       funding_amount_1="5000000")  # fmt: skip
    response = clients["rec_a"].post(reverse("programme:event_new"), data)
    assert response.status_code == 302
    html = clients["rec_a"].get(response.url).content.decode()
    assert html.count("5.000.000") == 2
    assert "5000000" not in html


@pytest.mark.parametrize("name", ["event", "training", "model", "inspection", "budget"])
def test_list_tables_scroll_inside_their_frame_on_a_phone(clients, recorders, agencies, commune_a,
                                                          training_of, name):  # fmt: skip
    rec_a = recorders["rec_a"]
    services.event_save(actor=rec_a, kind="community", title="Truyền thông", unit=commune_a,
                        lead_agency=agencies["a"], start=datetime.date(Y, 1, 5),
                        participants_female=3)  # fmt: skip
    training_of(rec_a, start=datetime.date(Y, 1, 6), end=datetime.date(Y, 1, 6))
    _line(recorders, agencies, commune_a)
    _model(recorders, agencies, commune_a)
    services_inspections.inspection_save(
        actor=rec_a, kind="periodic", title="Kiểm tra định kỳ", unit=commune_a,
        lead_agency=agencies["a"], start=datetime.date(Y, 1, 1), end=datetime.date(Y, 1, 2),
    )  # fmt: skip
    html = clients["rec_a"].get(reverse(f"programme:{name}_list")).content.decode()
    assert html.count('<div class="table-wrap"><table class="wide">') >= 1
    assert 'data-testid="empty"' not in html


def test_xlsx_error_echoing_a_5000_character_cell_is_shortened(recorders, as_user):
    from tests.programme.test_xlsx import EVENT_HEADERS, book_bytes, event_row, upload

    long_kind = "x" * 5000
    data = book_bytes(EVENT_HEADERS, [event_row(**{"Loại hoạt động": long_kind})])
    response = upload(as_user(recorders["rec_a"]), "event", data)
    assert response.status_code == 400
    assert not Event.objects.exists()
    page = response.content.decode()
    assert '<td class="break-anywhere">Giá trị không có trong danh mục: xxx' in page
    assert "x" * 300 not in page


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("a\x02b", "Văn bản chứa ký tự điều khiển không hợp lệ."),
        ("x" * 501, "tối đa 500"),
    ],
)
def test_cancel_with_a_bad_reason_says_what_is_wrong(clients, recorders, agencies, commune_a,
                                                     reason, said):  # fmt: skip
    event = services.event_save(
        actor=recorders["rec_a"], kind="community", title="Truyền thông", unit=commune_a,
        lead_agency=agencies["a"], start=datetime.date(Y, 1, 5), participants_female=3,
    )  # fmt: skip
    url = reverse("programme:record_cancel", args=["event", event.pk])
    response = clients["rec_a"].post(url, {"reason": reason}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa hủy: lý do hủy không hợp lệ." in html
    assert said in html
    event.refresh_from_db()
    assert event.status == "done"
