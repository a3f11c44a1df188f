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
              groups: Sequence[Sequence[Key]], hidden: dict[Key, str],
              index: tuple[Mapping[Key, list[int]], Mapping[Key, list[int]]]) -> None:  # fmt: skip
    """Complementary suppression to a fixed point (in place). ``index``: the lines and the
    groups of each key."""
    line_of, group_of = index
    count = [sum(1 for m in line if m in hidden) for line in lines]
    pending = [("g", i) for i in range(len(groups))]
    pending += [("l", i) for i, c in enumerate(count) if c == 1]

    def hide(key: Key) -> None:
        hidden[key] = COMPLEMENTARY
        for i in line_of.get(key, ()):
            count[i] += 1
            if count[i] == 1:
                pending.append(("l", i))
        pending.extend(("g", i) for i in group_of.get(key, ()))

    while pending:
        what, i = pending.pop()
        if what == "g":
            members = groups[i]
            if any(m in hidden for m in members):
                for m in members:
                    if m in cells and m not in hidden and not _zero(cells[m]):
                        hide(m)
        elif count[i] == 1 and (best := _candidate(cells, lines[i], hidden)) is not None:
            hide(best[1])


def _nearest(cells: Mapping[Key, Cell], lines: Sequence[Sequence[Key]],
             line_of: Mapping[Key, list[int]], hidden: Collection[Key], start: Key,
             wide: bool) -> list[Key]:  # fmt: skip
    """The cells to hide for a disclosed ``start``: the best candidate of the lines touching
    it (``wide``: the best of each line), else of the lines touching the hidden cells next to
    it (breadth first)."""
    seen_keys, seen_lines, frontier = {start}, set(), [start]
    while frontier:
        mine = sorted({i for key in frontier for i in line_of.get(key, ())} - seen_lines)
        seen_lines.update(mine)
        options = [best for i in mine if (best := _candidate(cells, lines[i], hidden))]
        if options:
            if wide:
                return [key for _rank, key in options]
            return [min(options, key=lambda o: o[0][:2])[1]]
        frontier = [k for i in mine for k in lines[i] if k in hidden and k not in seen_keys]
        seen_keys.update(frontier)
    return []


def _cover(cells: Mapping[Key, Cell], lines: Sequence[Sequence[Key]],
           line_of: Mapping[Key, list[int]], hidden: dict[Key, str], found: Iterable[Key],
           wide: bool) -> bool:  # fmt: skip
    """Hide more cells beside each disclosed cell; False when none could be."""
    added = False
    for key in sorted(found, key=repr):
        for extra in _nearest(cells, lines, line_of, hidden, key, wide):
            hidden[extra] = COMPLEMENTARY
            added = True
    return added


NARROW_ROUNDS = 3  # audit rounds hiding one cell per disclosed cell before one per line


def suppress(cells: Mapping[Key, Cell], lines: Sequence[Sequence[Key]],
             groups: Sequence[Sequence[Key]], k: int | None = None,
             audit_lines: Sequence[Sequence[Key]] | None = None) -> dict[Key, str]:  # fmt: skip
    """The hidden keys of ``cells`` and why ("primary" or "complementary").

    ``cells`` maps a key to (n, d) (d None for counts); ``lines`` are totals and their parts
    (``line[0]`` the total); ``groups`` are hidden all together. The result passes the exact
    audit: ``disclosed(cells, audit_lines, result)`` is empty (``audit_lines`` defaults to
    ``lines``; a caller may audit a smaller system that implies the whole, see
    ``family_lines``) — unless no visible non-zero cell is left near a disclosed one, which
    only inconsistent (non-additive) figures can cause."""
    k = threshold() if k is None else k
    audit_lines = lines if audit_lines is None else audit_lines
    hidden = {key: PRIMARY for key, (n, d) in cells.items() if primary_hidden(n, d, k)}
    index = (_index(lines), _index(groups))
    _complete(cells, lines, groups, hidden, index)
    audit_of = _index(audit_lines)
    for round_ in range(len(cells) + 1):
        found = disclosed(cells, audit_lines, hidden)
        wide = round_ >= NARROW_ROUNDS
        if not found or not _cover(cells, audit_lines, audit_of, hidden, found, wide):
            break
        _complete(cells, lines, groups, hidden, index)
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
    v = [rng.getrandbits(60) + 1 for _ in range(ncols)]  # in 1..PRIME-1
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
                 communes_of: Collection[str]) -> tuple[Lines, Lines, Lines]:  # fmt: skip
    """The lines, the period groups and the audit lines of a family of cells keyed
    (unit_path, period, disagg).

    Lines: communes → their province for each province in ``communes_of``, provinces → nation,
    and the breakdown margins, within each period. Groups: the year's served periods of each
    (unit, disagg). The relations between periods (the year is the sum of its halves, the
    cut-off year of its cut-off halves) need no line of their own: a group hides every non-zero
    member, so the pattern is the same in each period, and then a null vector z of one half's
    system gives the null vector (z in that half, 0 in the other, z in the year) of the whole
    system. So the audit lines are those of the four half-years: if no hidden cell of a half is
    determined by its own lines, no hidden cell of any period is determined by all the lines
    together (the tests check it with the period equations included)."""
    y = str(year)
    halves = {f"{year}S1", f"{year}S2", f"{year}S1C", f"{year}S2C"}
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
    served = [f"{year}S1", f"{year}S2", y, f"{year}S1C", f"{year}S2C", f"{year}C"]
    groups = [[(unit, p, disagg) for p in served] for unit, disagg in sorted(units)]
    audit = [line for line in lines if line[0][1] in halves]
    return lines, groups, audit


