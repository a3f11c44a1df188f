"""The differencing attack of issue 10 against ``suppress_family``: a province of six communes
(and a second province, so the nation is a real sum), cells for the served periods of a year
by sex, age and sex × age, written as IndicatorValue rows. The attacker sees the SERVED numbers
only (hidden cells have no numbers, absent rows are zeros) and subtracts: the province total
minus every visible commune, the nation minus the visible provinces, the year minus its visible
halves, a breakdown's total minus its visible options — repeated as long as anything new comes
out. With the full pattern nothing is recovered; with primary suppression alone it is."""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict

import pytest

from gbvms.geo.models import AdminUnit
from gbvms.indicators.dimensions import disagg_key
from gbvms.indicators.models import Indicator, IndicatorValue, IndicatorVersion
from gbvms.indicators.periods import keys_for
from gbvms.indicators.suppression import disclosed, primary_hidden, suppress_family

YEAR = 2026
SERVED = ["2026S1", "2026S2", "2026", "2026S1C", "2026S2C", "2026C"]
SEXES = ["F", "M", "X"]
AGES = ["LT16", "Y16_59", "GE60", "UNK"]
# cases per commune: two big communes, one middling, three small ones
SIZES_51 = [34, 21, 11, 6, 3, 1]
SIZES_01 = [27, 4]


def _communes(province: str, count: int) -> list[str]:
    units = AdminUnit.objects.filter(
        level="commune", path__startswith=f"/{province}/", valid_to__isnull=True
    ).order_by("code")
    return [u.path for u in units[:count]]


def _cases(seed: int = 10) -> list[dict]:
    rng = random.Random(seed)
    paths = list(zip(_communes("51", 6), SIZES_51, strict=True))
    paths += list(zip(_communes("01", 2), SIZES_01, strict=True))
    cases = []
    for path, size in paths:
        for _i in range(size):
            day = datetime.date(YEAR, 1, 5) + datetime.timedelta(days=rng.randrange(335))
            cases.append({
                "path": path,
                "keys": keys_for(day),
                "sex": rng.choices(SEXES, weights=[70, 25, 5])[0],
                "age": rng.choices(AGES, weights=[20, 65, 10, 5])[0],
                "in_time": rng.random() < 0.8,
            })  # fmt: skip
    return cases


def _units(path: str) -> list[tuple[str, str]]:
    parts = [p for p in path.split("/") if p]
    return [(path, "commune"), (f"/{parts[0]}/", "province"), ("/", "national")]


def _truth(cases: list[dict], ratio: bool) -> dict[tuple[str, str, str], tuple]:
    """Hand-computed cells (unit, period, disagg) -> (n, d) for ratios, (n,) for counts."""
    num: Counter = Counter()
    den: Counter = Counter()
    for case in cases:
        disaggs = ["", disagg_key({"SEX": case["sex"]}), disagg_key({"AGE_VN": case["age"]}),
                   disagg_key({"SEX": case["sex"], "AGE_VN": case["age"]})]  # fmt: skip
        periods = [case["keys"][p] for p in ("s", "y", "sc", "yc")]
        for unit, _level in _units(case["path"]):
            for period in periods:
                for disagg in disaggs:
                    den[(unit, period, disagg)] += 1
                    num[(unit, period, disagg)] += case["in_time"] if ratio else 1
    return {key: ((num[key], den[key]) if ratio else (num[key],)) for key in den}


def _level(path: str) -> str:
    return {1: "national", 2: "province"}.get(path.count("/"), "commune")


def _write(version: IndicatorVersion, truth: dict) -> None:
    IndicatorValue.objects.bulk_create(
        IndicatorValue(version=version, unit_path=unit, level=_level(unit), period=period,
                       disagg=disagg, n=value[0], d=value[1] if len(value) > 1 else None)
        for (unit, period, disagg), value in truth.items()
    )  # fmt: skip


def _version(kind: str, code: str) -> IndicatorVersion:
    indicator = Indicator.objects.create(
        code=code, name_vi="Chỉ tiêu thử", name_en="Test indicator", kind=kind,
        count_unit="case", disaggregations=["sex", "age"], period_types=["Y", "S"],
    )  # fmt: skip
    return IndicatorVersion.objects.create(indicator=indicator, number=1, status="current")


