#!/usr/bin/env python3
"""Build gbvms/geo/data/units.csv: Viet Nam's administrative units, current and historical.

Source: the data files of the PyPI package ``vietnam-provinces`` (current list scraped from the
National Statistics Office, danhmuchanhchinh.nso.gov.vn; the pre-2025 list and the old→new
conversion tables). The package is GPL and needs Python 3.12, so it is never imported: its wheel
is downloaded and its data read as JSON and, for the Python data modules, parsed with ``ast``
(never executed). Only facts are kept: names and official codes of public units.

    python scripts/build_units.py [--wheel PATH]

Stdlib only. Fails loudly unless the counts match the official figures.
"""

from __future__ import annotations

import argparse
import ast
import csv
import datetime
import json
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

VERSION = "2026.9.0"
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "gbvms" / "geo" / "data"
CURRENT_FROM, HISTORICAL_TO = "2025-07-01", "2025-06-30"
KINDS = {
    "tỉnh": "tinh",
    "thành phố trung ương": "thanh_pho_tw",
    "xã": "xa",
    "phường": "phuong",
    "đặc khu": "dac_khu",
}
LEGACY_KINDS = {
    "TINH": "tinh",
    "THANH_PHO_TRUNG_UONG": "thanh_pho_tw",
    "HUYEN": "huyen",
    "QUAN": "quan",
    "THANH_PHO": "thanh_pho_thuoc_tinh",
    "THI_XA": "thi_xa",
    "XA": "xa",
    "THI_TRAN": "thi_tran",
    "PHUONG": "phuong",
}
WIDTH = {"province": 2, "district": 3, "commune": 5}
FIELDS = ["level", "code", "name", "kind", "parent_code", "valid_from", "valid_to"]
FIELDS.append("successor_codes")


def fetch_wheel(target: Path) -> Path:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    command += ["--python-version", "3.12", f"vietnam-provinces=={VERSION}", "-d", str(target)]
    subprocess.run(command, check=True, capture_output=True)
    return next(target.glob("vietnam_provinces-*.whl"))


def read_member(wheel: zipfile.ZipFile, name: str) -> str:
    return wheel.read(f"vietnam_provinces/{name}").decode("utf-8")


def dict_literal(source: str, variable: str) -> ast.Dict:
    for node in ast.parse(source).body:
        target = getattr(node, "target", None) or (getattr(node, "targets", [None]) or [None])[0]
        if isinstance(target, ast.Name) and target.id == variable:
            assert isinstance(node.value, ast.Dict)  # noqa: S101 (a data-format guard)
            return node.value
    raise SystemExit(f"{variable} not found in the package data")


def attr_code(node: ast.expr) -> str:
    assert isinstance(node, ast.Attribute)  # noqa: S101
    return node.attr.split("_", 1)[1]  # ProvinceCode.P_01 -> "01"


def legacy_rows(source: str) -> list[dict[str, str]]:
    rows = []
    for variable, level in [
        ("PROVINCE_MAPPING", "province"),
        ("DISTRICT_MAPPING", "district"),
        ("WARD_MAPPING", "commune"),
    ]:
        for call in dict_literal(source, variable).values:
            assert isinstance(call, ast.Call)  # noqa: S101
            args = call.args
            name = ast.literal_eval(args[0])
            kind_attr = args[2]
            assert isinstance(kind_attr, ast.Attribute)  # noqa: S101
            parent = attr_code(args[4]) if level != "province" else ""
            rows.append(row(level, attr_code(args[1]), name, LEGACY_KINDS[kind_attr.attr], parent))
    return rows


def row(level: str, code: str | int, name: str, kind: str, parent: str, current: bool = False):
    return {
        "level": level,
        "code": str(code).zfill(WIDTH[level]),
        "name": name,
        "kind": kind,
        "parent_code": parent,
        "valid_from": CURRENT_FROM if current else "",
        "valid_to": "" if current else HISTORICAL_TO,
        "successor_codes": "",
    }


