"""How long the plan importer takes on a long document.

    .venv/bin/python bench/plans.py [--pages 50]

Builds a document of at least N pages (about 3,000 characters a page) by repeating the test
province plan and its variations, reads it 5 times and prints the figures; the last line is
JSON. The target is under 2 seconds for a 50-page plan.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gbvms.settings")
os.environ.setdefault("GBVMS_DEBUG", "1")  # development keys; nothing is read or written
django.setup()

from gbvms.plans.importer import parse_plan  # noqa: E402

PAGE = 3000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()
    fixtures = ROOT / "tests" / "plans" / "fixtures"
    parts = [p.read_text(encoding="utf-8") for p in sorted(fixtures.rglob("*.txt"))]
    parts += [p.read_text(encoding="utf-8") for p in sorted(fixtures.glob("*.md"))]
    # one long document: the closing blocks ("Nơi nhận", signatures) of the parts are neutralised
    body = "\n".join(parts).replace("Nơi nhận:", "Ghi chú:").replace("TM.", "T.M")
    text = body
    while len(text) < args.pages * PAGE:
        text += "\n" + body
    times = []
    for _ in range(5):
        started = time.perf_counter()
        result = parse_plan(text)
        times.append(time.perf_counter() - started)
    pages = len(text) // PAGE
    print(f"{pages} pages ({len(text):,} characters, {text.count(chr(10)):,} lines)")
    print(f"activities {len(result['activities'])}, targets {len(result['targets'])}")
    figures = {
        "pages": pages,
        "characters": len(text),
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
