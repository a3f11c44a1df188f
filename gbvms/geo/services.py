"""Loading the administrative-unit data files (idempotent, in one transaction)."""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from gbvms.core.text import fold
from gbvms.geo.models import AdminUnit

DATA_DIR = Path(__file__).resolve().parent / "data"
UNITS_CSV = DATA_DIR / "units.csv"
SOURCE = "vietnam-provinces 2026.9.0 (NSO danhmuchanhchinh.nso.gov.vn); see geo/data/SOURCE.md"
FIELDS = ["name", "kind", "valid_from", "valid_to", "search_name", "source", "retrieved_on"]


@dataclass
class LoadResult:
    created: int
    updated: int
    unchanged: int


def _date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


Key = tuple[str, str, str]  # level, code, valid_to ("" for current units)


def _key(level: str, code: str, valid_to: datetime.date | None) -> Key:
    return (level, code, valid_to.isoformat() if valid_to else "")


def _mark(valid_to: str) -> str:
    """Path prefix of an era: '' current, 'h' abolished 2025-06-30, 'h20241231-' other dates."""
    if not valid_to:
        return ""
    return "h" if valid_to == "2025-06-30" else "h" + valid_to.replace("-", "") + "-"


def _path(row: dict[str, str], rows: dict[Key, dict[str, str]]) -> str:
    era = row["valid_to"]
    mark = _mark(era)
    parts = [mark + row["code"]]
    parent_level = {"commune": "district" if era else "province", "district": "province"}
    node = row
    while node["parent_code"]:
        node = rows[(parent_level[node["level"]], node["parent_code"], era)]
        parts.append(mark + node["code"])
    return "/" + "/".join(reversed(parts)) + "/"


def read_rows(path: Path = UNITS_CSV) -> dict[Key, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {(r["level"], r["code"], r["valid_to"]): r for r in csv.DictReader(handle)}


def _retrieved_on() -> datetime.date | None:
    source = DATA_DIR / "SOURCE.md"
    for line in source.read_text(encoding="utf-8").splitlines() if source.exists() else []:
        if line.lower().startswith("retrieved:"):
            return _date(line.split(":", 1)[1].strip())
    return None


@transaction.atomic
def units_load(*, path: Path = UNITS_CSV) -> LoadResult:
    """Create or update every unit in the file; never deletes (codes are never reused)."""
    rows = read_rows(path)
    retrieved = _retrieved_on()
    existing = {_key(u.level, u.code, u.valid_to): u for u in AdminUnit.objects.all()}
    to_create, to_update, unchanged = [], [], 0
    for key, row in rows.items():
        values = {
            "name": row["name"],
            "kind": row["kind"],
            "valid_from": _date(row["valid_from"]),
            "valid_to": _date(row["valid_to"]),
            "search_name": fold(row["name"]),
            "source": SOURCE,
            "retrieved_on": retrieved,
            "path": _path(row, rows),
        }
        unit = existing.get(key)
        if unit is None:
            to_create.append(AdminUnit(level=row["level"], code=row["code"], **values))
        elif any(getattr(unit, f) != v for f, v in values.items()):
            for field, value in values.items():
                setattr(unit, field, value)
            to_update.append(unit)
        else:
            unchanged += 1
    AdminUnit.objects.bulk_create(to_create, batch_size=1000)
    AdminUnit.objects.bulk_update(to_update, [*FIELDS, "path"], batch_size=1000)
    _link(rows)
    return LoadResult(created=len(to_create), updated=len(to_update), unchanged=unchanged)


def _link(rows: dict[Key, dict[str, str]]) -> None:
    """Set parents and successors from the file (idempotent)."""
    by_path = {u.path: u for u in AdminUnit.objects.only("id", "path", "parent_id")}
    by_key = {
        _key(u.level, u.code, u.valid_to): u
        for u in AdminUnit.objects.only("id", "level", "code", "valid_to", "path", "parent_id")
    }
    parents_changed = []
    for unit in by_path.values():
        parent_path = unit.path.rsplit("/", 2)[0] + "/"
        parent = by_path.get(parent_path) if parent_path != "/" else None
        parent_id = parent.pk if parent else None
        if unit.parent_id != parent_id:
            unit.parent_id = parent_id
            parents_changed.append(unit)
    AdminUnit.objects.bulk_update(parents_changed, ["parent"], batch_size=1000)
    through = AdminUnit.successors.through
    wanted = set()
    for key, row in rows.items():
        if not row["successor_codes"]:
            continue
        successor_level = "province" if key[0] == "province" else "commune"
        source = by_key[key]
        for succ in row["successor_codes"].split(";"):
            wanted.add((source.pk, by_key[(successor_level, succ, "")].pk))
    have = set(through.objects.values_list("from_adminunit_id", "to_adminunit_id"))
    through.objects.bulk_create(
        [through(from_adminunit_id=a, to_adminunit_id=b) for a, b in wanted - have],
        batch_size=2000,
    )
    stale = have - wanted
    for a, b in stale:
        through.objects.filter(from_adminunit_id=a, to_adminunit_id=b).delete()
