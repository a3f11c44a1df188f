"""The definitions of REPORTING §A.1/§A.3, edge case by edge case, against hand-computed
figures: refusals, children at serious risk, one person in two communes, a case that moves
commune or period, duplicates, the AND/OR perpetrator rule, closures by closure time."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import transaction

from gbvms.cases import services, services_care, services_measures
from gbvms.cases.models import Case, Incident
from gbvms.indicators import outbox
from gbvms.indicators.models import IndicatorValue
from gbvms.indicators.worker import process_pending
from tests.indicators.engine_data import T0, open_case, serve

A, B, PROV = "/51/23293/", "/51/23401/", "/51/"


def v(code, path, period="2026", disagg=""):
    row = IndicatorValue.objects.filter(
        version__indicator__code=code, version__status="current", unit_path=path,
        period=period, disagg=disagg,
    ).values_list("n", "d").first()  # fmt: skip
    return tuple(row) if row else None


def remark(*cases):
    with transaction.atomic():
        outbox.mark_case(*[c.pk for c in cases])
    process_pending()


@pytest.fixture
def w(personas):
    return personas["worker_a"]


@pytest.mark.django_db
class TestDefinitions:
    def test_informed_refusal_leaves_coverage_denominators(self, w, commune_a, agencies):
        served, refused = open_case(w, commune_a), open_case(w, commune_a)
        serve(w, served, agencies["a"], hours=2)
        with time_machine.travel(T0 + datetime.timedelta(hours=3), tick=False):
            services_care.need_set(actor=w, case=refused, kind="health", status="declined")
        process_pending()
        assert v("R01", A) == (2, None)  # still detected
        assert v("R02", A) == (1, 1)  # but out of the denominator
        assert v("R03", A) == (1, 1)
        assert v("R04", A) == (1, 1)

    def test_a_child_at_serious_risk_has_twelve_hours(self, w, commune_a, agencies):
        child = open_case(w, commune_a, birth_year=2015)
        adult = open_case(w, commune_a)
        Case.objects.unscoped().filter(pk__in=[child.pk, adult.pk]).update(risk_level="high")
        serve(w, child, agencies["a"], hours=14)
        serve(w, adult, agencies["a"], hours=14)
        process_pending()
        assert v("R02", A) == (1, 2)  # the adult in time (24 h), the child late (12 h)
        assert v("R02", A, disagg="AGE_VN=LT16") == (0, 1)
        assert v("R12", A) == (0, 1)

    def test_one_person_in_two_communes_counts_once_above(self, w, personas, commune_a, commune_b):
        first = open_case(w, commune_a)
        second = open_case(personas["worker_b"], commune_b)
        Case.objects.unscoped().filter(pk=second.pk).update(survivor_id=first.survivor_id)
        remark(first, second)
        assert (v("R01", A), v("R01", B)) == ((1, None), (1, None))
        assert v("R01", PROV) == (1, None)  # distinct persons do not add up
        assert v("R01", "/") == (1, None)
        assert v("R01C", PROV) == (2, None)  # cases do

    def test_one_person_in_two_provinces_counts_once_in_the_nation(
        self, w, personas, commune_a, agencies
    ):
        from gbvms.geo.models import AdminUnit
        from tests.conftest import make_user

        hanoi = AdminUnit.objects.current().filter(level="commune", path__startswith="/01/").first()
        far = make_user("worker_hn", (agencies["other"], "case_worker", hanoi))
        first = open_case(w, commune_a)
        second = open_case(personas["worker_a"], commune_a)
        third = open_case(far, hanoi)
        Case.objects.unscoped().filter(pk__in=[second.pk, third.pk]).update(
            survivor_id=first.survivor_id
        )
        serve(w, first, agencies["a"], hours=30)  # late here, never served in Hà Nội
        remark(first, second, third)
        assert v("R01", PROV) == (1, None)
        assert v("R01", "/01/") == (1, None)
        assert v("R01", "/") == (1, None)
        assert v("R01C", "/") == (3, None)
        assert v("R02", "/") == (0, 1)
        assert v("R03", "/") == (1, 1)

    def test_a_case_that_moves_commune_leaves_the_old_one(self, w, commune_a, commune_b):
        case = open_case(w, commune_a)
        process_pending()
        assert (v("R01", A), v("R01", B)) == ((1, None), None)
        Incident.objects.unscoped().filter(case=case).update(unit=commune_b)
        remark(case)
        assert v("R01", A) is None  # no cell left: served as 0
        assert v("R01", B) == (1, None)
        assert v("R01", PROV) == (1, None)

    def test_a_case_that_moves_period_leaves_the_old_one(self, w, commune_a):
        case = open_case(w, commune_a)
        process_pending()
        Case.objects.unscoped().filter(pk=case.pk).update(
            detected_at=datetime.datetime(2025, 12, 20, 2, tzinfo=datetime.UTC)
        )
        remark(case)
        assert v("R01", A, "2026") is None
        assert v("R01", A, "2025") == (1, None)
        assert v("R01", A, "2025S2") == (1, None)
        # 20/12/2025 is in the cut-off year 2026 (15/12/2025–14/12/2026)
        assert v("R01", A, "2026C") == (1, None)
        assert v("R01", A, "2026S1C") == (1, None)

    def test_duplicates_and_non_gbv_are_left_out(self, w, commune_a):
        original, copy = open_case(w, commune_a), open_case(w, commune_a)
        open_case(w, commune_a, answers={q: False for q in [
            "rape", "sexual_assault", "physical_assault", "forced_marriage",
            "denial_of_resources", "psychological_abuse"]})  # fmt: skip
        Case.objects.unscoped().filter(pk=copy.pk).update(duplicate_of=original)
        remark(copy)
        assert v("R01C", A) == (1, None)

    @pytest.mark.parametrize(
        ("kinds", "r07", "r08"),
        [
            ([], (0, 1), (0, 1)),
            (["counselling"], (0, 1), (1, 1)),
            (["counselling", "community_criticism"], (1, 1), (1, 1)),
            (["counselling", "criminal"], (1, 1), (0, 0)),
        ],
    )
    def test_perpetrators_counselled_and_handled(self, w, commune_a, kinds, r07, r08):
        case = open_case(w, commune_a, relationships=())
        with time_machine.travel(T0 + datetime.timedelta(days=2), tick=False):
            perp = services.perpetrator_add(actor=w, case=case, relationship="intimate_partner",
                                            sex="male", age_group="26-40")  # fmt: skip
            for kind in kinds:
                services_measures.intervention_record(
                    actor=w, case=case, kind=kind, done_on=datetime.date(2026, 2, 3),
                    perpetrator=perp,
                )  # fmt: skip
        process_pending()
        assert v("R06", A) == (1, None)
        assert v("R06", A, disagg="AGE_P=26_40") == (1, None)
        assert (v("R07", A), v("R08", A)) == (r07, r08)

    def test_closures_count_in_the_period_they_close(self, w, personas, commune_a, agencies):
        case = open_case(w, commune_a)
        serve(w, case, agencies["a"], hours=1)
        Case.objects.unscoped().filter(pk=case.pk).update(
            status="closed", closure_reason="needs_met",
            closed_at=datetime.datetime(2026, 8, 1, 2, tzinfo=datetime.UTC),
        )  # fmt: skip
        remark(case)
        assert v("R15", A, "2026S2") == (1, 1)
        assert v("R15", A, "2026S1") is None  # detected in S1, closed in S2
        assert v("R01", A, "2026S1") == (1, None)

    def test_domestic_violence_incidents_by_form(self, w, commune_a):
        case = open_case(w, commune_a)
        Incident.objects.unscoped().filter(case=case).update(
            dv_relationship="family", violence_forms=["the_chat", "tinh_than"]
        )
        remark(case)
        assert v("R13", A) == (1, None)  # one incident (vụ), two forms
        assert v("R13", A, disagg="DVFORM=THANTHE") == (1, None)
        assert v("R13", A, disagg="DVFORM=TINHTHAN") == (1, None)
        assert v("R13", A, disagg="DVFORM=KINHTE") is None
