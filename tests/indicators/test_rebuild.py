"""rebuild_indicators: new versions switched atomically, old ones readable; the audit."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from gbvms.indicators.models import Fact, Indicator, IndicatorValue, IndicatorVersion
from gbvms.indicators.worker import process_pending
from tests.indicators.engine_data import open_case, serve


def r02(path, status="current"):
    return IndicatorValue.objects.filter(
        version__indicator__code="R02", version__status=status, unit_path=path, period="2026",
        disagg="",
    ).values_list("version__number", "n", "d").first()  # fmt: skip


@pytest.mark.django_db
class TestRebuild:
    def test_parameter_change_is_a_new_version_and_old_values_stay(
        self, personas, commune_a, agencies, capsys
    ):
        w = personas["worker_a"]
        fast, slow = open_case(w, commune_a), open_case(w, commune_a)
        serve(w, fast, agencies["a"], hours=3)
        serve(w, slow, agencies["a"], hours=20)
        process_pending()
        assert r02(commune_a.path) == (1, 2, 2)  # both within 24 h
        call_command("rebuild_indicators", "--indicator", "R02", "--param", "R02.in_time_hours=12")
        out = capsys.readouterr().out
        assert "R02 v2" in out
        assert "[####" in out
        assert r02(commune_a.path) == (2, 1, 2)  # only the 3-hour one within 12 h
        assert r02(commune_a.path, "retired") == (1, 2, 2)  # version 1 still readable
        v2 = IndicatorVersion.objects.get(indicator__code="R02", status="current")
        assert v2.params["in_time_hours"] == 12
        assert IndicatorVersion.objects.get(indicator__code="R01", status="current").number == 1

    def test_full_rebuild_equals_incremental(self, personas, commune_a, commune_b, agencies):
        w = personas["worker_a"]
        for hours in (1, 5, 30):
            serve(w, open_case(w, commune_a), agencies["a"], hours=hours)
        open_case(personas["worker_b"], commune_b)
        process_pending()
        before = set(IndicatorValue.objects.filter(version__status="current").values_list(
            "version__indicator__code", "unit_path", "period", "disagg", "n", "d"))  # fmt: skip
        Fact.objects.all().delete()
        call_command("rebuild_indicators")
        after = set(IndicatorValue.objects.filter(version__status="current").values_list(
            "version__indicator__code", "unit_path", "period", "disagg", "n", "d"))  # fmt: skip
        assert before == after
        assert IndicatorVersion.objects.filter(status="current", number=2).count() == (
            Indicator.objects.count()
        )

    def test_audit_finds_a_tampered_cell(self, personas, commune_a, agencies, capsys):
        w = personas["worker_a"]
        serve(w, open_case(w, commune_a), agencies["a"], hours=1)
        process_pending()
        call_command("audit_indicators", "--sample", "5")
        assert "no mismatch" in capsys.readouterr().out
        IndicatorValue.objects.filter(
            version__indicator__code="R01", unit_path=commune_a.path, period="2026", disagg=""
        ).update(n=7)
        with pytest.raises(CommandError, match="differ"):
            call_command("audit_indicators", "--sample", "5")
        assert "stored (7, None) raw (1, None)" in capsys.readouterr().err

    def test_unknown_indicator_and_bad_param(self):
        with pytest.raises(CommandError, match="unknown indicator"):
            call_command("rebuild_indicators", "--indicator", "R99")
        with pytest.raises(CommandError, match=r"CODE\.NAME=VALUE"):
            call_command("rebuild_indicators", "--param", "nonsense")


@pytest.mark.django_db
def test_the_rebuilds_single_solve_gives_the_pattern_of_a_pass_per_province(
    personas, commune_a, commune_b, other_province, agencies
):
    """The full rebuild suppresses every cell of a version and year in one solve
    (``suppression.EVERYWHERE``): the same flags as a pass for the nation then each province
    (what the worker does), and the exact audit finds nothing disclosed."""
    from django.db.models import Q

    from gbvms.geo.models import AdminUnit
    from gbvms.indicators import suppression
    from tests.conftest import make_agency, make_user

    hanoi = AdminUnit.objects.filter(level="commune", path__startswith=other_province.path,
                                     valid_to__isnull=True).order_by("code").first()  # fmt: skip
    hanoi_worker = make_user("hn_worker", (make_agency("UBND HN", hanoi), "case_worker", hanoi))
    w = personas["worker_a"]
    for hours in (1, 5, 30, 2, 3, 4):
        serve(w, open_case(w, commune_a), agencies["a"], hours=hours)
    open_case(personas["worker_b"], commune_b)
    for _ in range(6):
        open_case(hanoi_worker, hanoi)
    process_pending()
    call_command("rebuild_indicators")
    flags = lambda: set(IndicatorValue.objects.filter(version__status="current").values_list(  # noqa: E731
        "version_id", "unit_path", "period", "disagg", "hidden", "hidden_reason"))  # fmt: skip
    single = flags()
    assert any(row[4] and row[5] == "primary" for row in single)
    assert any(not row[4] for row in single)
    provinces = sorted({row[1] for row in single if row[1].count("/") == 2})
    assert len(provinces) == 2
    for version in IndicatorVersion.objects.filter(status="current").select_related("indicator"):
        IndicatorValue.objects.filter(version=version).update(hidden=True, hidden_reason="pending")
        for path in [None, *provinces]:
            suppression.suppress_family(version, path, 2026)
        rows = suppression._load(version, suppression.suppression_keys(2026), Q())
        kind = version.indicator.kind
        cells = {(r.unit_path, r.period, r.disagg): suppression._cell(r, kind) for r in rows}
        _lines, _groups, audit = suppression.family_lines(cells.keys(), 2026, provinces)
        hidden = {(r.unit_path, r.period, r.disagg) for r in rows if r.hidden}
        assert not suppression.disclosed(cells, audit, hidden), version
    assert flags() == single
