"""The model status page: a change from a given day through ``model_status_set``, with who
recorded it; bad input as field errors; a dissolved model changes no more; scoping."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gbvms.programme import services_models
from gbvms.programme.models import ModelStatusChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(recorders, agencies, commune_a):
    return services_models.model_save(
        actor=recorders["rec_a"], kind="male_pioneers", title="CLB Nam giới tiên phong",
        unit=commune_a, lead_agency=agencies["a"], established_on=datetime.date(2026, 3, 1),
    )  # fmt: skip


def _url(model):
    return reverse("programme:model_status", args=[model.pk])


def test_a_status_change_is_recorded_with_its_author_and_shown(recorders, as_user, model):
    client = as_user(recorders["rec_a"])
    detail = client.get(reverse("programme:model_detail", args=[model.pk])).content.decode()
    assert 'data-testid="change-status"' in detail
    response = client.post(_url(model), {"model_status": "suspended", "on": "2026-06-01"})
    assert response.status_code == 302
    model.refresh_from_db()
    assert model.model_status == "suspended"
    change = model.status_changes.order_by("-on").first()
    assert (change.status, change.on, change.changed_by) == (
        "suspended", datetime.date(2026, 6, 1), recorders["rec_a"])  # fmt: skip
    page = client.get(reverse("programme:model_detail", args=[model.pk])).content.decode()
    assert "01/06/2026" in page
    assert "Đang hoạt động → Tạm dừng" in page
    assert recorders["rec_a"].get_username() in page or recorders["rec_a"].get_full_name() in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"model_status": "active", "on": "2026-06-01"}, "model_status", "đang ở tình trạng này"),
        ({"model_status": "suspended", "on": "2026-01-01"}, "on", "trước ngày thành lập"),
        ({"model_status": "suspended", "on": "2999-01-01"}, "on", ""),
        ({"model_status": "nonsense", "on": "2026-06-01"}, "model_status", ""),
        ({"model_status": "suspended", "on": "not a date"}, "on", ""),
    ],
)
def test_bad_input_is_a_field_error_and_changes_nothing(recorders, as_user, model, data, field,
                                                         message):  # fmt: skip
    client = as_user(recorders["rec_a"])
    before = ModelStatusChange.objects.count()
    response = client.post(_url(model), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert message in " ".join(errors[field])
    assert ModelStatusChange.objects.count() == before


def test_a_change_before_the_latest_one_is_refused(recorders, model):
    june, may = datetime.date(2026, 6, 1), datetime.date(2026, 5, 1)
    actor = recorders["rec_a"]
    services_models.model_status_set(actor=actor, model=model, model_status="suspended", on=june)
    with pytest.raises(ValidationError, match="gần nhất"):
        services_models.model_status_set(actor=actor, model=model, model_status="active", on=may)


def test_a_dissolved_model_changes_no_more(recorders, as_user, model):
    client = as_user(recorders["rec_a"])
    assert (
        client.post(_url(model), {"model_status": "dissolved", "on": "2026-06-01"}).status_code
        == 302
    )
    page = client.get(_url(model)).content.decode()
    assert 'data-testid="dissolved"' in page
    detail = client.get(reverse("programme:model_detail", args=[model.pk])).content.decode()
    assert 'data-testid="change-status"' not in detail
    response = client.post(_url(model), {"model_status": "active", "on": "2026-07-01"})
    assert response.status_code == 200
    assert "model_status" in response.context["form"].errors
    model.refresh_from_db()
    assert model.model_status == "dissolved"


def test_another_agency_gets_404(recorders, as_user, model):
    client = as_user(recorders["rec_b"])
    assert client.get(_url(model)).status_code == 404
    assert (
        client.post(_url(model), {"model_status": "suspended", "on": "2026-06-01"}).status_code
        == 404
    )
