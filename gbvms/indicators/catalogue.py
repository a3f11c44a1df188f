"""The indicator catalogue as data: the response indicators (REPORTING §A.3) in
gbvms/indicators/data/catalogue_v1.json and the programme indicators (§A.4, source
"programme") in catalogue_programme.json. Migrations load them; a definition or parameter
change is a new version (a new file and migration, then ``rebuild_indicators``), never an edit
of these."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
FILES = ("catalogue_v1.json", "catalogue_programme.json")


@cache
def definitions() -> dict[str, dict[str, Any]]:
    rows = []
    for name in FILES:
        rows += json.loads((DATA / name).read_text(encoding="utf-8"))
    return {row["code"]: row for row in rows}


def family(code: str) -> str:
    return definitions()[code]["family"]
