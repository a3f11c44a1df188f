"""The indicator catalogue (REPORTING §A.3), version 1, as data: gbvms/indicators/data/
catalogue_v1.json. A migration loads it; a definition or parameter change is a new version
(a new file and migration, then ``rebuild_indicators``), never an edit of this one."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


@cache
def definitions() -> dict[str, dict[str, Any]]:
    rows = json.loads((DATA / "catalogue_v1.json").read_text(encoding="utf-8"))
    return {row["code"]: row for row in rows}


def family(code: str) -> str:
    return definitions()[code]["family"]
