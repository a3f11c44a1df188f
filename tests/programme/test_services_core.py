"""The shared rules of the delivery records: who records for which agency, dates, counts, the
indicator outbox, cancellation, and scoping of the reads."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gbvms.indicators.models import DirtyKey
from gbvms.programme import selectors, services
from gbvms.programme.models import Event

pytestmark = pytest.mark.django_db


def test_training_by_commune_recorder_sums_participants_and_marks_keys(recorders, training_of,
                                                                        commune_a):  # fmt: skip
    event = training_of(recorders["rec_a"])
    assert event.kind == "training"
    assert event.code.startswith("TH-2026-")
    assert (event.participants_total, event.participants_female, event.participants_male) == (
        20, 17, 3)  # fmt: skip
    assert event.training.level == "commune"
    assert sorted((p.group, p.sex, p.count) for p in event.participations.all()) == [
        ("collaborators", "female", 12), ("collaborators", "male", 3),
        ("trusted_address", "female", 5)]  # fmt: skip
    assert DirtyKey.objects.filter(source="programme", unit_path=commune_a.path,
                                   year=2026).exists()  # fmt: skip


def test_another_communes_recorder_and_a_case_worker_may_not_record(recorders, training_of):
    for who in ("rec_b", "worker_a", "stat"):
        with pytest.raises(PermissionDenied):
            training_of(recorders[who])
    assert not Event.objects.exists()


def test_officer_records_for_any_agency_of_the_province_but_not_outside_its_unit(
    recorders, training_of, agencies, commune_b
):
    assert training_of(recorders["officer"]).pk
    with pytest.raises(ValidationError) as err:
        training_of(recorders["officer"], unit=commune_b)  # UBND phường Kon Tum in Đăk Tô
    assert "unit" in err.value.message_dict


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end": datetime.date(2026, 5, 1)}, "end"),
        ({"start": datetime.date(1990, 1, 1), "end": datetime.date(1990, 1, 1)}, "start"),
        ({"topic": "nonsense"}, "topic"),
        ({"target_groups": []}, "target_groups"),
        ({"participants": [{"group": "ge_staff", "sex": "female", "count": 2}]}, "participants"),
        ({"participants": [{"group": "collaborators", "sex": "female", "count": -1}]},
         "participants"),
        ({"participants_total": 21}, "participants"),
        ({"participants": []}, "participants"),
    ],
)  # fmt: skip
def test_bad_training_is_refused_with_a_field_error(recorders, training_of, overrides, field):
    with pytest.raises(ValidationError) as err:
        training_of(recorders["rec_a"], **overrides)
    assert field in err.value.message_dict
    assert not Event.objects.exists()


def test_event_participants_by_sex_must_add_up(recorders, agencies, commune_a):
    common = {"actor": recorders["rec_a"], "kind": "talk", "title": "Tọa đàm", "unit": commune_a,
              "lead_agency": agencies["a"], "start": datetime.date(2026, 11, 20)}  # fmt: skip
    with pytest.raises(ValidationError) as err:
        services.event_save(**common, participants_total=50, participants_female=30,
                            participants_male=10)  # fmt: skip
    assert err.value.error_dict["participants_total"][0].code == "participants_mismatch"
    leaflets = [{"kind": "leaflet", "quantity": 200}]
    event = services.event_save(**common, participants_total=40, participants_female=30,
                                participants_male=10, media_outputs=leaflets)  # fmt: skip
    assert event.participants_total == 40
    assert event.end == event.start


def test_event_inside_its_campaign(recorders, agencies, province, commune_a):
    campaign = services.campaign_save(
        actor=recorders["officer"], kind="gbv_month", year=2026, title="Tháng hành động 2026",
        unit=province, lead_agency=agencies["province"], start=datetime.date(2026, 11, 15),
        end=datetime.date(2026, 12, 15))  # fmt: skip
    with pytest.raises(ValidationError) as err:
        services.event_save(actor=recorders["rec_a"], kind="launch", title="Lễ phát động",
                            unit=commune_a, lead_agency=agencies["a"], campaign=campaign,
                            start=datetime.date(2026, 11, 10))  # fmt: skip
    assert err.value.error_dict["start"][0].code == "outside_campaign"


def test_reads_are_scoped_and_cancel_keeps_the_record(recorders, training_of):
    event = training_of(recorders["rec_a"])
    assert selectors.record_get_for_user(user=recorders["officer"], kind="training", pk=event.pk)
    assert selectors.record_get_for_user(user=recorders["rec_a"], kind="training", pk=event.pk,
                                         for_write=True)  # fmt: skip
    for who in ("rec_b", "worker_a", "stat"):
        with pytest.raises(Http404):
            selectors.record_get_for_user(user=recorders[who], kind="training", pk=event.pk)
    assert not selectors.record_list(user=recorders["rec_b"], kind="training").exists()
    with pytest.raises(PermissionDenied):
        services.record_cancel(actor=recorders["rec_b"], record=event)
    before = event.history.count()
    services.record_cancel(actor=recorders["rec_a"], record=event, reason="trùng")
    event.refresh_from_db()
    assert event.status == "cancelled"
    assert event.note.endswith("trùng")
    latest = event.history.order_by("-history_date", "-history_id").first()
    assert event.history.count() == before + 1  # the cancel is in the history, by its author
    assert (latest.status, latest.history_user) == ("cancelled", recorders["rec_a"])
    services.record_cancel(actor=recorders["rec_a"], record=event)  # again: nothing new
    assert event.history.count() == before + 1
