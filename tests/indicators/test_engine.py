"""The engine end to end (services → outbox → facts → cells), against hand-computed figures."""

from __future__ import annotations

import pytest

from gbvms.indicators.models import DirtyCase, IndicatorValue
from gbvms.indicators.worker import process_pending
from tests.indicators.engine_data import LATER, NON_GBV, open_case, serve


def cell(code, path, period, disagg=""):
    return IndicatorValue.objects.filter(
        version__indicator__code=code, version__status="current", unit_path=path,
        period=period, disagg=disagg,
    ).values_list("n", "d", "value").first()  # fmt: skip


@pytest.mark.django_db
class TestEngine:
    def test_cases_counted_in_their_commune_province_and_nation(
        self, personas, commune_a, commune_b, agencies
    ):
        w = personas["worker_a"]
        c1 = open_case(w, commune_a)
        c2 = open_case(w, commune_a, birth_year=2014)
        open_case(personas["worker_b"], commune_b)
        open_case(w, commune_a, answers=NON_GBV)  # not GBV: out
        serve(w, c1, agencies["a"], hours=3)  # in time
        serve(w, c2, agencies["a"], hours=30)  # late
        assert DirtyCase.objects.count() == 4
        process_pending()
        assert DirtyCase.objects.count() == 0
        a, b, prov = commune_a.path, commune_b.path, "/51/"
        assert cell("R01", a, "2026") == (2, None, 2.0)
        assert cell("R01", a, "2026S1") == (2, None, 2.0)
        assert cell("R01", a, "202602") == (2, None, 2.0)
        assert cell("R01", b, "2026") == (1, None, 1.0)
        assert cell("R01", prov, "2026") == (3, None, 3.0)
        assert cell("R01", "/", "2026") == (3, None, 3.0)
        assert cell("R01C", prov, "2026") == (3, None, 3.0)
        assert cell("R01", a, "2026", "AGE_VN=LT16") == (1, None, 1.0)
        assert cell("R02", a, "2026") == (1, 2, 50.0)
        assert cell("R02", prov, "2026") == (1, 3, pytest.approx(33.3333))
        assert cell("R09", a, "2026")[1:] == (2, 16.5)

    def test_later_change_moves_figures(self, personas, commune_a, agencies):
        w = personas["worker_a"]
        c1 = open_case(w, commune_a)
        process_pending()
        assert cell("R02", commune_a.path, "2026") == (0, 1, 0.0)
        serve(w, c1, agencies["a"], hours=2)
        process_pending()
        assert cell("R02", commune_a.path, "2026") == (1, 1, 100.0)
        assert LATER


@pytest.mark.django_db
def test_a_time_bounded_run_queues_the_next_one(personas, commune_a):
    from django_tasks_db.models import DBTaskResult

    open_case(personas["worker_a"], commune_a)
    DBTaskResult.objects.all().delete()
    assert process_pending(max_seconds=0) == {"cases": 0, "keys": 0}
    assert DirtyCase.objects.count() == 1  # nothing done yet…
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # …but a run is queued


@pytest.mark.django_db
def test_recompute_command_works_the_outbox_down(personas, commune_a):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    open_case(personas["worker_a"], commune_a)
    DBTaskResult.objects.all().delete()
    call_command("recompute_indicators", "--enqueue")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("recompute_indicators")
    assert DirtyCase.objects.count() == 0
    assert cell("R01", commune_a.path, "2026") == (1, None, 1.0)