def current_rows(nested: list[dict]) -> list[dict[str, str]]:
    rows = []
    for province in nested:
        pcode = str(province["code"]).zfill(2)
        kind = KINDS[province["division_type"]]
        rows.append(row("province", pcode, province["name"], kind, "", current=True))
        for ward in province["wards"]:
            wkind = KINDS[ward["division_type"]]
            rows.append(row("commune", ward["code"], ward["name"], wkind, pcode, current=True))
    return rows


def conversion(source: str) -> dict[int, list[int]]:
    """old code -> new codes, from an OLD_TO_NEW table of NamedTuple constructor calls."""
    mapping: dict[int, list[int]] = {}
    table = dict_literal(source, "OLD_TO_NEW")
    for key, call in zip(table.keys, table.values, strict=True):
        if not (isinstance(call, ast.Call) and isinstance(call.args[1], ast.Tuple)):
            raise SystemExit("unexpected OLD_TO_NEW entry format")
        new = [ast.literal_eval(ref.args[0]) for ref in call.args[1].elts]  # type: ignore[attr-defined]
        mapping[ast.literal_eval(key)] = sorted(new)
    return mapping


def link(rows: list[dict[str, str]], provinces: dict[int, list[int]], wards: dict[int, list[int]]):
    historical = [r for r in rows if r["valid_to"]]
    by_district: dict[str, set[str]] = {}
    for r in historical:
        if r["level"] == "province":
            r["successor_codes"] = ";".join(f"{c:02d}" for c in provinces.get(int(r["code"]), []))
        elif r["level"] == "commune":
            codes = {f"{c:05d}" for c in wards.get(int(r["code"]), [])}
            r["successor_codes"] = ";".join(sorted(codes))
            by_district.setdefault(r["parent_code"], set()).update(codes)
    special_zones = {
        r["name"].removeprefix("Đặc khu "): r["code"] for r in rows if r["kind"] == "dac_khu"
    }
    for r in historical:
        if r["level"] == "district":
            codes = by_district.get(r["code"], set())
            if not codes and r["name"].removeprefix("Huyện ") in special_zones:
                # island districts with no communes became special zones of the same name
                codes = {special_zones[r["name"].removeprefix("Huyện ")]}
            r["successor_codes"] = ";".join(sorted(codes))


