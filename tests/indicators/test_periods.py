"""Period keys: DHIS2 calendar keys and the cut-off windows."""

from __future__ import annotations

import datetime

import pytest

from gbvms.indicators import periods

D = datetime.date


@pytest.mark.parametrize(
    ("key", "start", "end", "kind"),
    [
        ("2026", D(2026, 1, 1), D(2026, 12, 31), "Y"),
        ("2026S1", D(2026, 1, 1), D(2026, 6, 30), "S"),
        ("2026S2", D(2026, 7, 1), D(2026, 12, 31), "S"),
        ("202602", D(2026, 2, 1), D(2026, 2, 28), "M"),
        ("202412", D(2024, 12, 1), D(2024, 12, 31), "M"),
        ("2026S1C", D(2025, 12, 15), D(2026, 6, 14), "S"),
        ("2026S2C", D(2026, 6, 15), D(2026, 12, 14), "S"),
        ("2026C", D(2025, 12, 15), D(2026, 12, 14), "Y"),
    ],
)
def test_windows(key, start, end, kind):
    p = periods.parse(key)
    assert (p.start, p.end, p.type) == (start, end, kind)


@pytest.mark.parametrize("key", ["", "26", "2026S3", "202613", "202600", "2026Q1", "1999",
                                 "202602C", "2026s1", " 2026"])  # fmt: skip
def test_bad_keys(key):
    with pytest.raises(periods.PeriodError):
        periods.parse(key)


@pytest.mark.parametrize(
    ("day", "keys"),
    [
        (D(2026, 3, 5), ["202603", "2026S1", "2026", "2026S1C", "2026C"]),
        (D(2026, 6, 14), ["202606", "2026S1", "2026", "2026S1C", "2026C"]),
        (D(2026, 6, 15), ["202606", "2026S1", "2026", "2026S2C", "2026C"]),
        (D(2026, 12, 14), ["202612", "2026S2", "2026", "2026S2C", "2026C"]),
        (D(2026, 12, 15), ["202612", "2026S2", "2026", "2027S1C", "2027C"]),
    ],
)
def test_a_day_falls_in_every_window_containing_it(day, keys):
    found = periods.keys_for(day)
    assert [found[k] for k in ("m", "s", "y", "sc", "yc")] == keys
    for key in keys:
        assert periods.parse(key).contains(day)
    assert periods.groups_for(day) == {int(k[:4]) for k in keys}


def test_adx_and_labels():
    assert periods.parse("2026S2").adx() == "2026-07-01/P6M"
    assert periods.parse("2026").adx() == "2026-01-01/P1Y"
    with pytest.raises(periods.PeriodError):
        periods.parse("2026C").adx()
    assert periods.parse("2026S1").label() == "6 tháng đầu năm 2026"
    assert periods.parse("2026S1C").label() == "6 tháng đầu năm 2026 (15/12/2025–14/06/2026)"
    assert set(periods.year_keys(2026)) >= {"202601", "202612", "2026S1C", "2026C"}
