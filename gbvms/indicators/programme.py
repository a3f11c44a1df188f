"""The programme indicators P01–P09 (REPORTING §A.4): cells computed from the delivery records
(read through ``gbvms.programme.aggregates``), stored as ``IndicatorValue`` rows like the
response indicators, with the same freshness (the worker handles the outbox's "programme"
keys) and the same readers (dashboard, values API, exports, targets).

- Periods: the year and its half-years (``2026``, ``2026S1``, ``2026S2``). P01's and P07's
  denominators are the year's (the requirements, the allocation) in a half-year too. Status on
  a date (P03, P04) is read on the period's last day.
- Levels: every input belongs to one unit (a commune, or a province for province-level
  delivery), and every definition adds up: a commune's cell is its own records; a province's
  is the sum of its communes' and its own; the nation's the sum of all. Ratios are computed
  after summing (never averaged).
- No suppression: these are counts of activities, models, recommendations, budget and
  facilities, and participant counts typed in by the recording agency; no person is behind a
  cell, so there is nothing a small cell could reveal. Cells are stored with
  ``hidden=False``.
- P09's denominator is an external figure (``ExternalValue``, role "denominator", yearly),
  applied when the value is read, as for R05; without one only the numerator is shown.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max

from gbvms.indicators import periods
from gbvms.indicators.compute import Cells, store
from gbvms.indicators.models import IndicatorValue, IndicatorVersion
from gbvms.programme import aggregates

SOURCE = "programme"
NATION = "/"
PERIOD_SUFFIXES = ("", "S1", "S2")
Acc = dict[tuple[str, str, str, str], list[Any]]  # (code, unit path, period, disagg) → [n, d]


def current_versions() -> list[IndicatorVersion]:
    return list(
        IndicatorVersion.objects.filter(status="current", indicator__source=SOURCE)
        .select_related("indicator")
        .order_by("indicator__order")
    )


def depth(path: str) -> int:
    return len([p for p in path.split("/") if p])


def level_of(path: str) -> str:
    return {0: "national", 1: "province"}.get(depth(path), "commune")


def _targets(path: str) -> list[str]:
    """The cells an input placed in ``path`` counts in: itself, its province, the nation."""
    if depth(path) == 0:
        return [NATION]
    if depth(path) == 1:
        return [path, NATION]
    return [path, aggregates.province_of(path), NATION]


def _add(acc: Acc, code: str, period: str, path: str, n: int, d: int | None,
         disagg: str = "") -> None:  # fmt: skip
    for target in _targets(path):
        cell = acc.setdefault((code, target, period, disagg), [0, None])
        cell[0] += n
        if d is not None:
            cell[1] = (cell[1] or 0) + d


def _p01(acc: Acc, period: str, required: set[tuple[str, str]],
         trained: set[tuple[str, str]]) -> None:  # fmt: skip
    for path, group in required:
        _add(acc, "P01", period, path, int((path, group) in trained), 1)


def _window(acc: Acc, year: int, period: periods.Period, communes: list[str],
            required: set[tuple[str, str]]) -> None:  # fmt: skip
    key, start, end = period.key, period.start, period.end
    _p01(acc, key, required, aggregates.trained_pairs(start, end))
    for (path, sex, group, level), n in aggregates.participants(start, end).items():
        for disagg in ("", f"SEX={sex}", f"TGROUP={group}", f"TLEVEL={level}",
                       f"SEX={sex};TGROUP={group}"):  # fmt: skip
            _add(acc, "P02", key, path, n, None, disagg)
    with_model: set[str] = set()
    for (path, kind), n in aggregates.running_models(end).items():
        _add(acc, "P03", key, path, n, None)
        _add(acc, "P03", key, path, n, None, f"MKIND={kind}")
        with_model.add(path)
    for path in communes:
        _add(acc, "P04", key, path, int(path in with_model), 1)
    for (path, kind), n in aggregates.communication_events(start, end).items():
        _add(acc, "P05", key, path, n, None)
        _add(acc, "P05", key, path, n, None, f"EKIND={kind}")
    for path, (n, d) in aggregates.recommendations(start, end).items():
        _add(acc, "P06", key, path, n, d)
    for (path, source), (n, d) in aggregates.budget(year, start, end).items():
        _add(acc, "P07", key, path, n, d)
        _add(acc, "P07", key, path, n, d, f"FUND={source}")
    for path, (n, d) in aggregates.social_assistance_providers(start, end).items():
        _add(acc, "P08", key, path, n, d)
    for path, n in aggregates.dv_workers_trained(start, end).items():
        _add(acc, "P09", key, path, n, None)


def compute_year(year: int, provinces: Iterable[str] = ()) -> Acc:
    """Every programme cell of ``year`` (nation-wide: the inputs are small). Totals of the
    nation and of ``provinces`` are present even when zero."""
    acc: Acc = {}
    communes = aggregates.current_units("commune")
    required = aggregates.required_pairs(year)
    codes = [f"P0{i}" for i in range(1, 10)]
    ratio = {"P01", "P04", "P06", "P07", "P08"}
    for suffix in PERIOD_SUFFIXES:
        period = periods.parse(f"{year}{suffix}")
        for path in [NATION, *provinces]:
            for code in codes:
                acc.setdefault((code, path, period.key, ""), [0, 0 if code in ratio else None])
        _window(acc, year, period, communes, required)
    return acc


def _cells(acc: Acc, versions: list[IndicatorVersion], paths: set[str]) -> Cells:
    by_code = {v.indicator.code: v for v in versions}
    cells = Cells()
    for (code, path, period, disagg), (n, d) in acc.items():
        if path in paths and code in by_code:
            cells.put(by_code[code], path, period, disagg, n, d)
    return cells


def _stored_paths(versions: list[IndicatorVersion], year: int, level: str,
                  prefix: str = "") -> set[str]:  # fmt: skip
    qs = IndicatorValue.objects.filter(
        version__in=versions, level=level, period__in=periods.year_keys(year)
    )
    if prefix:
        qs = qs.filter(unit_path__startswith=prefix)
    return set(qs.values_list("unit_path", flat=True).distinct())


def _store(acc: Acc, versions: list[IndicatorVersion], year: int, level: str,
           units: set[str]) -> int:  # fmt: skip
    """Replace the cells of ``units`` (of ``level``) with those in ``acc``, shown (not
    suppressed: see the module docstring)."""
    with transaction.atomic():
        written = store(_cells(acc, versions, units), versions, sorted(units), year, level)
        IndicatorValue.objects.filter(
            version__in=versions, level=level, period__in=periods.year_keys(year),
            unit_path__in=sorted(units), hidden=True,
        ).update(hidden=False, hidden_reason="")  # fmt: skip
    return written


def _store_province(acc: Acc, versions: list[IndicatorVersion], year: int, prov: str) -> int:
    communes = {path for (_c, path, _p, _d) in acc if depth(path) >= 2 and path.startswith(prov)}
    communes |= _stored_paths(versions, year, "commune", prov)
    written = _store(acc, versions, year, "commune", communes)
    return written + _store(acc, versions, year, "province", {prov})


def recompute(keys: Iterable[tuple[str, int]],
              versions: list[IndicatorVersion] | None = None) -> int:  # fmt: skip
    """The worker's part: for each (unit path, year) key, the cells of that unit's province
    (its communes and itself) and of the nation, for the year and its half-years. A national
    key ("/") recomputes every province."""
    versions = current_versions() if versions is None else versions
    if not versions:
        return 0
    by_year: dict[int, set[str]] = defaultdict(set)
    for path, year in keys:
        by_year[int(year)].add(aggregates.province_of(path))
    written = 0
    for year, provinces in sorted(by_year.items()):
        if NATION in provinces:
            provinces = _all_provinces(versions, year)
        acc = compute_year(year, provinces)
        for prov in sorted(provinces):
            written += _store_province(acc, versions, year, prov)
        written += _store(acc, versions, year, "national", {NATION})
    return written


def _all_provinces(versions: list[IndicatorVersion], year: int) -> set[str]:
    return set(aggregates.current_units("province")) | _stored_paths(versions, year, "province")


def rebuild_values(versions: list[IndicatorVersion], years: Iterable[int]) -> int:
    """Every programme cell of ``versions`` for ``years`` (the full rebuild)."""
    written = 0
    for year in sorted(set(years)):
        provinces = _all_provinces(versions, year)
        acc = compute_year(year, provinces)
        communes = {path for (_c, path, _p, _d) in acc if depth(path) >= 2}
        communes |= _stored_paths(versions, year, "commune")
        written += _store(acc, versions, year, "commune", communes)
        written += _store(acc, versions, year, "province", provinces)
        written += _store(acc, versions, year, "national", {NATION})
    return written


def new_versions(codes: list[str] | None,
                 params: dict[str, dict[str, Any]]) -> list[IndicatorVersion]:  # fmt: skip
    made = []
    for current in current_versions():
        if codes and current.indicator.code not in codes:
            continue
        top = IndicatorVersion.objects.filter(indicator=current.indicator).aggregate(
            m=Max("number")
        )["m"]
        IndicatorVersion.objects.filter(indicator=current.indicator, status="building").delete()
        made.append(IndicatorVersion.objects.create(
            indicator=current.indicator, number=(top or 0) + 1,
            params={**current.params, **params.get(current.indicator.code, {})},
            numerator=current.numerator, denominator=current.denominator, status="building",
        ))  # fmt: skip
    return made


def rebuild(*, codes: list[str] | None = None, from_year: int | None = None,
            params: dict[str, dict[str, Any]] | None = None,
            today: datetime.date | None = None) -> list[IndicatorVersion]:  # fmt: skip
    """New versions of the programme indicators (all, or those in ``codes``) computed from the
    records; the caller switches them current with the response ones
    (``gbvms.indicators.rebuild.rebuild``). Years before ``from_year`` are carried over."""
    from gbvms.indicators.rebuild import _copy_before

    versions = new_versions(codes, params or {})
    if not versions:
        return []
    years = [y for y in aggregates.years_with_records(today) if from_year is None or y >= from_year]
    if from_year is not None:
        _copy_before(versions, from_year)
    rebuild_values(versions, years)
    return versions
