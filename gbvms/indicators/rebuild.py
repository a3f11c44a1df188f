"""The full rebuild into new versions, switched atomically (the programme indicators too,
from the delivery records: ``gbvms.indicators.programme.rebuild``), and the audit of a random
sample of cells against the raw case rows."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Max, Q
from django.utils import timezone

from gbvms.cases.models import Case
from gbvms.indicators import compute, outbox, programme
from gbvms.indicators.facts import facts_refresh
from gbvms.indicators.models import DirtyCase, DirtyKey, Fact, IndicatorValue, IndicatorVersion
from gbvms.indicators.worker import current_versions

Progress = Callable[[int, int, str], None]
CHUNK = 2000


def facts_rebuild_all(progress: Progress) -> int:
    """Rebuild the facts of every case, in chunks of whole cases (a chunk is one transaction)."""
    ids = list(Case.objects.unscoped().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            facts_refresh(ids[start : start + CHUNK])
        progress(min(start + CHUNK, len(ids)), len(ids), "facts")
    with transaction.atomic():  # facts of cases that no longer exist
        Fact.objects.exclude(case_id__in=Case.objects.unscoped().values("pk")).delete()
    return len(ids)


def fact_years() -> list[int]:
    years = {int(y) for y in Fact.objects.values_list("y", flat=True).distinct()}
    years |= {int(y[:4]) for y in Fact.objects.values_list("yc", flat=True).distinct()}
    return sorted(years)


def new_versions(
    codes: list[str] | None, params: dict[str, dict[str, Any]]
) -> list[IndicatorVersion]:
    made = []
    for current in current_versions():
        if codes and current.indicator.code not in codes:
            continue
        top = IndicatorVersion.objects.filter(indicator=current.indicator).aggregate(
            m=Max("number")
        )
        IndicatorVersion.objects.filter(indicator=current.indicator, status="building").delete()
        made.append(IndicatorVersion.objects.create(
            indicator=current.indicator, number=(top["m"] or 0) + 1,
            params={**current.params, **params.get(current.indicator.code, {})},
            numerator=current.numerator, denominator=current.denominator, status="building",
        ))  # fmt: skip
    for version in made:
        version.indicator = version.indicator  # keep the select_related object
    return made


def _copy_before(versions: list[IndicatorVersion], year: int) -> None:
    """Values of years before ``year`` are carried over from the current versions: one
    ``INSERT … SELECT`` per version, inside the database (no row comes through Python)."""
    connection = connections[router.db_for_write(IndicatorValue)]
    qn = connection.ops.quote_name
    meta, vmeta = IndicatorValue._meta, IndicatorVersion._meta
    kept = [f.column for f in meta.concrete_fields if f.name not in {"id", "version"}]
    version_col, period_col = (qn(meta.get_field(name).column) for name in ("version", "period"))
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({version_col}, {', '.join(map(qn, kept))}) "  # noqa: S608 (names from _meta)
        f"SELECT %s, {', '.join(f'c.{qn(col)}' for col in kept)} "
        f"FROM {qn(meta.db_table)} c INNER JOIN {qn(vmeta.db_table)} v "
        f"ON c.{version_col} = v.{qn(vmeta.pk.column)} "
        f"WHERE v.{qn(vmeta.get_field('indicator').column)} = %s "
        f"AND v.{qn(vmeta.get_field('status').column)} = %s AND c.{period_col} < %s"
    )
    with connection.cursor() as cursor:
        for version in versions:
            cursor.execute(sql, [version.pk, version.indicator_id, "current", str(year)])


@transaction.atomic
def switch(versions: list[IndicatorVersion]) -> None:
    """The new versions become current at once; the old ones stay readable, retired."""
    now = timezone.now()
    for version in versions:
        IndicatorVersion.objects.filter(indicator=version.indicator, status="current").update(
            status="retired"
        )
        IndicatorVersion.objects.filter(pk=version.pk).update(status="current", activated_at=now)


def rebuild(*, codes: list[str] | None = None, from_year: int | None = None,
            params: dict[str, dict[str, Any]] | None = None,
            progress: Progress = lambda _d, _t, _m: None) -> list[IndicatorVersion]:  # fmt: skip
    started = timezone.now()
    facts_rebuild_all(progress)
    versions = new_versions(codes, params or {})
    years = [y for y in fact_years() if from_year is None or y >= from_year]
    if from_year is not None:
        _copy_before(versions, from_year)
    for index, year in enumerate(years, 1):
        compute.rebuild_values(versions, [year])
        progress(index, len(years), f"values {year}")
    # the programme indicators (P01–P09) from the delivery records, switched with the others
    versions += programme.rebuild(codes=codes, from_year=from_year, params=params)
    progress(len(years), len(years), "programme values")
    switch(versions)
    # a case changed while the rebuild ran is computed again into the new versions
    changed = Case.objects.unscoped().filter(updated_at__gte=started).values_list("pk", flat=True)
    with transaction.atomic():
        outbox.mark_case(*changed)
    return versions


@dataclass
class AuditResult:
    cells: int = 0
    mismatches: list[str] = field(default_factory=list)


class _RollbackError(Exception):
    pass


def _stored(version_ids: list[int], leaf: str, year: int) -> dict[tuple, tuple]:
    from gbvms.indicators import periods

    rows = IndicatorValue.objects.filter(
        version_id__in=version_ids, unit_path=leaf, period__in=periods.year_keys(year)
    ).values_list("version_id", "period", "disagg", "n", "d")
    return {(v, p, dg): (n, d) for v, p, dg, n, d in rows if dg == "" or n or d}


def audit(sample: int = 20, seed: int | None = None) -> AuditResult:
    """Recompute ``sample`` random (commune, year) leaves from the raw case rows (facts rebuilt
    inside a transaction that is rolled back) and compare with the stored cells."""
    rng = random.Random(seed)  # noqa: S311 (sampling, not security)
    leaves = list(Fact.objects.values_list("unit_path", "y").distinct())
    result = AuditResult()
    versions = current_versions()
    ids = [v.pk for v in versions]
    pending = set(DirtyKey.objects.values_list("unit_path", "year"))
    if DirtyCase.objects.exists():  # the outbox is not empty: audit only settled leaves
        pending |= set(
            Fact.objects.filter(case_id__in=DirtyCase.objects.values("case_id"))
            .values_list("unit_path", "y")
            .distinct()
        )
    leaves = [(leaf, y) for leaf, y in leaves if (leaf, int(y)) not in pending
              and (leaf, y) not in pending]  # fmt: skip
    for leaf, year in rng.sample(leaves, min(sample, len(leaves))):
        stored = _stored(ids, leaf, int(year))
        try:
            with transaction.atomic():
                cases = (
                    Case.objects.unscoped()
                    .filter(Q(unit__path=leaf) | Q(incidents__unit__path=leaf))
                    .values_list("pk", flat=True)
                    .distinct()
                )
                facts_refresh(list(cases))
                cells = compute.compute(versions, Q(unit_path=leaf), int(year), leaf)
                fresh = {(v, p, dg): (n, d) for (v, _u, p, dg), (n, d, _x, _y)
                         in cells.rows.items() if dg == "" or n or d}  # fmt: skip
                raise _RollbackError
        except _RollbackError:
            pass
        result.cells += len(fresh)
        for key in sorted(set(stored) | set(fresh), key=str):
            if stored.get(key) != fresh.get(key):
                what = f"{leaf} {key[1]} {key[2] or 'total'} v{key[0]}"
                result.mismatches.append(f"{what}: stored {stored.get(key)} raw {fresh.get(key)}")
    return result
