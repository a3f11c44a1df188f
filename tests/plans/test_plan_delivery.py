"""The plan page shows what was done per activity; the agency task page links to recording."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from gbvms.plans import services
from gbvms.plans.models import Assignment, Role
from gbvms.programme import services as programme
from tests.conftest import make_user

FIXTURES = Path(__file__).parent / "fixtures"
CAMPAIGN_KIND = "gbv_month"
PROVINCE_PLAN = (FIXTURES / "seeds" / "province_plan_kon_tum.txt").read_text(encoding="utf-8")


@pytest.fixture
def plan(personas, agencies, province):
    officer = personas["officer"]
    started = services.import_start(actor=officer, name="kh.txt", text=PROVINCE_PLAN,
                                    unit=province)  # fmt: skip
    return services.import_confirm(
        actor=officer, plan_import=started, result=started.result,
        choices=services.AgencyChoices(create=set(services.names_in(started.result))),
    )  # fmt: skip


def train(user, agencies, commune_a, activity):
    today = timezone.localdate()
    return programme.training_save(
        actor=user, title="Tập huấn cộng tác viên", topic="provider_skills", unit=commune_a,
        lead_agency=agencies["a"], start=today - datetime.timedelta(days=1), end=today,
        plan_activity=activity, target_groups=["collaborators"],
        participants=[{"group": "collaborators", "sex": "female", "count": 9}],
    )  # fmt: skip


@pytest.mark.django_db
def test_plan_page_shows_delivery(plan, personas, agencies, commune_a, as_user):
    activity = plan.activities.get(code="2.1")
    train(personas["officer"], agencies, commune_a, activity)
    response = as_user(personas["officer"]).get(reverse("plans:detail", args=[plan.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-testid="delivery"') == 1
    assert "1 lớp tập huấn" in body
    assert 'data-testid="has-results"' in body
    assert body.count('data-testid="training-requirement"') == 5


@pytest.mark.django_db
def test_task_page_buttons_for_recorders_only(
    plan, personas, agencies, commune_a, as_user, monkeypatch
):
    monkeypatch.setattr("gbvms.plans.delivery.reverse", lambda name: f"/x/{name}/")
    activity = plan.activities.get(code="2.1")
    task = Assignment.objects.create(plan=plan, agency=agencies["a"], role=Role.LEAD,
                                     activity=activity)  # fmt: skip
    train(personas["officer"], agencies, commune_a, activity)
    url = reverse("plans:agency_tasks", args=[agencies["a"].pk])
    rec = make_user("rec_a", (agencies["a"], "reporting_officer", commune_a))
    body = as_user(rec).get(url).content.decode()
    assert f'href="/x/programme:training_new/?task={task.pk}"' in body
    assert f'href="/x/programme:event_new/?task={task.pk}"' in body
    assert "1 bản ghi kết quả" in body
    worker = as_user(personas["worker_a"]).get(url)
    assert worker.status_code == 200
    assert 'data-testid="record-training"' not in worker.content.decode()


@pytest.mark.django_db
def test_agency_calendar_lists_its_campaigns(personas, agencies, commune_a, as_user):
    today = timezone.localdate()
    programme.campaign_save(
        actor=personas["officer"], kind=CAMPAIGN_KIND, year=today.year, title="Tháng hành động",
        unit=commune_a, lead_agency=agencies["a"], start=today,
        end=today + datetime.timedelta(days=30),
    )  # fmt: skip
    url = reverse("plans:agency_tasks", args=[agencies["a"].pk])
    rec = make_user("rec_a", (agencies["a"], "reporting_officer", commune_a))
    body = as_user(rec).get(url).content.decode()
    assert 'data-testid="agency-campaign"' in body
    assert "Tháng hành động" in body
    assert (
        'data-testid="agency-campaign"'
        not in as_user(personas["worker_a"]).get(url).content.decode()
    )