def amendments() -> list[dict[str, str]]:
    """Earlier changes the package's lists do not carry (scripts/units_amendments.csv)."""
    with (ROOT / "scripts" / "units_amendments.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(line for line in handle if not line.startswith("#"))]
    return [{k: v for k, v in r.items() if k in FIELDS} for r in rows]


def era_of(r: dict[str, str]) -> str:
    if not r["valid_to"]:
        return "current"
    return "historical" if r["valid_to"] == HISTORICAL_TO else f"historical to {r['valid_to']}"


def validate(rows: list[dict[str, str]]) -> Counter:
    counts = Counter((r["level"], era_of(r)) for r in rows)
    if len(rows) < 14000:
        raise SystemExit(f"only {len(rows)} units read")
    kinds = Counter(r["kind"] for r in rows if not r["valid_to"] and r["level"] == "commune")
    expected = {("province", "current"): 34, ("commune", "current"): 3321}
    expected[("province", "historical")] = 63
    problems = [f"{k}: {counts[k]} != {v}" for k, v in expected.items() if counts[k] != v]
    if kinds != Counter({"xa": 2621, "phuong": 687, "dac_khu": 13}):
        problems.append(f"current commune kinds {dict(kinds)}")
    keys = {(r["level"], r["code"], r["valid_to"]) for r in rows}
    if len(keys) != len(rows):
        problems.append("duplicate (level, code, era)")
    parent_level = {"province": "", "district": "province", "commune": "district"}
    for r in rows:
        era = r["valid_to"]
        plevel = "province" if not era and r["level"] == "commune" else parent_level[r["level"]]
        if r["parent_code"] and (plevel, r["parent_code"], era) not in keys:
            problems.append(f"unresolved parent of {r['level']} {r['code']}")
        slevel = "province" if r["level"] == "province" else "commune"
        for code in filter(None, r["successor_codes"].split(";")):
            if (slevel, code, "") not in keys:
                problems.append(f"unresolved successor {code} of {r['level']} {r['code']}")
    if problems:
        raise SystemExit("validation failed:\n  " + "\n  ".join(problems[:20]))
    return counts


def write(rows: list[dict[str, str]], data_version: str, counts: Counter) -> None:
    order = {"province": 0, "district": 1, "commune": 2}
    rows.sort(key=lambda r: (order[r["level"]], r["valid_to"] != "", r["valid_to"], r["code"]))
    with (OUT / "units.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    kinds = Counter((r["kind"], era_of(r)) for r in rows)
    no_successor = sum(1 for r in rows if r["valid_to"] and not r["successor_codes"])
    lines = [f"- {level} ({era}): {n}" for (level, era), n in sorted(counts.items())]
    lines += [f"- kind {kind} ({era}): {n}" for (kind, era), n in sorted(kinds.items())]
    lines.append(f"- historical units without a recorded successor: {no_successor}")
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    (OUT / "SOURCE.md").write_text(SOURCE_TEXT.format(
        version=VERSION, data_version=data_version, today=today, counts="\n".join(lines)
    ), encoding="utf-8")  # fmt: skip


SOURCE_TEXT = """# Administrative units: source

`units.csv` lists Viet Nam's administrative units with their official codes: the 34 provinces
and 3,321 communes in force since 1 July 2025 (`valid_from` 2025-07-01), and the 63 provinces,
their districts and communes before that date (`valid_to` 2025-06-30), each historical unit
linked to the current units that took it over (`successor_codes`, `;`-separated). Changes
before 2025 that the package's lists do not carry are added from `scripts/units_amendments.csv`
(each with its legal source); island districts without communes are linked to the special zone
(đặc khu) of the same name.

Retrieved: {today}
Source: PyPI package `vietnam-provinces` {version} (data version {data_version}); its current list
is taken from the National Statistics Office's list (danhmuchanhchinh.nso.gov.vn), its
pre-2025 list and old→new conversion tables ship in the same wheel.
Licence note: the package is GPL-3.0-or-later; GBVMS neither imports nor redistributes it. This
file holds only facts derived from its data (names and codes of public administrative units).
Rebuild: `python scripts/build_units.py` (downloads the wheel with pip, reads its data without
executing it, validates the official counts, rewrites this file and `units.csv`).

Columns: level (province, district, commune), code (2, 3 or 5 digits), name, kind (tinh,
thanh_pho_tw, xa, phuong, dac_khu; historical huyen, quan, thi_xa, thanh_pho_thuoc_tinh,
thi_tran), parent_code (same era), valid_from, valid_to, successor_codes.

Counts:
{counts}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="an already downloaded wheel")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.wheel or fetch_wheel(Path(tmp))
        with zipfile.ZipFile(path) as wheel:
            nested = json.loads(read_member(wheel, "data/nested-divisions.json"))
            legacy = read_member(wheel, "legacy/_lookup.py")
            provinces = conversion(read_member(wheel, "_province_conversion_2025.py"))
            wards = conversion(read_member(wheel, "_ward_conversion_2025.py"))
            init = read_member(wheel, "__init__.py")
    data_version = next(
        line.split("=", 1)[1].strip().strip("'\"")
        for line in init.splitlines()
        if line.startswith("__data_version__")
    )
    rows = current_rows(nested) + legacy_rows(legacy)
    link(rows, provinces, wards)
    rows += amendments()
    counts = validate(rows)
    write(rows, data_version, counts)
    for (level, era), n in sorted(counts.items()):
        print(f"{level:9} {era:11} {n}")


if __name__ == "__main__":
    main()
