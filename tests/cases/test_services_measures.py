import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from gbvms.cases import services, services_measures
from gbvms.cases.models import MeasureType
from gbvms.core.workdays import add_working_days, is_working_day

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)  # a Monday


def open_case(actor, commune, birth_year=1990, danger=False):
    with time_machine.travel(NOW, tick=False):
        return services.case_open(
            actor=actor,
            survivor=services.SurvivorData(full_name="X", birth_year=birth_year),
            channel="hotline",
            commune=commune,
            detected_at=NOW,
            immediate_danger=danger,
        ).case


def mtype(code):
    return MeasureType.objects.get(code=code)


@pytest.mark.django_db
class TestMeasures:
    def test_the_law_is_seeded_as_data(self):
        assert MeasureType.objects.count() == 12
        commune = mtype("no_contact_commune")
        assert (commune.decision_hours, commune.max_duration_days) == (12, 3)
        assert mtype("no_contact_court").max_duration_days == 120
        assert mtype("police_summons").requires_protected_group_or_danger

    def test_police_summons_only_for_protected_groups_or_danger(self, personas, commune_a):
        adult = open_case(personas["worker_a"], commune_a, birth_year=1990)
        with pytest.raises(ValidationError) as err:
            services_measures.measure_request(
                actor=personas["worker_a"], case=adult, type=mtype("police_summons")
            )
        assert err.value.error_dict["type"][0].code == "not_applicable"
        services_measures.measure_request(
            actor=personas["worker_a"], case=adult, type=mtype("police_summons"),
            danger_to_life=True,
        )  # fmt: skip
        child = open_case(personas["worker_a"], commune_a, birth_year=2014)
        services_measures.measure_request(
            actor=personas["worker_a"], case=child, type=mtype("police_summons")
        )
        adult.survivor.pregnant = True
        services_measures.measure_request(
            actor=personas["worker_a"], case=adult, type=mtype("police_summons")
        )

    def test_agency_request_needs_consent(self, personas, commune_a):
        case = open_case(personas["worker_a"], commune_a)
        with pytest.raises(ValidationError):
            services_measures.measure_request(
                actor=personas["worker_a"], case=case, type=mtype("no_contact_commune"),
                requester="agency", survivor_consent=False,
            )  # fmt: skip

    def test_commune_no_contact_deadline_and_three_day_limit(self, personas, commune_a):
        case = open_case(personas["worker_a"], commune_a)
        with time_machine.travel(NOW, tick=False):
            measure = services_measures.measure_request(
                actor=personas["worker_a"], case=case, type=mtype("no_contact_commune")
            )
        assert services_measures.decision_deadline(measure) == NOW + datetime.timedelta(hours=12)
        assert services_measures.measure_alerts(measure, NOW + datetime.timedelta(hours=11)) == []
        late = NOW + datetime.timedelta(hours=13)
        assert services_measures.measure_alerts(measure, late) == ["decision_overdue"]
        start = NOW + datetime.timedelta(hours=6)
        with pytest.raises(ValidationError) as err:
            services_measures.measure_decide(
                actor=personas["worker_a"], measure=measure, grant=True, starts_at=start,
                ends_at=start + datetime.timedelta(days=3, hours=1),
            )  # fmt: skip
        assert err.value.error_dict["ends_at"][0].code == "too_long"
        with time_machine.travel(start, tick=False):
            services_measures.measure_decide(
                actor=personas["worker_a"], measure=measure, grant=True, starts_at=start,
                ends_at=start + datetime.timedelta(days=3),
            )  # fmt: skip
        before_end = start + datetime.timedelta(days=2, hours=1)
        assert services_measures.measure_alerts(measure, before_end) == ["expiring"]
        assert services_measures.measure_alerts(measure, start + datetime.timedelta(days=1)) == []

    def test_refusal_needs_a_written_reason(self, personas, commune_a):
        case = open_case(personas["worker_a"], commune_a)
        measure = services_measures.measure_request(
            actor=personas["worker_a"], case=case, type=mtype("no_contact_commune")
        )
        with pytest.raises(ValidationError):
            services_measures.measure_decide(actor=personas["worker_a"], measure=measure,
                                             grant=False)  # fmt: skip
        services_measures.measure_decide(
            actor=personas["worker_a"], measure=measure, grant=False,
            refusal_reason="Không đủ căn cứ theo Điều 25",
        )  # fmt: skip
        assert measure.decision == "refused"

    def test_interventions(self, personas, commune_a):
        case = open_case(personas["worker_a"], commune_a)
        item = services_measures.intervention_record(
            actor=personas["worker_a"], case=case, kind="counselling",
            done_on=datetime.date(2026, 3, 3),
        )  # fmt: skip
        assert item.kind == "counselling"
        with pytest.raises(ValidationError):
            services_measures.intervention_record(
                actor=personas["worker_a"], case=case, kind="counselling",
                done_on=datetime.date(2099, 1, 1),
            )  # fmt: skip


