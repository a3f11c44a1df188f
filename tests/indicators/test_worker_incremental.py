"""A worker cycle writes and re-suppresses only the versions whose cells changed: the others'
rows are left as they are (same ids, same flags), and the result is the one a recompute of every
version gives. A version left "pending" by an interrupted cycle is redone even when its figures
did not change."""

from __future__ import annotations

import pytest

from gbvms.indicators import compute
from gbvms.indicators.models import DirtyKey, IndicatorValue
from gbvms.indicators.periods import suppression_keys
from gbvms.indicators.worker import current_versions, process_pending
from tests.indicators.engine_data import open_case, serve

STATE = ("version__indicator__code", "unit_path", "period", "disagg", "n", "d", "value",
         "hidden", "hidden_reason")  # fmt: skip


def state():
    return sorted(IndicatorValue.objects.values_list(*STATE), key=repr)


def served_pending():
    """Served cells still waiting for their suppression pass (months stay pending: they are
    served to exact audiences only, the suppression leaves them alone)."""
    return IndicatorValue.objects.filter(
        hidden_reason="pending", period__in=suppression_keys(2026)
    ).exists()


def ids_by_code():
    out: dict[str, set[int]] = {}
    for code, pk in IndicatorValue.objects.values_list("version__indicator__code", "pk"):
        out.setdefault(code, set()).add(pk)
    return out


@pytest.fixture
def computed(personas, commune_a, commune_b, agencies):
    w = personas["worker_a"]
    cases = [open_case(w, commune_a, birth_year=1980 + i) for i in range(7)]
    cases += [open_case(personas["worker_b"], commune_b) for _ in range(6)]
    serve(w, cases[0], agencies["a"], hours=2)
    process_pending()
    assert not DirtyKey.objects.exists()
    return cases


def everything_again(keys):
    """What a cycle that rewrites every version gives for ``keys``."""
    IndicatorValue.objects.update(hidden_reason="pending")
    compute.recompute(keys, current_versions())


@pytest.mark.django_db
def test_a_service_rewrites_the_changed_versions_only(computed, personas, commune_a, agencies):
    before = ids_by_code()
    r02_before = IndicatorValue.objects.get(
        version__indicator__code="R02", version__status="current", unit_path=commune_a.path,
        period="2026", disagg="",
    )  # fmt: skip
    serve(personas["worker_a"], computed[1], agencies["a"], hours=3)  # a second case in time
    process_pending()
    after = ids_by_code()
    r02 = IndicatorValue.objects.get(
        version__indicator__code="R02", version__status="current", unit_path=commune_a.path,
        period="2026", disagg="",
    )  # fmt: skip
    assert (r02_before.n, r02.n) == (1, 2)
    assert after["R02"] != before["R02"]  # rewritten
    assert after["R01"] == before["R01"]  # the cases did not change: the same rows
    untouched = {code for code in before if after.get(code) == before[code]}
    assert len(untouched) >= len(before) // 2, untouched
    assert not served_pending()
    incremental = state()
    everything_again({(commune_a.path, 2026)})
    assert state() == incremental


@pytest.mark.django_db
def test_a_version_left_pending_is_redone(computed, commune_a):
    row = IndicatorValue.objects.filter(
        version__indicator__code="R01", unit_path=commune_a.path, period="2026", disagg=""
    )
    expected = state()
    assert row.update(hidden=True, hidden_reason="pending") == 1
    compute.recompute({(commune_a.path, 2026)}, current_versions())  # no figure changed
    assert not served_pending()
    assert state() == expected


@pytest.mark.django_db
def test_nothing_changed_nothing_written(computed, commune_a):
    before = ids_by_code()
    assert compute.recompute({(commune_a.path, 2026)}, current_versions()) == 0
    assert ids_by_code() == before
