"""Recompute a random sample of cells from the raw case rows and report any mismatch."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gbvms.indicators.rebuild import audit


class Command(BaseCommand):
    help = "Audit stored indicator values against a recomputation from the raw case rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sample", type=int, default=20, help="(commune, year) leaves")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit(sample=options["sample"], seed=options["seed"])
        for line in result.mismatches:
            self.stderr.write(line)
        if result.mismatches:
            raise CommandError(f"{len(result.mismatches)} of {result.cells} cells differ")
        self.stdout.write(f"{result.cells} cells checked, no mismatch")
