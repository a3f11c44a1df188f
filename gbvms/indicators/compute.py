"""Indicator values from facts: the definitions as aggregate expressions, leaf and ancestor
recomputation, roll-up of additive parts, and the full rebuild.

Every count is a count of DISTINCT items (a case with two contexts has two fact rows), so a
cell never counts an item twice. Items that belong to one commune (cases, incidents,
perpetrators, referrals, measures) add up the tree: a province's cell is the SUM of its communes'
stored cells, the nation's the sum of its provinces'. Distinct persons (one survivor may be
detected in two communes) and medians do not add up: they are recomputed from facts at each
level. Ratios are computed after aggregation, never by averaging children (REPORTING §0.1).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from gbvms.indicators import catalogue, periods, suppression
from gbvms.indicators.dimensions import breakdowns, dimension, disagg_key
from gbvms.indicators.models import Fact, IndicatorValue, IndicatorVersion

Params = dict[str, Any]


def _in_time(p: Params) -> Q:
    return Q(child_serious=False, hours__lte=p.get("in_time_hours", 24)) | Q(
        child_serious=True, hours__lte=p.get("child_serious_hours", 12)
    )


def _persons(q: Q | None = None) -> Count:
    return Count("person_id", distinct=True, filter=q)


def _items(q: Q | None = None) -> Count:
    return Count("item_id", distinct=True, filter=q)


def _r07(p: Params) -> Q:
    if p.get("rule") == "or":
        return Q(counselled=True) | Q(handled=True)
    return Q(counselled=True, handled=True)


@dataclass(frozen=True)
class Spec:
    n: Callable[[Params], Count] | None
    d: Callable[[Params], Count] | None = None
    additive: bool = True


NOT_REFUSED = Q(refused=False)
SPECS: dict[str, Spec] = {
    "R01": Spec(lambda p: _persons(), additive=False),
    "R01C": Spec(lambda p: _items()),
    "R02": Spec(lambda p: _persons(_in_time(p) & NOT_REFUSED), lambda p: _persons(NOT_REFUSED),
                additive=False),
    "R03": Spec(lambda p: _persons(Q(basic_service=True) & NOT_REFUSED),
                lambda p: _persons(NOT_REFUSED), additive=False),
    "R04": Spec(lambda p: _items(Q(need=True, served=True, refused=False)),
                lambda p: _items(Q(need=True, refused=False))),
    "R04S": Spec(lambda p: _items(Q(need=True, all_needs_met=True, refused=False)),
                 lambda p: _items(Q(need=True, refused=False))),
    "R05": Spec(lambda p: _persons(Q(self_channel=True)), additive=False),
    "R06": Spec(lambda p: _items()),
    "R07": Spec(lambda p: _items(_r07(p)), lambda p: _items()),
    "R08": Spec(lambda p: _items(Q(counselled=True, prosecuted=False)),
                lambda p: _items(Q(prosecuted=False))),
    "R09": Spec(None, additive=False),  # median: see _medians
    "R10": Spec(lambda p: _items(Q(in_deadline=True)), lambda p: _items()),
    "R11": Spec(lambda p: _items(Q(hours__lte=p.get("hours", 12))), lambda p: _items()),
    "R12": Spec(lambda p: _items(Q(child_serious=True, child_12h=True)),
                lambda p: _items(Q(child_serious=True))),
    "R13": Spec(lambda p: _items()),
    "R14": Spec(lambda p: _items()),
    "R15": Spec(lambda p: _items(Q(needs_met=True)), lambda p: _items()),
}  # fmt: skip

CALENDAR_COLS, CUTOFF_COLS = ("m", "s", "y"), ("sc", "yc")


def spec(version: IndicatorVersion) -> Spec:
    return SPECS[version.indicator.code]


def is_additive(version: IndicatorVersion) -> bool:
    code = version.indicator.code
    return code in SPECS and SPECS[code].additive


def ratio_value(kind: str, n: int | None, d: int | None) -> float | None:
    if kind in {"ratio", "external"} and d is not None:
        return round(100 * n / d, 4) if d and n is not None else None
    return float(n) if n is not None else None


@dataclass
class Cells:
    """Computed cells keyed by (version id, unit path, period, disagg) → (n, d, value, p90)."""

    rows: dict[tuple[int, str, str, str], tuple] = field(default_factory=dict)

    def put(self, version: IndicatorVersion, path: str, period: str, disagg: str,
            n: int | None, d: int | None, value: float | None = None,
            p90: float | None = None) -> None:  # fmt: skip
        if value is None and version.indicator.kind != "median":
            value = ratio_value(version.indicator.kind, n, d)
        self.rows[(version.pk, path, period, disagg)] = (n, d, value, p90)


def _combos(versions: list[IndicatorVersion]) -> dict[tuple[str, ...], list[IndicatorVersion]]:
    combos: dict[tuple[str, ...], list[IndicatorVersion]] = {(): list(versions)}
    for version in versions:
        for combo in breakdowns(version.indicator.disaggregations):
            combos.setdefault(combo, []).append(version)
    return combos


def _year_filter(year: int, cutoff: bool) -> Q:
    return Q(yc=f"{year}C") if cutoff else Q(y=str(year))


def _disagg(combo: tuple[str, ...], row: dict[str, Any]) -> str | None:
    pairs = {}
    for name in combo:
        dim = dimension(name)
        option = row[dim.column]
        if not option:
            return None  # this item has no value on this dimension
        pairs[dim.category] = option
    return disagg_key(pairs)


def _aggregate(cells: Cells, family: str, versions: list[IndicatorVersion], scope: Q,
               year: int, unit: str) -> None:  # fmt: skip
    counted = [v for v in versions if spec(v).n is not None]
    if not counted:
        return
    # ``unit``: a fixed path ("/51/"), or the fact column to group by ("unit_path", "prov")
    unit_col = [] if unit.startswith("/") else [unit]
    for cutoff, cols in ((False, CALENDAR_COLS), (True, CUTOFF_COLS)):
        base = Fact.objects.filter(scope, _year_filter(year, cutoff), family=family)
        for col in cols:
            for combo, members in _combos(counted).items():
                aggs: dict[str, Any] = {}
                for v in members:
                    aggs[f"n{v.pk}"] = spec(v).n(v.params)
                    if spec(v).d:
                        aggs[f"d{v.pk}"] = spec(v).d(v.params)
                dim_cols = [dimension(name).column for name in combo]
                rows = base.values(*unit_col, col, *dim_cols).annotate(**aggs).order_by()
                for row in rows:
                    key = _disagg(combo, row)
                    if key is None:
                        continue
                    path = row[unit] if unit_col else unit
                    for v in members:
                        d = row.get(f"d{v.pk}")
                        cells.put(v, path, row[col], key, row[f"n{v.pk}"], d)


def _medians(cells: Cells, versions: list[IndicatorVersion], scope: Q, year: int,
             unit: str) -> None:  # fmt: skip
    """R09: median and p90 of the hours from detection to first support, of cases supported."""
    for version in versions:
        combos = [(), *breakdowns(version.indicator.disaggregations)]
        for cutoff, cols in ((False, CALENDAR_COLS), (True, CUTOFF_COLS)):
            groups: dict[tuple[str, str, str], list[float]] = defaultdict(list)
            qs = Fact.objects.filter(scope, _year_filter(year, cutoff), family="case",
                                     hours__isnull=False)  # fmt: skip
            seen: set[tuple[str, int]] = set()
            for row in qs.values("item_id", "unit_path", "prov", *cols, "sex", "age", "hours"):
                path = unit if unit.startswith("/") else row[unit]
                if (path, row["item_id"]) in seen:
                    continue  # one case, several contexts: one value
                seen.add((path, row["item_id"]))
                for col in cols:
                    for combo in combos:
                        key = _disagg(combo, row)
                        if key is not None:
                            groups[(path, row[col], key)].append(row["hours"])
            for (path, period, key), values in groups.items():
                values.sort()
                p90 = values[min(len(values) - 1, round(0.9 * (len(values) - 1)))]
                cells.put(version, path, period, key, None, len(values),
                          round(statistics.median(values), 2), round(p90, 2))  # fmt: skip


def compute(versions: list[IndicatorVersion], scope: Q, year: int,
            unit: str) -> Cells:  # fmt: skip
    """Cells of ``versions`` for the facts in ``scope`` and the periods of ``year``."""
    cells = Cells()
    by_family: dict[str, list[IndicatorVersion]] = defaultdict(list)
    for version in versions:
        code = version.indicator.code
        if code == "R09":
            _medians(cells, [version], scope, year, unit)
        elif code in SPECS:
            by_family[catalogue.family(code)].append(version)
    for family, members in by_family.items():
        _aggregate(cells, family, members, scope, year, unit)
    return cells


def rollup(versions: list[IndicatorVersion], child_level: str, parent: str, year: int) -> Cells:
    """Cells of the unit at ``parent`` as sums of its children's stored cells (exact for the
    additive ones; the start of ``ancestor`` for distinct persons)."""
    cells = Cells()
    if not versions:
        return cells
    qs = IndicatorValue.objects.filter(
        version__in=versions, level=child_level, period__in=periods.year_keys(year)
    )
    by_pk = {v.pk: v for v in versions}
    if parent != "/":
        qs = qs.filter(unit_path__startswith=parent)
    rows = qs.values("version_id", "period", "disagg").annotate(n=Sum("n"), d=Sum("d"))
    for row in rows.order_by():
        cells.put(by_pk[row["version_id"]], parent, row["period"], row["disagg"],
                  row["n"], row["d"])  # fmt: skip
    return cells


MAX_MULTI = 20_000  # beyond this many people in several units, count persons from facts


def multi_persons(year: int) -> list[int] | None:
    """People with facts in more than one commune in the year (calendar or cut-off): the only
    ones a sum of children counts twice. None when there are too many to correct for."""
    qs = (
        Fact.objects.filter(Q(y=str(year)) | Q(yc=f"{year}C"), family="case")
        .values("person_id")
        .annotate(k=Count("unit_path", distinct=True))
        .filter(k__gt=1)
        .values_list("person_id", flat=True)
        .order_by()
    )
    found = list(qs[: MAX_MULTI + 1])
    return None if len(found) > MAX_MULTI else found


def _person_versions(versions: list[IndicatorVersion]) -> list[IndicatorVersion]:
    return [v for v in versions if not is_additive(v) and SPECS.get(v.indicator.code, Spec(None)).n]


def ancestor(versions: list[IndicatorVersion], *, child_level: str, child_col: str,
             parent: str, scope: Q, year: int, multi: list[int] | None,
             medians: bool = True) -> Cells:  # fmt: skip
    """The cells of an ancestor (a province over its communes, the nation over its provinces).

    Additive cells are sums of the children. Distinct persons too, corrected for the people
    counted in several children: sum(children) − (sum of those people's child counts − their
    count at the parent), computed on their facts alone. Medians come from facts.
    """
    additive = [v for v in versions if is_additive(v)]
    persons = _person_versions(versions)
    cells = rollup(additive + persons, child_level, parent, year)
    if persons and multi is None:  # too many to correct for: count from facts
        cells.rows.update(compute(persons, scope, year, parent).rows)
    elif persons and multi:
        only = scope & Q(person_id__in=multi)
        excess: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])
        for (vid, _child, period, disagg), (n, d, _v, _p) in compute(
            persons, only, year, child_col
        ).rows.items():
            excess[(vid, period, disagg)][0] += n or 0
            excess[(vid, period, disagg)][1] += d or 0
        for (vid, _path, period, disagg), (n, d, _v, _p) in compute(
            persons, only, year, parent
        ).rows.items():
            excess[(vid, period, disagg)][0] -= n or 0
            excess[(vid, period, disagg)][1] -= d or 0
        by_pk = {v.pk: v for v in persons}
        for (vid, period, disagg), (extra_n, extra_d) in excess.items():
            key = (vid, parent, period, disagg)
            if key in cells.rows and (extra_n or extra_d):
                n, d, _v, _p = cells.rows[key]
                cells.put(by_pk[vid], parent, period, disagg, (n or 0) - extra_n,
                          None if d is None else d - extra_d)  # fmt: skip
    if medians:
        cells.rows.update(compute([v for v in versions if v.indicator.code == "R09"],
                                  scope, year, parent).rows)  # fmt: skip
    return cells


# the columns ``store`` writes, in the order of its rows
STORE_FIELDS = ("version", "unit_path", "level", "period", "disagg", "n", "d", "value", "p90",
                "hidden", "hidden_reason", "computed_at")  # fmt: skip


def _int(x: Any) -> int | None:
    return None if x is None else int(x)  # SUM() is a Decimal on PostgreSQL


def _float(x: Any) -> float | None:
    return None if x is None else float(x)


INSERT_CHUNK = 10_000  # rows per executemany: memory stays bounded, however many cells


def insert_values(rows: Iterable[tuple], connection: Any = None) -> int:
    """Insert ``rows`` (tuples in ``STORE_FIELDS`` order, values ready for the database) into
    IndicatorValue's table set-based, without model instances: COPY on PostgreSQL, one prepared
    statement run over chunks of rows (``executemany``) elsewhere. ``rows`` is consumed as a
    stream. Runs in the caller's transaction; the unique constraint raises ``IntegrityError``
    as ``bulk_create`` would. Returns the number of rows written."""
    connection = connection or connections[router.db_for_write(IndicatorValue)]
    meta = IndicatorValue._meta
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    columns = ", ".join(qn(meta.get_field(name).column) for name in STORE_FIELDS)
    stream = iter(rows)
    first = list(islice(stream, INSERT_CHUNK))
    if not first:
        return 0
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                connection.wrap_database_errors,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in chain(first, stream):
                    copy.write_row(row)
                    written += 1
        else:
            marks = ", ".join(["%s"] * len(STORE_FIELDS))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from _meta)
            chunk = first
            while chunk:
                cursor.executemany(sql, chunk)
                written += len(chunk)
                chunk = list(islice(stream, INSERT_CHUNK))
    return written


def store(cells: Cells, versions: Iterable[IndicatorVersion], units: Iterable[str] | None,
          year: int, level: str) -> int:  # fmt: skip
    """Replace the stored cells of ``versions`` for ``units`` (None: every unit of ``level``)
    and the periods of ``year`` with ``cells``, hidden ("pending") until the suppression pass.
    Zero breakdown cells are not stored (sparse). Set-based: one DELETE, then plain tuples
    written by ``insert_values`` (no model instances), in the caller's transaction."""
    connection = connections[router.db_for_write(IndicatorValue)]
    meta = IndicatorValue._meta
    version_ids = {v.pk for v in versions}
    old = IndicatorValue.objects.filter(
        version_id__in=sorted(version_ids), level=level, period__in=periods.year_keys(year)
    )
    if units is not None:
        old = old.filter(unit_path__in=list(units))
    old.delete()  # nothing refers to a cell, no signals: one DELETE statement
    # the values that are the same on every row, as the database takes them
    now, hidden, reason, level_db = (
        meta.get_field(name).get_db_prep_save(value, connection)
        for name, value in (("computed_at", timezone.now()), ("hidden", True),
                            ("hidden_reason", "pending"), ("level", level))
    )  # fmt: skip
    return insert_values(
        (
            (vid, path, level_db, period, disagg, _int(n), _int(d), _float(value), _float(p90),
             hidden, reason, now)
            for (vid, path, period, disagg), (n, d, value, p90) in cells.rows.items()
            if vid in version_ids and (disagg == "" or n or d)
        ),
        connection,
    )  # fmt: skip


