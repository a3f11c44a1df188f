"""Golden files: every ``golden/<name>.txt`` or ``.md`` is read and compared with ``<name>.json``.

To add a case, add the two files. The JSON holds the fields to check (a subset of the result):

- a scalar must be equal; a dict is checked key by key (a subset);
- a list of strings must be equal (nothing missing, nothing invented);
- a list of dicts must have the same length, each item checked as a subset, in order;
- ``<key>_count``: the number of items of ``<key>`` (e.g. ``activities_count``);
- ``warnings_contain`` / ``warnings_absent``: substrings some warning must / no warning may hold.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gbvms.plans.importer import parse_plan

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN.iterdir() if p.suffix in (".txt", ".md"))


def check(expected, actual, where: str) -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: {actual!r} is not an object"
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} missing"
            check(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list) and expected and isinstance(expected[0], dict):
        assert isinstance(actual, list), f"{where}: {actual!r} is not a list"
        assert len(actual) == len(expected), (
            f"{where}: {len(expected)} expected, got {json.dumps(actual, ensure_ascii=False)}"
        )
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            check(e, a, f"{where}[{i}]")
    else:
        assert actual == expected, f"{where}: expected {expected!r}, got {actual!r}"


def test_every_input_has_its_expectation():
    assert len(CASES) >= 6
    for case in CASES:
        assert case.with_suffix(".json").exists(), f"{case.name} has no .json"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden(case: Path):
    result = parse_plan(case.read_text(encoding="utf-8"))
    expected = json.loads(case.with_suffix(".json").read_text(encoding="utf-8"))
    json.dumps(result)  # serialisable, as import_plan --json prints it
    for key in list(expected):
        if key.endswith("_count"):
            field = key.removesuffix("_count")
            assert len(result[field]) == expected.pop(key), f"{case.stem}: {field} count"
    for needle in expected.pop("warnings_contain", []):
        assert any(needle in w for w in result["warnings"]), (case.stem, needle, result["warnings"])
    for needle in expected.pop("warnings_absent", []):
        assert not any(needle in w for w in result["warnings"]), (case.stem, needle)
    check(expected, result, case.stem)
