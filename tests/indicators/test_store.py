"""``compute.store`` and ``rebuild._copy_before`` as set-based writes: exactly the cells given,
the old ones replaced, zero breakdown cells left out, the caller's transaction, the unique
constraint, and the same rows as the former model-instance implementations (kept below as
references)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from gbvms.indicators import compute, periods, rebuild
from gbvms.indicators.compute import Cells
from gbvms.indicators.models import IndicatorValue, IndicatorVersion
from gbvms.indicators.worker import current_versions, process_pending
from tests.indicators.engine_data import open_case, serve

NOW = datetime.datetime(2026, 12, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)
COLUMNS = ("version_id", "unit_path", "level", "period", "disagg", "n", "d", "value", "p90",
           "hidden", "hidden_reason", "computed_at")  # fmt: skip


def reference_store(cells, versions, units, year, level):
    """The former ``store``: delete, then ``bulk_create`` of model instances."""
    now = timezone.now()
    version_ids = [v.pk for v in versions]
    old = IndicatorValue.objects.filter(
        version_id__in=version_ids, level=level, period__in=periods.year_keys(year)
    )
    if units is not None:
        old = old.filter(unit_path__in=list(units))
    old.delete()
    new = [
        IndicatorValue(version_id=vid, unit_path=path, level=level, period=period, disagg=disagg,
                       n=n, d=d, value=value, p90=p90, computed_at=now, hidden=True,
                       hidden_reason="pending")
        for (vid, path, period, disagg), (n, d, value, p90) in cells.rows.items()
        if vid in version_ids and (disagg == "" or n or d)
    ]  # fmt: skip
    IndicatorValue.objects.bulk_create(new, batch_size=2000)
    return len(new)


def reference_copy_before(versions, year):
    """The former ``_copy_before``: rows through model instances."""
    for version in versions:
        old = IndicatorValue.objects.filter(
            version__indicator=version.indicator, version__status="current"
        ).exclude(period__gte=str(year))
        IndicatorValue.objects.bulk_create(
            [IndicatorValue(version=version, unit_path=c.unit_path, level=c.level,
                            period=c.period, disagg=c.disagg, n=c.n, d=c.d, value=c.value,
                            p90=c.p90, hidden=c.hidden, hidden_reason=c.hidden_reason,
                            computed_at=c.computed_at) for c in old.iterator()],
            batch_size=2000,
        )  # fmt: skip


def rows(**filters):
    """Every stored row (all columns but the id), with the Python types read back."""
    return sorted(
        (tuple((type(x).__name__, x) for x in r) for r in
         IndicatorValue.objects.filter(**filters).values_list(*COLUMNS)),
        key=repr,
    )  # fmt: skip


class _RollbackError(Exception):
    pass


def in_rollback(fn):
    """The rows ``fn`` leaves, then everything it wrote undone."""
    try:
        with transaction.atomic():
            fn()
            result = rows()
            raise _RollbackError
    except _RollbackError:
        pass
    return result


@pytest.fixture
def trio(db):
    versions = current_versions()
    count = next(v for v in versions if v.indicator.code == "R01C")
    ratio = next(v for v in versions if v.indicator.code == "R02")
    median = next(v for v in versions if v.indicator.code == "R09")
    return count, ratio, median


def sample(count, ratio, median, path="/51/a/", scale=1):
    cells = Cells()
    cells.put(count, path, "2026", "", 3 * scale, None)
    cells.put(count, path, "2026S1", "", 0, None)  # a zero total is stored
    cells.put(count, path, "202602", "SEX=F", 2 * scale, None)
    cells.put(count, path, "202602", "SEX=M", 0, None)  # a zero breakdown is not
    cells.put(ratio, path, "2026", "", Decimal(2 * scale), Decimal(3 * scale))  # PostgreSQL SUM
    cells.put(ratio, path, "2026", "AGE_VN=Y16_59;SEX=F", 0, 4)  # d alone: stored
    cells.put(ratio, path, "2026C", "SEX=F", 0, 0)  # not stored
    cells.put(ratio, path, "2026S2", "", 1, 0)  # undefined ratio: value None
    cells.put(median, path, "2026", "", None, 5, 12.5, 40.25)
    cells.put(median, path, "2026", "SEX=F", None, 1, 7.0, 7.0)
    return cells


@pytest.mark.django_db
class TestStore:
    def test_writes_exactly_the_cells_given_hidden_pending(self, trio):
        count, ratio, median = trio
        cells = sample(count, ratio, median)
        cells.rows[(10**9, "/51/a/", "2026", "")] = (1, None, 1.0, None)  # not in versions
        with time_machine.travel(NOW, tick=False):
            written = compute.store(cells, trio, ["/51/a/"], 2026, "commune")
        assert written == 8
        got = set(IndicatorValue.objects.values_list(*COLUMNS))
        t = NOW
        assert got == {
            (count.pk, "/51/a/", "commune", "2026", "", 3, None, 3.0, None, True, "pending", t),
            (count.pk, "/51/a/", "commune", "2026S1", "", 0, None, 0.0, None, True, "pending", t),
            (
                count.pk,
                "/51/a/",
                "commune",
                "202602",
                "SEX=F",
                2,
                None,
                2.0,
                None,
                True,
                "pending",
                t,
            ),
            (ratio.pk, "/51/a/", "commune", "2026", "", 2, 3, 66.6667, None, True, "pending", t),
            (
                ratio.pk,
                "/51/a/",
                "commune",
                "2026",
                "AGE_VN=Y16_59;SEX=F",
                0,
                4,
                0.0,
                None,
                True,
                "pending",
                t,
            ),
            (ratio.pk, "/51/a/", "commune", "2026S2", "", 1, 0, None, None, True, "pending", t),
            (median.pk, "/51/a/", "commune", "2026", "", None, 5, 12.5, 40.25, True, "pending", t),
            (
                median.pk,
                "/51/a/",
                "commune",
                "2026",
                "SEX=F",
                None,
                1,
                7.0,
                7.0,
                True,
                "pending",
                t,
            ),
        }
        n = IndicatorValue.objects.get(version=ratio, period="2026", disagg="").n
        assert type(n) is int

    def test_replaces_the_old_cells_of_the_units_and_year_only(self, trio):
        count, ratio, median = trio
        compute.store(sample(count, ratio, median), trio, ["/51/a/"], 2026, "commune")
        compute.store(sample(count, ratio, median, "/51/b/"), trio, ["/51/b/"], 2026, "commune")
        other_year = Cells()
        other_year.put(count, "/51/a/", "2025", "", 9, None)
        compute.store(other_year, [count], ["/51/a/"], 2025, "commune")
        province = Cells()
        province.put(count, "/51/", "2026", "", 6, None)
        compute.store(province, [count], ["/51/"], 2026, "province")
        IndicatorValue.objects.filter(unit_path="/51/a/").update(hidden=False, hidden_reason="")
        again = Cells()
        again.put(count, "/51/a/", "2026", "", 4, None)
        assert compute.store(again, [count], ["/51/a/"], 2026, "commune") == 1
        a = IndicatorValue.objects.filter(unit_path="/51/a/")
        assert set(a.filter(version=count).values_list("period", "n", "hidden")) == {
            ("2026", 4, True),  # the new cell, pending
            ("2025", 9, False),  # another year: left alone
        }
        assert a.filter(version=ratio).count() == 3  # another version: left alone
        assert IndicatorValue.objects.filter(unit_path="/51/b/").count() == 8
        assert IndicatorValue.objects.get(unit_path="/51/").n == 6  # another level

    def test_every_unit_of_the_level_when_units_is_none(self, trio):
        count, ratio, median = trio
        compute.store(sample(count, ratio, median), trio, ["/51/a/"], 2026, "commune")
        compute.store(sample(count, ratio, median, "/51/b/"), trio, ["/51/b/"], 2026, "commune")
        assert compute.store(sample(count, ratio, median, "/51/c/"), trio, None, 2026,
                             "commune") == 8  # fmt: skip
        assert set(IndicatorValue.objects.values_list("unit_path", flat=True)) == {"/51/c/"}

    def test_many_rows_are_written_in_chunks(self, trio, monkeypatch):
        count = trio[0]
        monkeypatch.setattr(compute, "INSERT_CHUNK", 3)
        cells = Cells()
        for i in range(1, 11):
            cells.put(count, f"/51/{i}/", "2026", "", i, None)
        assert compute.store(cells, trio, None, 2026, "commune") == 10
        assert sorted(IndicatorValue.objects.values_list("n", flat=True)) == list(range(1, 11))

    def test_empty_cells_only_delete(self, trio):
        count, ratio, median = trio
        compute.store(sample(count, ratio, median), trio, ["/51/a/"], 2026, "commune")
        assert compute.store(Cells(), trio, ["/51/a/"], 2026, "commune") == 0
        assert not IndicatorValue.objects.exists()

    def test_rolls_back_with_the_outer_transaction(self, trio):
        count, ratio, median = trio
        compute.store(sample(count, ratio, median), trio, ["/51/a/"], 2026, "commune")
        before = rows()

        def write_then_fail():
            with transaction.atomic():
                compute.store(sample(count, ratio, median, scale=5), trio, ["/51/a/"], 2026,
                              "commune")  # fmt: skip
                assert IndicatorValue.objects.get(version=count, period="2026", disagg="").n == 15
                raise _RollbackError

        with pytest.raises(_RollbackError):
            write_then_fail()
        assert rows() == before

    def test_unique_constraint_is_enforced(self, trio):
        count, ratio, median = trio
        compute.store(sample(count, ratio, median), trio, ["/51/a/"], 2026, "commune")
        before = rows()
        # cells of /51/a/ stored as if for /51/b/ only: /51/a/'s rows are not replaced
        with pytest.raises(IntegrityError), transaction.atomic():
            compute.store(sample(count, ratio, median), trio, ["/51/b/"], 2026, "commune")
        assert rows() == before

    def test_same_rows_as_the_former_implementation(self, trio):
        count, ratio, median = trio

        def run(store):
            with time_machine.travel(NOW, tick=False):
                store(sample(count, ratio, median), trio, ["/51/a/"], 2026, "commune")
                store(sample(count, ratio, median, "/51/a/", 2), trio, ["/51/a/"], 2026,
                      "commune")  # fmt: skip
                store(sample(count, ratio, median, "/51/"), trio, None, 2026, "province")

        assert in_rollback(lambda: run(compute.store)) == in_rollback(lambda: run(reference_store))

    def test_same_rows_as_the_former_implementation_on_engine_cells(
        self, personas, commune_a, commune_b, agencies
    ):
        w = personas["worker_a"]
        for hours, birth in ((1, 1990), (5, 2012), (30, 1980), (2, 1975)):
            serve(w, open_case(w, commune_a, birth_year=birth), agencies["a"], hours=hours)
        open_case(personas["worker_b"], commune_b, sex="male")
        process_pending()
        versions = current_versions()
        IndicatorValue.objects.all().delete()

        def run(store):
            with time_machine.travel(NOW, tick=False):
                leaf = compute.compute(versions, Q(), 2026, "unit_path")
                assert len(leaf.rows) > 100
                store(leaf, versions, None, 2026, "commune")
                cells = compute.ancestor(versions, child_level="commune", child_col="unit_path",
                                         parent="/51/", scope=Q(prov="/51/"), year=2026,
                                         multi=compute.multi_persons(2026))  # fmt: skip
                store(cells, versions, ["/51/"], 2026, "province")

        new, old = (
            in_rollback(lambda: run(compute.store)),
            in_rollback(lambda: run(reference_store)),
        )
        assert len(new) > 100
        assert new == old


@pytest.mark.django_db
class TestCopyBefore:
    def test_same_rows_as_the_former_implementation(self, trio):
        count, ratio, median = trio
        with time_machine.travel(NOW - datetime.timedelta(days=400), tick=False):
            for year in (2024, 2025, 2026):
                cells = sample(count, ratio, median)
                cells.rows = {(v, p, period.replace("2026", str(year)), g): x
                              for (v, p, period, g), x in cells.rows.items()}  # fmt: skip
                compute.store(cells, trio, ["/51/a/"], year, "commune")
        IndicatorValue.objects.filter(period="2025", disagg="").update(
            hidden=False, hidden_reason=""
        )
        IndicatorValue.objects.filter(period="202402").update(hidden_reason="primary")
        building = [
            IndicatorVersion.objects.create(indicator=v.indicator, number=v.number + 1,
                                            params=v.params, status="building")
            for v in (count, ratio)
        ]  # fmt: skip
        old_ids = {count.pk, ratio.pk, median.pk}

        def copied(fn):  # the building versions' rows
            return [r for r in in_rollback(lambda: fn(building, 2026)) if r[0][1] not in old_ids]

        new, old = copied(rebuild._copy_before), copied(reference_copy_before)
        assert new == old
        periods_copied = {r[3][1] for r in new}
        assert periods_copied == {f"{y}{p}" for y in (2024, 2025) for p in ("", "S1", "S2", "02")}
        assert {r[0][1] for r in new} == {b.pk for b in building}
        assert any(r[9][1] is False for r in new)  # the hidden flags are carried over
        assert {r[11][1] for r in new} == {NOW - datetime.timedelta(days=400)}
