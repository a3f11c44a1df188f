"""Small-cell suppression of the materialised cells for the suppressed audiences (REPORTING §F).

Pure part (no database):

- ``primary_hidden(n, d)``: a count is hidden when 1 <= n < k (zeros are shown); a ratio when
  its numerator, its denominator or D − N is in 1..k−1 (§F.1, §F.2).
- ``suppress(cells, lines, groups)``: primary, then complementary suppression to a fixed point —
  a *line* is a total and the parts that add up to it (``line[0]`` is the total); no line may
  hold exactly one hidden cell, so the smallest visible non-zero part is hidden with it (the
  total only when no part is left); a *group* is the periods of one year of one (unit,
  disaggregation), hidden together (§F.3, §F.4). Then the exact audit below; a cell it still
  finds disclosed gets one more cell hidden in a line touching it, until none is.
- ``disclosed(cells, lines, hidden)``: the exact audit. Unknowns are the hidden cells' values;
  each line gives the equation "sum of parts − total = published"; a hidden cell is disclosed
  when its unit vector lies in the row space of that system. The test is done by sparse
  Gaussian elimination over the prime field GF(2^61 − 1) and a generic null vector (a hidden
  cell is determined iff every null vector vanishes on it). A ratio's N and D (and D − N) have
  the same equations, so one structural system answers for all three.

Keys absent from ``cells`` are zeros (the engine stores breakdowns sparsely) and are known.
Non-additive cells (distinct persons, medians, multi-valued dimensions) take part in the lines
as if they added up: that can only hide more, never less.

Database part: ``suppress_family(version, province_path, year)`` writes ``hidden`` and
``hidden_reason`` of the served periods (``periods.suppression_keys``) for the nation, every
province and the communes of ``province_path`` (and of any other province one of whose cells is
hidden, so a hidden province total never stands alone above its communes). Months are left
alone: they are served only to exact audiences.
"""

from __future__ import annotations

import heapq
import random
from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from gbvms.indicators.dimensions import disagg_key, parse_disagg
from gbvms.indicators.models import IndicatorValue, IndicatorVersion, Kind, Level
from gbvms.indicators.periods import suppression_keys

Key = Hashable
Cell = tuple[int | None, int | None]
PRIMARY = "primary"
COMPLEMENTARY = "complementary"
PRIME = (1 << 61) - 1  # a Mersenne prime: the field of the exact audit


def threshold() -> int:
    return int(settings.SMALL_CELL_THRESHOLD)


def _small(x: int | None, k: int) -> bool:
    return x is not None and 1 <= x < k


def primary_hidden(n: int | None, d: int | None, k: int | None = None) -> bool:
    """A count cell (``d`` None) is hidden when 1 <= n < k; a ratio cell when 1 <= n < k,
    1 <= d < k or 1 <= d − n < k. Zeros are shown; d == 0 is an undefined value, not hidden."""
    k = threshold() if k is None else k
    if d is None:
        return _small(n, k)
    return _small(n, k) or _small(d, k) or _small(d - (n or 0), k)


def _size(cell: Cell) -> int:
    n, d = cell
    return d if d is not None else (n or 0)


def _zero(cell: Cell) -> bool:
    return _size(cell) == 0 and not cell[0]


