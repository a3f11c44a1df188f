"""Small-cell suppression, pure functions (REPORTING §F): primary and derived rules, complementary
suppression on a line and in a two-way table, consistency across the periods of a year, and the
exact linear-algebra audit."""

from __future__ import annotations

import pytest
from django.test import override_settings

from gbvms.indicators.suppression import disclosed, primary_hidden, suppress

P, C = "primary", "complementary"


@pytest.mark.parametrize(
    ("n", "d", "hidden"),
    [
        # counts: 1..4 hidden, zero and >= 5 shown
        (0, None, False),
        (1, None, True),
        (4, None, True),
        (5, None, False),
        (120, None, False),
        (None, None, False),
        # ratios: N small
        (1, 40, True),
        (4, 40, True),
        (5, 40, False),
        # D small (100 % of 3 reveals 3)
        (3, 3, True),
        (0, 4, True),
        # D - N small (an N/D pair reveals D - N)
        (36, 40, True),
        (39, 40, True),
        (35, 40, False),
        (40, 40, False),  # D - N = 0 is shown like any zero
        (0, 40, False),  # N = 0 is shown
        (0, 0, False),  # undefined value, nothing to hide
        (5, 5, False),
        (5, 9, True),  # D - N = 4
        (5, 10, False),
    ],
)
def test_primary_rules(n, d, hidden):
    assert primary_hidden(n, d, 5) is hidden


def test_primary_threshold_comes_from_settings():
    with override_settings(SMALL_CELL_THRESHOLD=11):
        assert primary_hidden(10, None) is True
        assert primary_hidden(11, None) is False
    with override_settings(SMALL_CELL_THRESHOLD=3):
        assert primary_hidden(3, None) is False
        assert primary_hidden(2, None) is True


def test_complementary_hides_the_smallest_visible_part_of_the_line():
    cells = {"T": (30, None), "a": (3, None), "b": (7, None), "c": (20, None)}
    assert suppress(cells, [["T", "a", "b", "c"]], [], 5) == {"a": P, "b": C}


def test_complementary_never_hides_a_zero_and_prefers_a_part_to_the_total():
    cells = {"T": (9, None), "a": (3, None), "z": (0, None), "b": (6, None)}
    # 'z' is smaller but a zero; 'b' (6) is a part, preferred over the total (9).
    assert suppress(cells, [["T", "a", "z", "b"]], [], 5) == {"a": P, "b": C}


def test_complementary_hides_the_total_when_no_part_is_left():
    cells = {"T": (8, None), "a": (3, None), "z": (0, None), "w": (5, None)}
    lines = [["T", "a", "z", "w"], ["w2", "w"]]  # w also in a line with a hidden total w2
    cells["w2"] = (5, None)
    hidden = suppress(cells, lines, [["w", "w2"]], 5)
    assert hidden == {"a": P, "w": C, "w2": C}
    cells = {"T": (8, None), "a": (3, None), "z": (0, None)}
    # the only other non-zero member is the total: it goes (T - 0 would reveal a)
    assert suppress(cells, [["T", "a", "z"]], [], 5) == {"a": P, "T": C}


def test_complementary_on_ratios_compares_denominators():
    cells = {
        "T": (60, 100),
        "a": (2, 10),  # N < 5: primary
        "b": (30, 50),  # the larger N ...
        "c": (28, 40),  # ... the smaller D: hidden
    }
    assert suppress(cells, [["T", "a", "b", "c"]], [], 5) == {"a": P, "c": C}


def _pair_table():
    # SEX (F, M) x AGE (A, B) with margins; F×A = 3 is primary.
    cells = {
        "FA": (3, None), "FB": (10, None), "MA": (8, None), "MB": (9, None),
        "F": (13, None), "M": (17, None), "A": (11, None), "B": (19, None), "T": (30, None),
    }  # fmt: skip
    lines = [
        ["F", "FA", "FB"], ["M", "MA", "MB"],  # rows: a fixed sex, its ages
        ["A", "FA", "MA"], ["B", "FB", "MB"],  # columns: a fixed age, its sexes
        ["T", "F", "M"], ["T", "A", "B"],  # the single breakdowns and the total
    ]  # fmt: skip
    return cells, lines