def _suppress(versions: list[IndicatorVersion], provinces: Iterable[str | None],
              year: int) -> None:  # fmt: skip
    for version in versions:
        for prov in provinces:
            suppression.suppress_family(version, prov, year)


def _as_stored(cells: Cells, version_ids: set[int]) -> dict[int, dict[tuple, tuple]]:
    """``cells`` per version as ``store`` would write them (zero breakdowns left out)."""
    out: dict[int, dict[tuple, tuple]] = defaultdict(dict)
    for (vid, path, period, disagg), (n, d, value, p90) in cells.rows.items():
        if vid in version_ids and (disagg == "" or n or d):
            out[vid][(path, period, disagg)] = (_int(n), _int(d), _float(value), _float(p90))
    return out


def _stored(version_ids: set[int], units: list[str], year: int,
            level: str) -> tuple[dict[int, dict[tuple, tuple]], set[int]]:  # fmt: skip
    """The stored cells of ``units`` for ``year`` per version, and the versions with a served
    cell still "pending" (stored by a cycle whose suppression pass did not run; months stay
    pending, the suppression leaves them alone)."""
    out: dict[int, dict[tuple, tuple]] = defaultdict(dict)
    pending: set[int] = set()
    served = set(periods.suppression_keys(year))
    rows = IndicatorValue.objects.filter(
        version_id__in=sorted(version_ids), level=level, unit_path__in=units,
        period__in=periods.year_keys(year),
    ).values_list("version_id", "unit_path", "period", "disagg", "n", "d", "value", "p90",
                  "hidden_reason")  # fmt: skip
    for vid, path, period, disagg, n, d, value, p90, reason in rows.iterator(chunk_size=5000):
        out[vid][(path, period, disagg)] = (n, d, value, p90)
        if reason == "pending" and period in served:
            pending.add(vid)
    return out, pending