def _index(lines: Sequence[Sequence[Key]]) -> dict[Key, list[int]]:
    index: dict[Key, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        for key in line:
            index[key].append(i)
    return index


def _candidate(cells: Mapping[Key, Cell], line: Sequence[Key],
               hidden: Collection[Key]) -> tuple[tuple[bool, int, int], Key] | None:  # fmt: skip
    """The visible non-zero cell of ``line`` to hide next: a part before the total, then the
    smallest (by D for ratios), then the first in line order. None when there is none."""
    best = None
    for pos, key in enumerate(line):
        cell = cells.get(key)
        if cell is None or key in hidden or _zero(cell):
            continue
        rank = (pos == 0, _size(cell), pos)
        if best is None or rank < best[0]:
            best = (rank, key)
    return best


def _complete(cells: Mapping[Key, Cell], lines: Sequence[Sequence[Key]],
              groups: Sequence[Sequence[Key]], hidden: dict[Key, str]) -> None:  # fmt: skip
    """Complementary suppression to a fixed point (in place)."""
    line_of, group_of = _index(lines), _index(groups)
    pending = [("g", i) for i in range(len(groups))] + [("l", i) for i in range(len(lines))]

    def hide(key: Key) -> None:
        hidden[key] = COMPLEMENTARY
        pending.extend(("l", i) for i in line_of.get(key, ()))
        pending.extend(("g", i) for i in group_of.get(key, ()))

    while pending:
        what, i = pending.pop()
        if what == "g":
            members = groups[i]
            if any(m in hidden for m in members):
                for m in members:
                    if m in cells and m not in hidden and not _zero(cells[m]):
                        hide(m)
            continue
        line = lines[i]
        if sum(1 for m in line if m in hidden) == 1:
            best = _candidate(cells, line, hidden)
            if best is not None:
                hide(best[1])


def _nearest(
    cells: Mapping[Key, Cell],
    lines: Sequence[Sequence[Key]],
    line_of: Mapping[Key, list[int]],
    hidden: Collection[Key],
    start: Key,
) -> Key | None:
    """The cell to hide for a disclosed ``start``: the best candidate of the lines touching
    it, else of the lines touching the hidden cells next to it (breadth first)."""
    seen_keys, seen_lines, frontier = {start}, set(), [start]
    while frontier:
        mine = {i for key in frontier for i in line_of.get(key, ())} - seen_lines
        seen_lines |= mine
        options = [best for i in sorted(mine) if (best := _candidate(cells, lines[i], hidden))]
        if options:
            return min(options, key=lambda o: o[0][:2])[1]
        frontier = [k for i in sorted(mine) for k in lines[i] if k in hidden and k not in seen_keys]
        seen_keys.update(frontier)
    return None


def _cover(cells: Mapping[Key, Cell], lines: Sequence[Sequence[Key]], hidden: dict[Key, str],
           found: Iterable[Key]) -> bool:  # fmt: skip
    """Hide one more cell near each disclosed cell; False when none could be."""
    line_of = _index(lines)
    touched: set[int] = set()
    added = False
    for key in sorted(found, key=repr):
        mine = line_of.get(key, [])
        if touched.intersection(mine):
            continue  # this round already hid a cell beside it
        extra = _nearest(cells, lines, line_of, hidden, key)
        if extra is not None:
            hidden[extra] = COMPLEMENTARY
            touched.update(mine)
            touched.update(line_of.get(extra, ()))
            added = True
    return added


def suppress(cells: Mapping[Key, Cell], lines: Sequence[Sequence[Key]],
             groups: Sequence[Sequence[Key]], k: int | None = None) -> dict[Key, str]:  # fmt: skip
    """The hidden keys of ``cells`` and why ("primary" or "complementary").

    ``cells`` maps a key to (n, d) (d None for counts); ``lines`` are totals and their parts
    (``line[0]`` the total); ``groups`` are hidden all together. The result passes the exact
    audit: ``disclosed(cells, lines, result)`` is empty."""
    k = threshold() if k is None else k
    hidden = {key: PRIMARY for key, (n, d) in cells.items() if primary_hidden(n, d, k)}
    _complete(cells, lines, groups, hidden)
    for _round in range(len(cells) + 1):
        found = disclosed(cells, lines, hidden)
        if not found or not _cover(cells, lines, hidden, found):
            break
        _complete(cells, lines, groups, hidden)
    return hidden


# --- the exact audit -------------------------------------------------------------------------


def _rows(cells: Mapping[Key, Cell], lines: Sequence[Sequence[Key]],
          col: Mapping[Key, int]) -> list[dict[int, int]]:  # fmt: skip
    rows = []
    for line in lines:
        row: dict[int, int] = {}
        for pos, key in enumerate(line):
            j = col.get(key)
            if j is not None:
                row[j] = (row.get(j, 0) + (PRIME - 1 if pos == 0 else 1)) % PRIME
        row = {j: c for j, c in row.items() if c}
        if row:
            rows.append(row)
    return rows


def _eliminate(rows: list[dict[int, int]]) -> list[tuple[int, dict[int, int]]]:
    """Sparse Gaussian elimination (shortest row first, its least-used column as pivot).
    Returns (pivot column, row) in elimination order; a stored row holds no earlier pivot."""
    live = dict(enumerate(rows))
    by_col: dict[int, set[int]] = defaultdict(set)
    for i, row in live.items():
        for j in row:
            by_col[j].add(i)
    heap = [(len(row), i) for i, row in live.items()]
    heapq.heapify(heap)
    stored = []
    while heap:
        length, i = heapq.heappop(heap)
        row = live.get(i)
        if row is None or len(row) != length:
            continue  # stale entry
        del live[i]
        for j in row:
            by_col[j].discard(i)
        pivot = min(row, key=lambda j: (len(by_col[j]), j))
        inv = pow(row[pivot], PRIME - 2, PRIME)
        for other in list(by_col[pivot]):
            _reduce(live, by_col, other, row, row_factor=live[other][pivot] * inv % PRIME)
            if live[other]:
                heapq.heappush(heap, (len(live[other]), other))
            else:
                del live[other]
        stored.append((pivot, row))
    return stored


def _reduce(live: dict[int, dict[int, int]], by_col: dict[int, set[int]], other: int,
            row: dict[int, int], row_factor: int) -> None:  # fmt: skip
    target = live[other]
    for j, a in row.items():
        value = (target.get(j, 0) - row_factor * a) % PRIME
        if value:
            if j not in target:
                by_col[j].add(other)
            target[j] = value
        elif j in target:
            del target[j]
            by_col[j].discard(other)


def _null_vector(stored: list[tuple[int, dict[int, int]]], ncols: int,
                 rng: random.Random) -> list[int]:  # fmt: skip
    """A random vector of the null space: free columns random, pivots by back-substitution."""
    v = [rng.randrange(1, PRIME) for _ in range(ncols)]
    for pivot, row in reversed(stored):
        s = sum(a * v[j] for j, a in row.items() if j != pivot) % PRIME
        v[pivot] = (PRIME - s) * pow(row[pivot], PRIME - 2, PRIME) % PRIME
    return v


def disclosed(cells: Mapping[Key, Cell], lines: Sequence[Sequence[Key]],
              hidden: Iterable[Key]) -> set[Key]:  # fmt: skip
    """The hidden cells the published cells and the lines' equations determine exactly."""
    unknown = sorted({key for key in hidden if key in cells}, key=repr)
    col = {key: j for j, key in enumerate(unknown)}
    stored = _eliminate(_rows(cells, lines, col))
    if not stored:
        return set()
    rng = random.Random(0x5EED)  # noqa: S311 - genericity, not secrecy
    vectors = [_null_vector(stored, len(unknown), rng) for _ in range(2)]
    return {key for j, key in enumerate(unknown) if all(v[j] == 0 for v in vectors)}


# --- the database family ---------------------------------------------------------------------

VKey = tuple[str, str, str]  # (unit_path, period, disagg)


def _province_of(path: str) -> str:
    return "/" + path.strip("/").split("/")[0] + "/"


def _cell(row: IndicatorValue, kind: str) -> Cell:
    if kind == Kind.MEDIAN:
        return (row.d, None)  # the number of values behind the median
    if kind == Kind.COUNT or row.d is None:
        return (row.n, None)
    return (row.n, row.d)


def _margins(keys: Iterable[VKey]) -> list[list[VKey]]:
    """Breakdown lines of each (unit, period): a single dimension's options add up to the
    unit's total; a pair's row (one option of A fixed) to A's cell, and so for B."""
    lines: dict[tuple, list[VKey]] = {}
    for unit, period, disagg in keys:
        pairs = parse_disagg(disagg)
        for cat in pairs:
            rest = disagg_key({c: o for c, o in pairs.items() if c != cat})
            line_id = (unit, period, frozenset(pairs), cat, rest)
            line = lines.setdefault(line_id, [(unit, period, rest)])
            line.append((unit, period, disagg))
    return list(lines.values())


Lines = list[list[VKey]]


def family_lines(keys: Collection[VKey], year: int,
                 communes_of: Collection[str]) -> tuple[Lines, Lines]:  # fmt: skip
    """The lines and period groups of a family of cells keyed (unit_path, period, disagg):
    communes → their province for each province in ``communes_of``, provinces → nation,
    breakdown margins, each year → its halves (calendar and cut-off), and the groups of the
    year's periods per (unit, disagg)."""
    y, s1, s2 = str(year), f"{year}S1", f"{year}S2"
    yc, s1c, s2c = f"{year}C", f"{year}S1C", f"{year}S2C"
    hier: dict[tuple[str, str, str], list[VKey]] = {}
    units: set[tuple[str, str]] = set()
    for unit, period, disagg in keys:
        units.add((unit, disagg))
        depth = unit.count("/") - 1
        if depth == 1:
            parent = "/"
        elif depth == 2 and _province_of(unit) in communes_of:
            parent = _province_of(unit)
        else:
            continue
        line = hier.setdefault((parent, period, disagg), [(parent, period, disagg)])
        line.append((unit, period, disagg))
    lines = list(hier.values()) + _margins(keys)
    groups = []
    for unit, disagg in sorted(units):
        lines.append([(unit, y, disagg), (unit, s1, disagg), (unit, s2, disagg)])
        lines.append([(unit, yc, disagg), (unit, s1c, disagg), (unit, s2c, disagg)])
        groups.append([(unit, p, disagg) for p in (s1, s2, y, s1c, s2c, yc)])
    return lines, groups


def _load(version: IndicatorVersion, periods: list[str], scope: Q) -> list[IndicatorValue]:
    return list(
        IndicatorValue.objects.filter(scope, version=version, period__in=periods).only(
            "id", "unit_path", "level", "period", "disagg", "n", "d", "hidden", "hidden_reason"
        )
    )


@transaction.atomic
def suppress_family(version: IndicatorVersion, province_path: str, year: int) -> int:
    """Recompute the suppression pattern of ``version``'s served cells of ``year`` around
    ``province_path`` (its communes, every province, the nation) and write ``hidden`` /
    ``hidden_reason`` where they changed. Returns the number of rows changed."""
    periods = suppression_keys(year)
    kind = version.indicator.kind
    rows = _load(version, periods, Q(level__in=[Level.NATIONAL, Level.PROVINCE]))
    loaded: set[str] = set()
    todo = {province_path}
    hidden: dict[Key, str] = {}
    while todo:
        for path in sorted(todo):
            rows += _load(version, periods, Q(level=Level.COMMUNE, unit_path__startswith=path))
        loaded |= todo
        cells = {(r.unit_path, r.period, r.disagg): _cell(r, kind) for r in rows}
        lines, groups = family_lines(cells.keys(), year, loaded)
        hidden = suppress(cells, lines, groups)
        todo = {
            r.unit_path
            for r in rows
            if r.level == Level.PROVINCE
            and (r.hidden or (r.unit_path, r.period, r.disagg) in hidden)
        } - loaded
    changed = []
    for row in rows:
        reason = hidden.get((row.unit_path, row.period, row.disagg), "")
        if row.hidden != bool(reason) or row.hidden_reason != reason:
            row.hidden, row.hidden_reason = bool(reason), reason
            changed.append(row)
    IndicatorValue.objects.bulk_update(changed, ["hidden", "hidden_reason"], batch_size=1000)
    return len(changed)