def _attack_lines(truth: dict) -> list[list[tuple[str, str, str]]]:
    """The attacker's equations (total first), written independently of the module."""
    units = {unit for unit, _p, _d in truth}
    lines = []
    for period in SERVED:
        for disagg in {d for _u, _p, d in truth}:
            for parent in {"/"} | {u for u in units if _level(u) == "province"}:
                children = [u for u in units if u != parent and u.startswith(parent)
                            and u.count("/") == parent.count("/") + 1]  # fmt: skip
                lines.append([(parent, period, disagg)] + [(c, period, disagg) for c in children])
        for unit in units:
            key = lambda disagg, u=unit, p=period: (u, p, disagg)  # noqa: E731
            lines.append([key("")] + [key(f"SEX={s}") for s in SEXES])
            lines.append([key("")] + [key(f"AGE_VN={a}") for a in AGES])
            for s in SEXES:
                lines.append([key(f"SEX={s}")] + [key(f"AGE_VN={a};SEX={s}") for a in AGES])
            for a in AGES:
                lines.append([key(f"AGE_VN={a}")] + [key(f"AGE_VN={a};SEX={s}") for s in SEXES])
    for unit in units:
        for disagg in {d for _u, _p, d in truth}:
            lines.append(
                [(unit, "2026", disagg), (unit, "2026S1", disagg), (unit, "2026S2", disagg)]
            )
            lines.append([(unit, "2026C", disagg), (unit, "2026S1C", disagg),
                          (unit, "2026S2C", disagg)])  # fmt: skip
    return lines


def _served(version: IndicatorVersion) -> tuple[dict, set]:
    """What a suppressed audience receives: the numbers of visible rows, the keys of hidden
    rows (without numbers). Any other key is an absent row, i.e. zero."""
    visible, hidden = {}, set()
    for row in IndicatorValue.objects.filter(version=version, period__in=SERVED):
        key = (row.unit_path, row.period, row.disagg)
        if row.hidden:
            hidden.add(key)
        else:
            visible[key] = (row.n,) if row.d is None else (row.n, row.d)
    return visible, hidden


def _attack(visible: dict, hidden: set, lines: list, width: int) -> dict:
    """Differencing, repeated to a fixed point: a line with one unknown member gives it."""
    known = dict(visible)
    zero = (0,) * width
    recovered = {}
    progress = True
    while progress:
        progress = False
        for line in lines:
            unknown = [k for k in line if k in hidden and k not in known]
            if len(unknown) != 1:
                continue
            target = unknown[0]
            total = known.get(line[0], zero)
            parts = [known.get(k, zero) for k in line[1:] if k != target]
            sums = [sum(p[i] for p in parts) for i in range(width)]
            if target == line[0]:
                value = tuple(sums)
            else:
                value = tuple(total[i] - sums[i] for i in range(width))
            known[target] = recovered[target] = value
            progress = True
    return recovered


@pytest.fixture
def world(db):
    def build(kind: str):
        ratio = kind == "ratio"
        version = _version(kind, "TSUPR" if ratio else "TSUPC")
        truth = _truth(_cases(), ratio)
        _write(version, truth)
        return version, truth, 2 if ratio else 1

    return build


@pytest.mark.parametrize("kind", ["count", "ratio"])
def test_differencing_attack_recovers_nothing(world, kind):
    version, truth, width = world(kind)
    changed = suppress_family(version, "/51/", YEAR)
    visible, hidden = _served(version)
    assert changed == len(hidden) > 0
    lines = _attack_lines(truth)
    # the attack is real: it has hidden commune cells to aim at, small ones among them
    assert any(_level(u) == "commune" and truth[(u, p, d)][0] < 5 for u, p, d in hidden)
    assert _attack(visible, hidden, lines, width) == {}
    cells = {k: (v[0], v[1] if width == 2 else None) for k, v in truth.items()}
    assert disclosed(cells, lines, hidden) == set()
    # the served pattern: every line holds none or at least two hidden cells
    assert all(sum(k in hidden for k in line) != 1 for line in lines)


@pytest.mark.parametrize("kind", ["count", "ratio"])
def test_primary_suppression_alone_is_broken_by_the_attack(world, kind):
    _, truth, width = world(kind)
    hidden = {k for k, v in truth.items()
              if primary_hidden(v[0], v[1] if width == 2 else None, 5)}  # fmt: skip
    visible = {k: v for k, v in truth.items() if k not in hidden}
    recovered = _attack(visible, hidden, _attack_lines(truth), width)
    assert recovered
    # and what it recovers is exactly the hidden figure
    assert all(truth[k] == v for k, v in recovered.items())
    assert any(_level(unit) == "commune" for unit, _p, _d in recovered)
    if kind == "count":
        # the commune of a single case: the province total minus the other communes
        smallest = _communes("51", 6)[-1]
        assert recovered[(smallest, "2026", "")] == truth[(smallest, "2026", "")] == (1,)