def changed_versions(cells: Cells, versions: list[IndicatorVersion], units: list[str],
                     year: int, level: str) -> list[IndicatorVersion]:  # fmt: skip
    """The versions whose cells of ``units`` and ``year`` differ from the stored ones (or were
    left pending). The others need no write and no new suppression pattern: the pattern of a
    family depends only on its cells, and none of them changed."""
    ids = {v.pk for v in versions}
    fresh = _as_stored(cells, ids)
    stored, pending = _stored(ids, units, year, level)
    return [v for v in versions if v.pk in pending or fresh.get(v.pk, {}) != stored.get(v.pk, {})]


def _put(cells: Cells, units: list[str], level: str, *, versions: list[IndicatorVersion],
         year: int, touched: set[int]) -> int:  # fmt: skip
    """Store the versions of ``cells`` that changed (adding them to ``touched``)."""
    changed = changed_versions(cells, versions, units, year, level)
    touched.update(v.pk for v in changed)
    if not changed:
        return 0
    with transaction.atomic():
        return store(cells, changed, units, year, level)


def recompute(keys: Iterable[tuple[str, int]], versions: list[IndicatorVersion]) -> int:
    """Recompute the leaves in ``keys`` ((commune path, year)), then their provinces and the
    nation, then the suppression pattern of each touched (province, year) — for the versions
    whose cells changed somewhere on the way only (a service record changes a few indicators,
    not all of them; the suppression is most of a cycle's cost)."""
    from gbvms.indicators.facts import province_of

    by_year: dict[int, set[str]] = defaultdict(set)
    for path, year in keys:
        by_year[year].add(path)
    written = 0
    # one short transaction per unit: the worker never holds the (SQLite) write lock for long.
    # Cells are stored hidden and shown by the suppression pass, so no reader of aggregates
    # ever sees a small cell in between.
    for year, leaves in sorted(by_year.items()):
        touched: set[int] = set()
        put = partial(_put, versions=versions, year=year, touched=touched)
        for leaf in sorted(leaves):
            written += put(compute(versions, Q(unit_path=leaf), year, leaf), [leaf], "commune")
        multi = multi_persons(year)
        provinces = sorted({province_of(leaf) for leaf in leaves})
        for prov in provinces:
            cells = ancestor(versions, child_level="commune", child_col="unit_path", parent=prov,
                             scope=Q(prov=prov), year=year, multi=multi)  # fmt: skip
            written += put(cells, [prov], "province")
        cells = ancestor(versions, child_level="province", child_col="prov", parent="/",
                         scope=Q(), year=year, multi=multi)  # fmt: skip
        written += put(cells, ["/"], "national")
        _suppress([v for v in versions if v.pk in touched], provinces, year)
    return written