def _load(version: IndicatorVersion, periods: list[str], scope: Q) -> list[IndicatorValue]:
    return list(
        IndicatorValue.objects.filter(scope, version=version, period__in=periods).only(
            "id", "unit_path", "level", "period", "disagg", "n", "d", "hidden", "hidden_reason"
        )
    )


EVERYWHERE = "*"


@transaction.atomic
def suppress_family(version: IndicatorVersion, province_path: str | None, year: int) -> int:
    """Recompute the suppression pattern of ``version``'s served cells of ``year`` around
    ``province_path`` (its communes, every province, the nation) and write ``hidden`` /
    ``hidden_reason`` where they changed. Returns the number of rows changed.

    ``province_path`` None: the nation and the provinces only; ``EVERYWHERE``: every cell of the
    version and year in one load and one solve (the full rebuild)."""
    periods = suppression_keys(year)
    kind = version.indicator.kind
    if province_path == EVERYWHERE:
        rows = _load(version, periods, Q())
        every = {r.unit_path for r in rows if r.level == Level.PROVINCE}
        cells = {(r.unit_path, r.period, r.disagg): _cell(r, kind) for r in rows}
        lines, groups, audit = family_lines(cells.keys(), year, every)
        return _write_pattern(rows, suppress(cells, lines, groups, audit_lines=audit))
    rows = _load(version, periods, Q(level__in=[Level.NATIONAL, Level.PROVINCE]))
    loaded: set[str] = set()
    todo = {province_path} if province_path else set()
    hidden: dict[Key, str] = {}
    first = True
    while todo or first:
        first = False
        for path in sorted(todo):
            rows += _load(version, periods, Q(level=Level.COMMUNE, unit_path__startswith=path))
        loaded |= todo
        cells = {(r.unit_path, r.period, r.disagg): _cell(r, kind) for r in rows}
        lines, groups, audit = family_lines(cells.keys(), year, loaded)
        hidden = suppress(cells, lines, groups, audit_lines=audit)
        # another province whose cells now change state (hidden by the national lines, or
        # shown again) gets its communes protected in the same pass; the others keep the
        # pattern of their own last pass, which the stored flags are
        todo = (
            {
                r.unit_path
                for r in rows
                if r.level == Level.PROVINCE
                and r.hidden != ((r.unit_path, r.period, r.disagg) in hidden)
            }
            - loaded
            - {province_path}
        )
    return _write_pattern(rows, hidden)


def _write_pattern(rows: list[IndicatorValue], hidden: dict[Key, str]) -> int:
    """Store ``hidden``'s flags on ``rows`` where they changed; the number of rows changed."""
    changed: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        reason = hidden.get((row.unit_path, row.period, row.disagg), "")
        if row.hidden != bool(reason) or row.hidden_reason != reason:
            changed[reason].append(row.pk)
    for reason, ids in changed.items():
        for start in range(0, len(ids), 900):  # under SQLite's bound-variable limit
            IndicatorValue.objects.filter(pk__in=ids[start : start + 900]).update(
                hidden=bool(reason), hidden_reason=reason
            )
    return sum(len(ids) for ids in changed.values())
