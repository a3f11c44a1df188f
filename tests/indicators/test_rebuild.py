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