def _provinces(year: int) -> set[str]:
    return set(
        Fact.objects.filter(Q(y=str(year)) | Q(yc=f"{year}C")).values_list("prov", flat=True)
    )


def rebuild_values(versions: list[IndicatorVersion], years: Iterable[int],
                   progress: Callable[[str], None] = lambda _m: None) -> int:  # fmt: skip
    """Every cell of ``versions`` for ``years`` from the stored facts (the full rebuild)."""
    written = 0
    medians = [v for v in versions if v.indicator.code == "R09"]
    for year in sorted(years):
        with transaction.atomic():
            leaf = compute(versions, Q(), year, "unit_path")
            written += store(leaf, versions, None, year, "commune")
            multi = multi_persons(year)
            cells = compute(medians, Q(), year, "prov")  # every province's medians at once
            for prov in sorted(_provinces(year)):
                cells.rows.update(ancestor(
                    versions, child_level="commune", child_col="unit_path", parent=prov,
                    scope=Q(prov=prov), year=year, multi=multi, medians=False,
                ).rows)  # fmt: skip
            written += store(cells, versions, None, year, "province")
            cells = ancestor(
                versions,
                child_level="province",
                child_col="prov",
                parent="/",
                scope=Q(),
                year=year,
                multi=multi,
            )
            written += store(cells, versions, ["/"], year, "national")
            # one load and one solve of every cell per version (the same pattern as a pass per
            # province, several times faster: bench/README.md, "Indicators")
            _suppress(versions, [suppression.EVERYWHERE], year)
        progress(f"{year}: {written} cells")
    return written