@pytest.mark.django_db
class TestChildTimeline:
    def test_adults_have_none(self, personas, commune_a):
        assert services_measures.child_timeline(open_case(personas["worker_a"], commune_a)) is None

    def test_child_in_danger_has_12_hours_and_5_working_days(self, personas, commune_a):
        case = open_case(personas["worker_a"], commune_a, birth_year=2015, danger=True)
        timeline = services_measures.child_timeline(case)
        assert timeline.emergency_due == NOW + datetime.timedelta(hours=12)
        assert timeline.plan_due == datetime.datetime(2026, 3, 9, 9, 0, tzinfo=datetime.UTC)
        assert timeline.overdue(NOW + datetime.timedelta(hours=13)) == ["emergency"]
        assert timeline.overdue(datetime.datetime(2026, 3, 10, tzinfo=datetime.UTC)) == [
            "emergency",
            "plan",
        ]
        with time_machine.travel(NOW + datetime.timedelta(hours=5), tick=False):
            services_measures.child_step_record(
                actor=personas["worker_a"], case=case, step="emergency",
                at=NOW + datetime.timedelta(hours=4),
            )  # fmt: skip
        timeline = services_measures.child_timeline(case)
        assert timeline.overdue(NOW + datetime.timedelta(hours=13)) == []

    def test_child_without_serious_risk_has_only_the_plan(self, personas, commune_a):
        case = open_case(personas["worker_a"], commune_a, birth_year=2015)
        timeline = services_measures.child_timeline(case)
        assert timeline.emergency_due is None

    def test_working_days_skip_weekends(self):
        friday = datetime.datetime(2026, 3, 6, 9, 0, tzinfo=datetime.UTC)
        assert add_working_days(friday, 5) == datetime.datetime(
            2026, 3, 13, 9, 0, tzinfo=datetime.UTC
        )

    def test_working_days_skip_public_holidays(self):
        from gbvms.core.models import PublicHoliday

        # 30/4 (Thu) and 1/5 (Fri) 2026 are fixed by the Labour Code
        wednesday = datetime.datetime(2026, 4, 29, 9, 0, tzinfo=datetime.UTC)
        assert add_working_days(wednesday, 1) == datetime.datetime(
            2026, 5, 4, 9, 0, tzinfo=datetime.UTC
        )
        # Tết 2026 (from the calendar): Friday 13/02 + 5 working days skips 16–20/02
        before_tet = datetime.datetime(2026, 2, 13, 9, 0, tzinfo=datetime.UTC)
        assert add_working_days(before_tet, 5) == datetime.datetime(
            2026, 2, 27, 9, 0, tzinfo=datetime.UTC
        )
        # Hùng Kings on Sunday 26/04/2026 gives a compensatory Monday 27/04
        assert not is_working_day(datetime.date(2026, 4, 27))
        assert is_working_day(datetime.date(2026, 4, 28))
        # 2/9/2029 is a Sunday: Monday 3/9 is off; an announced day is read from the table
        assert not is_working_day(datetime.date(2029, 9, 3))
        assert is_working_day(datetime.date(2027, 3, 8))
        PublicHoliday.objects.create(date=datetime.date(2027, 3, 8), name="Nghỉ hoán đổi")
        assert not is_working_day(datetime.date(2027, 3, 8))

    def test_working_days_are_counted_in_vietnam_time(self):
        # 23:00 UTC on 29/04 is 06:00 on Thursday 30/04 in Vietnam: the next working day
        # there is Monday 04/05 (01/05 is a holiday too), 03/05 23:00 UTC
        late = datetime.datetime(2026, 4, 29, 23, 0, tzinfo=datetime.UTC)  # Thu 06:00 in VN
        assert add_working_days(late, 1) == datetime.datetime(
            2026, 5, 3, 23, 0, tzinfo=datetime.UTC
        )