def test_period_pattern_is_the_same_for_the_halves_and_the_year(world):
    version, _, _ = world("count")
    suppress_family(version, "/51/", YEAR)
    rows = IndicatorValue.objects.filter(version=version, level="commune")
    by_unit = defaultdict(dict)
    for row in rows:
        by_unit[(row.unit_path, row.disagg)][row.period] = row
    checked = 0
    for periods in by_unit.values():
        s1 = periods.get("2026S1")
        if s1 is None or not s1.hidden:
            continue
        for key in ("2026S2", "2026", "2026S1C", "2026S2C", "2026C"):
            if key in periods:
                assert periods[key].hidden, (s1, key)
                checked += 1
    assert checked > 10


def test_reasons_idempotence_and_months_untouched(world):
    version, _, _ = world("count")
    small = _communes("51", 6)[-1]  # one case in the year
    month = IndicatorValue.objects.create(version=version, unit_path=small, level="commune",
                                          period="202603", disagg="", n=1)  # fmt: skip
    suppress_family(version, "/51/", YEAR)
    one = IndicatorValue.objects.get(version=version, unit_path=small, period="2026", disagg="")
    assert (one.n, one.hidden, one.hidden_reason) == (1, True, "primary")
    big = _communes("51", 6)[0]
    reasons = set(
        IndicatorValue.objects.filter(version=version, hidden=True).values_list(
            "hidden_reason", flat=True
        )
    )
    assert reasons == {"primary", "complementary"}
    assert not IndicatorValue.objects.filter(version=version, hidden=False,
                                             hidden_reason__gt="").exists()  # fmt: skip
    assert IndicatorValue.objects.filter(
        version=version, unit_path=big, period="2026", disagg="", hidden=False
    ).exists()  # a big commune's yearly total stays visible
    month.refresh_from_db()
    assert (month.hidden, month.hidden_reason) == (False, "")
    # a second run changes nothing; a run after the data changed un-hides what is now safe
    assert suppress_family(version, "/51/", YEAR) == 0
    IndicatorValue.objects.filter(version=version, unit_path=small).update(n=50)
    assert suppress_family(version, "/51/", YEAR) > 0


def test_median_is_hidden_when_few_values_lie_behind_it(db):
    version = _version("median", "TSUPM")
    rows = [("/51/", 2, 30.0), ("/", 2, 30.0), ("/01/", 0, None)]
    for path, d, value in rows:
        for period in SERVED:
            IndicatorValue.objects.create(
                version=version,
                unit_path=path,
                level=_level(path),
                period=period,
                n=None,
                d=d,
                value=value,
            )
    suppress_family(version, "/51/", YEAR)
    hidden = set(
        IndicatorValue.objects.filter(version=version, hidden=True).values_list(
            "unit_path", "hidden_reason"
        )
    )
    assert hidden == {("/51/", "primary"), ("/", "primary")}


def test_another_province_hidden_by_the_national_line_gets_its_communes_protected(db):
    """Suppressing around /51/ may hide a cell of another province (the nation minus the
    provinces); that province's communes must then hide one more cell too."""
    version = _version("count", "TSUPX")
    a, b = _communes("01", 2)
    c = _communes("51", 1)[0]
    cells = {"/": 29, "/51/": 3, c: 3, "/01/": 26, a: 20, b: 6}
    for path, n in cells.items():
        for period in ("2026S1", "2026", "2026S1C", "2026C"):  # nothing in the second half
            IndicatorValue.objects.create(version=version, unit_path=path, level=_level(path),
                                          period=period, disagg="", n=n)  # fmt: skip
    suppress_family(version, "/51/", YEAR)
    hidden = set(
        IndicatorValue.objects.filter(version=version, hidden=True).values_list(
            "unit_path", "period", "hidden_reason"
        )
    )
    # /51/ (3) and its commune are primary; the nation line then needs /01/ (the smallest
    # visible province), and /01/'s commune line its smallest commune b.
    expected = {"/51/": "primary", c: "primary", "/01/": "complementary", b: "complementary"}
    assert hidden == {(path, period, reason) for path, reason in expected.items()
                      for period in ("2026S1", "2026", "2026S1C", "2026C")}  # fmt: skip
