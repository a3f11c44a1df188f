"""Pages of the programme home, campaigns, communication events and trainings: forms through
the services (participants grid), scoping (404 for another agency's record, 403 without
programme.view), field errors without saving, ?task= prefill, cancel, history names."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gbvms.plans.models import Activity, Assignment, Plan
from gbvms.programme import services
from gbvms.programme.models import Campaign, Event, TrainingParticipation

pytestmark = pytest.mark.django_db
Y = timezone.localdate().year


@pytest.fixture
def clients(recorders, as_user):
    return {name: as_user(user) for name, user in recorders.items()}


def _training_post(agencies, commune_a, **overrides):
    data = {
        "title": "Tập huấn kỹ năng cho cộng tác viên", "topic": "provider_skills",
        "unit": commune_a.pk, "lead_agency": agencies["a"].pk, "start": f"{Y}-03-10",
        "end": f"{Y}-03-11", "status": "done", "target_groups": ["collaborators", "social_staff"],
        "p_collaborators_female": "12", "p_collaborators_male": "3",
        "p_social_staff_female": "4", "days": "2", "trainers_count": "2",
    }  # fmt: skip
    data.update(overrides)
    return data


def _event(user, agencies, commune_a, **overrides):
    fields = {"kind": "community", "title": "Truyền thông tại nhà văn hóa", "unit": commune_a,
              "lead_agency": agencies["a"], "start": datetime.date(Y, 4, 2),
              "participants_female": 30, "participants_male": 20}  # fmt: skip
    fields.update(overrides)
    return services.event_save(actor=user, **fields)


def test_rec_a_records_a_training_with_the_participants_grid(clients, agencies, commune_a):
    form = clients["rec_a"].get(reverse("programme:training_new"))
    assert form.status_code == 200
    assert 'data-testid="participants-grid"' in form.content.decode()
    response = clients["rec_a"].post(
        reverse("programme:training_new"), _training_post(agencies, commune_a)
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("programme:training_detail", args=[event.pk])
    assert event.kind == "training"
    assert event.participants_total == 19
    assert event.participants_female == 16
    assert event.participants_male == 3
    counts = {(p.group, p.sex): p.count for p in TrainingParticipation.objects.all()}
    assert counts == {("collaborators", "female"): 12, ("collaborators", "male"): 3,
                      ("social_staff", "female"): 4}  # fmt: skip
    page = clients["rec_a"].get(response.url)
    body = page.content.decode()
    assert "Đã ghi nhận" in body
    listing = clients["rec_a"].get(reverse("programme:training_list")).content.decode()
    assert event.code in listing
    assert "Tập huấn kỹ năng cho cộng tác viên" in listing
    assert 'data-testid="participants-total">19<' in body
    assert "Cộng tác viên, nhân viên xã hội" in body
    assert "Cán bộ xã hội" in body
    assert "provider_skills" not in body
    assert "collaborators" not in body
    assert "rec_a" in body  # history: the recorder's own agency sees who


def test_rec_b_gets_404_on_rec_a_records(clients, recorders, agencies, commune_a, training_of):
    training = training_of(recorders["rec_a"])
    event = _event(recorders["rec_a"], agencies, commune_a)
    for name, pk in (("training_detail", training.pk), ("event_detail", event.pk),
                     ("training_edit", training.pk), ("event_edit", event.pk)):  # fmt: skip
        assert clients["rec_b"].get(reverse(f"programme:{name}", args=[pk])).status_code == 404
    cancel = reverse("programme:record_cancel", args=["training", training.pk])
    assert clients["rec_b"].post(cancel).status_code == 404
    assert Event.objects.get(pk=training.pk).status == "done"
    assert (
        training.code
        not in clients["rec_b"].get(reverse("programme:training_list")).content.decode()
    )


@pytest.mark.parametrize("who", ["stat", "worker_a"])
def test_no_programme_view_means_403(clients, who):
    for name in ("home", "campaign_list", "event_list", "training_list", "training_new"):
        assert clients[who].get(reverse(f"programme:{name}")).status_code == 403


def test_end_before_start_is_a_field_error_and_nothing_saved(clients, agencies, commune_a):
    data = _training_post(agencies, commune_a, start=f"{Y}-03-10", end=f"{Y}-03-01")
    response = clients["rec_a"].post(reverse("programme:training_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["end"]
    assert not Event.objects.exists()


def test_participants_of_an_unchosen_group_is_a_field_error(clients, agencies, commune_a):
    data = _training_post(agencies, commune_a, target_groups=["collaborators"])
    response = clients["rec_a"].post(reverse("programme:training_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["p_social_staff_female"]
    assert "Cán bộ xã hội" in response.content.decode()
    assert not Event.objects.exists()


def test_service_errors_become_form_errors(clients, agencies, commune_a, commune_b):
    # a commune outside the agency's commune: the service refuses the pair on "unit"
    data = _training_post(agencies, commune_a, unit=commune_b.pk)
    response = clients["officer"].post(reverse("programme:training_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not Event.objects.exists()


def test_task_prefills_activity_and_agency(clients, recorders, agencies, commune_a, province):
    plan = Plan.objects.create(title="Kế hoạch năm", unit=province, start_year=Y, end_year=Y,
                               created_by=recorders["officer"])  # fmt: skip
    activity = Activity.objects.create(plan=plan, code="2.1", title="Tập huấn cộng tác viên")
    task = Assignment.objects.create(plan=plan, agency=agencies["a"], role="lead",
                                     activity=activity)  # fmt: skip
    url = reverse("programme:training_new") + f"?task={task.pk}"
    form = clients["rec_a"].get(url)
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["plan_activity"] == activity.pk
    assert initial["lead_agency"] == agencies["a"].pk
    assert 'data-testid="task"' in form.content.decode()
    data = _training_post(agencies, commune_a, plan_activity=activity.pk)
    response = clients["rec_a"].post(url, data, follow=True)
    event = Event.objects.get()
    assert event.plan_activity == activity
    assert response.redirect_chain[-1][0] == reverse("programme:training_detail", args=[event.pk])
    assert "Đã ghi nhận" in response.content.decode()
    # another agency's task is not found
    assert clients["rec_b"].get(url).status_code == 404


def test_activity_param_prefills_the_event_form(clients, recorders, agencies, province):
    plan = Plan.objects.create(title="Kế hoạch năm", unit=province, start_year=Y, end_year=Y,
                               created_by=recorders["officer"])  # fmt: skip
    activity = Activity.objects.create(plan=plan, code="1.1", title="Truyền thông")
    url = reverse("programme:event_new") + f"?activity={activity.pk}"
    form = clients["officer"].get(url)
    assert form.status_code == 200
    assert form.context["form"].initial["plan_activity"] == activity.pk


def test_event_form_with_media_and_funding_rows(clients, agencies, commune_a):
    data = {
        "kind": "launch", "title": "Lễ phát động Tháng hành động", "unit": commune_a.pk,
        "lead_agency": agencies["a"].pk, "start": f"{Y}-11-15", "status": "done",
        "audience_groups": ["community", "youth"], "participants_female": "60",
        "participants_male": "40", "participants_total": "100", "media_kind_1": "banner",
        "media_quantity_1": "3", "funding_source_1": "commune", "funding_amount_1": "5000000",
        "cost_actual": "5000000",
    }  # fmt: skip
    response = clients["rec_a"].post(reverse("programme:event_new"), data)
    event = Event.objects.get()
    assert response.status_code == 302
    assert event.media_outputs == [{"kind": "banner", "quantity": 3}]
    assert event.funding == [{"source": "commune", "amount": 5000000}]
    body = clients["rec_a"].get(response.url).content.decode()
    assert "Băng rôn" in body
    assert "Ngân sách địa phương cấp xã" in body
    assert "Lễ phát động" in body
    # a sum that does not add up is a field error, and a row without its quantity too
    data.update(participants_total="90", media_quantity_1="", title="Khác")
    response = clients["rec_a"].post(reverse("programme:event_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["media_quantity_1"]
    data["media_quantity_1"] = "3"
    response = clients["rec_a"].post(reverse("programme:event_new"), data)
    assert response.context["form"].errors["participants_total"]
    assert Event.objects.count() == 1


def test_edit_keeps_the_grid_and_cancel_via_post(clients, recorders, training_of):
    training = training_of(recorders["rec_a"], start=datetime.date(Y, 5, 10),
                           end=datetime.date(Y, 5, 11))  # fmt: skip
    edit = reverse("programme:training_edit", args=[training.pk])
    form = clients["rec_a"].get(edit).context["form"]
    assert form.initial["p_collaborators_female"] == 12
    assert form.initial["target_groups"] == ["collaborators", "trusted_address"]
    detail = reverse("programme:training_detail", args=[training.pk])
    assert 'name="reason"' in clients["rec_a"].get(detail).content.decode()
    cancel = reverse("programme:record_cancel", args=["training", training.pk])
    assert clients["rec_a"].get(cancel).status_code == 405
    response = clients["rec_a"].post(cancel, {"reason": "Hoãn do mưa lũ"})
    assert response.status_code == 302
    assert response.url == detail
    training.refresh_from_db()
    assert training.status == "cancelled"
    assert "Hoãn do mưa lũ" in training.note
    assert "Đã hủy" in clients["rec_a"].get(detail).content.decode()


def test_history_names_only_for_the_agency_and_managers(clients, recorders, training_of,
                                                        agencies, province, as_user):  # fmt: skip
    from tests.conftest import make_user

    training = training_of(recorders["rec_a"])
    detail = reverse("programme:training_detail", args=[training.pk])
    assert "rec_a" in clients["rec_a"].get(detail).content.decode()  # the recording agency
    assert "rec_a" in clients["officer"].get(detail).content.decode()  # programme.manage
    # a province recorder of another agency sees the record (programme.view over the
    # province) but not who recorded it
    viewer = make_user("viewer", (agencies["province"], "reporting_officer", province))
    response = as_user(viewer).get(detail)
    assert response.status_code == 200
    assert [h["who"] for h in response.context["history"]] == ["—"]
    assert "rec_a" not in response.content.decode()
    assert not response.context["can_edit"]


def test_campaign_form_list_and_events(clients, recorders, agencies, commune_a):
    response = clients["rec_a"].post(reverse("programme:campaign_new"), {
        "kind": "gbv_month", "year": Y, "title": "Tháng hành động", "unit": commune_a.pk,
        "lead_agency": agencies["a"].pk, "start": f"{Y}-11-15", "end": f"{Y}-12-15",
        "status": "done",
    })  # fmt: skip
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    _event(recorders["rec_a"], agencies, commune_a, campaign=campaign,
           start=datetime.date(Y, 11, 20))  # fmt: skip
    listing = clients["rec_a"].get(reverse("programme:campaign_list")).content.decode()
    assert campaign.code in listing
    assert "1 / 50" in listing
    body = clients["rec_a"].get(response.url).content.decode()
    assert "Truyền thông tại nhà văn hóa" in body
    assert "gbv_month" not in body


def test_list_filters_and_empty_state(clients, recorders, agencies, commune_a, training_of):
    training = training_of(recorders["rec_a"], start=datetime.date(Y, 5, 10),
                           end=datetime.date(Y, 5, 11))  # fmt: skip
    url = reverse("programme:training_list")
    assert training.code in clients["officer"].get(url).content.decode()
    other_year = clients["officer"].get(url, {"year": Y - 3}).content.decode()
    assert training.code not in other_year
    assert 'data-testid="empty"' in other_year
    assert training.code in clients["officer"].get(url, {"unit": commune_a.code}).content.decode()
    planned = clients["officer"].get(url, {"status": "planned"}).content.decode()
    assert training.code not in planned


def test_home_counts_and_empty_state(clients, recorders, agencies, commune_a, training_of):
    home = clients["officer"].get(reverse("programme:home"))
    body = home.content.decode()
    assert home.status_code == 200
    assert 'data-testid="empty-state"' in body
    assert reverse("programme:training_new") in body
    training_of(recorders["rec_a"], start=datetime.date(Y, 5, 10), end=datetime.date(Y, 5, 11))
    rows = {r["kind"]: r["count"] for r in clients["officer"].get(
        reverse("programme:home")).context["rows"]}  # fmt: skip
    assert rows["training"] == 1
    assert rows["event"] == 0
    assert clients["rec_b"].get(reverse("programme:home")).context["rows"][2]["count"] == 0


def test_cancel_unknown_kind_is_404(clients):
    assert clients["officer"].post("/programme/nothing/1/cancel").status_code == 404