def test_pair_table_rows_and_columns():
    cells, lines = _pair_table()
    hidden = suppress(cells, lines, [], 5)
    # row F needs FB, column A needs MA, then row M needs MB: margins stay visible
    assert hidden == {"FA": P, "FB": C, "MA": C, "MB": C}
    assert disclosed(cells, lines, hidden) == set()
    # and every line holds 0 or at least 2 hidden cells
    assert all(sum(k in hidden for k in line) != 1 for line in lines)


def test_periods_of_a_year_share_the_pattern():
    # Y = S1 + S2; S1 = 3 is primary: S2 and Y go with it, and so do the cut-off periods.
    cells = {
        "S1": (3, None), "S2": (10, None), "Y": (13, None),
        "S1C": (6, None), "S2C": (7, None), "YC": (13, None),
    }  # fmt: skip
    lines = [["Y", "S1", "S2"], ["YC", "S1C", "S2C"]]
    groups = [["S1", "S2", "Y", "S1C", "S2C", "YC"]]
    hidden = suppress(cells, lines, groups, 5)
    assert hidden == {"S1": P, "S2": C, "Y": C, "S1C": C, "S2C": C, "YC": C}
    # without the group, the line rule alone would leave the cut-off periods visible
    assert suppress(cells, lines, [], 5) == {"S1": P, "S2": C}


def test_period_group_keeps_zeros_visible():
    cells = {"S1": (3, None), "S2": (0, None), "Y": (3, None)}
    hidden = suppress(cells, [["Y", "S1", "S2"]], [["S1", "S2", "Y"]], 5)
    assert hidden == {"S1": P, "Y": P}


def test_disclosed_finds_a_lone_hidden_cell_and_not_two():
    cells = {"T": (30, None), "a": (3, None), "b": (7, None), "c": (20, None)}
    line = [["T", "a", "b", "c"]]
    assert disclosed(cells, line, {"a"}) == {"a"}
    assert disclosed(cells, line, {"a", "b"}) == set()
    # a hidden total with one hidden part: the part is T - b - c, but T is unknown too
    assert disclosed(cells, line, {"a", "T"}) == set()


def _triangle():
    # x1+x2 = a, x2+x3 = b, x1+x3 = c: every line holds two hidden cells, yet
    # x1 = (a - b + c) / 2 — only the linear-algebra audit sees it.
    cells = {"x1": (3, None), "x2": (2, None), "x3": (4, None),
             "a": (5, None), "b": (6, None), "c": (7, None)}  # fmt: skip
    lines = [["a", "x1", "x2"], ["b", "x2", "x3"], ["c", "x1", "x3"]]
    return cells, lines


def test_disclosed_sees_through_a_cycle_of_lines():
    cells, lines = _triangle()
    assert disclosed(cells, lines, {"x1", "x2", "x3"}) == {"x1", "x2", "x3"}


def test_suppress_hides_more_until_the_audit_finds_nothing():
    cells, lines = _triangle()
    hidden = suppress(cells, lines, [], 5)
    assert {"x1", "x2", "x3"} <= hidden.keys()
    assert len(hidden) > 3  # the audit forced at least one more
    assert all(hidden[x] == P for x in ("x1", "x2", "x3"))
    assert disclosed(cells, lines, hidden) == set()


def test_disclosed_with_two_lines_sharing_cells():
    # T = a + b, and a second table U = a + b: still two unknowns, one equation's worth.
    cells = {"T": (9, None), "U": (9, None), "a": (4, None), "b": (5, None)}
    assert disclosed(cells, [["T", "a", "b"], ["U", "a", "b"]], {"a", "b"}) == set()
    # but T = a + b with U = a gives both
    assert disclosed(cells, [["T", "a", "b"], ["U", "a"]], {"a", "b"}) == {"a", "b"}


def test_absent_keys_are_known_zeros():
    cells = {"T": (3, None), "a": (3, None)}
    # 'b' has no row (sparse zero): T - a - 0 = 0 leaves nothing to learn, both are primary
    hidden = suppress(cells, [["T", "a", "b"]], [], 5)
    assert hidden == {"T": P, "a": P}
    assert disclosed(cells, [["T", "a", "b"]], hidden) == set()
