"""Read a plan document (text, Markdown, DOCX or PDF) and print what was extracted."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gbvms.plans.documents import UnreadableDocumentError, read_document
from gbvms.plans.importer import parse_plan


class Command(BaseCommand):
    help = (
        "Extract a plan's title, issuer, targets, activities, agencies, reporting and events "
        "from PATH (.txt, .md, .docx or a text .pdf). Nothing is saved: review and save from "
        "/plans/import/."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--json", action="store_true", help="print the extracted data as one JSON object"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            text = read_document(path.name, data)
        except UnreadableDocumentError as exc:
            raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        result = parse_plan(text)
        elapsed = time.perf_counter() - started
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{result['title']}")
        self.stdout.write(
            f"  issuer: {result['issuer'] or '—'} · number: {result['document_number'] or '—'}"
            f" · issued: {result['issued_on'] or '—'}"
        )
        p = result["period"]
        self.stdout.write(f"  period: {p['start_year'] or '?'}–{p['end_year'] or '?'}")
        for key in ("basis", "targets", "activities", "responsibilities", "reporting", "events"):
            self.stdout.write(f"  {key}: {len(result[key])}")
        for warning in result["warnings"]:
            self.stdout.write(self.style.WARNING(f"  ! {warning}"))
        self.stdout.write(f"  read in {elapsed * 1000:.0f} ms (use --json for everything)")
