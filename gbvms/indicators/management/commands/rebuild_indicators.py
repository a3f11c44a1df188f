"""Rebuild every indicator value from the raw case records into new versions, then switch."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gbvms.indicators.models import Indicator
from gbvms.indicators.rebuild import rebuild


class Command(BaseCommand):
    help = (
        "Rebuild facts and indicator values into new definition versions and switch to them "
        "atomically (old versions stay readable)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--indicator", action="append", default=[], metavar="CODE",
                            help="only this indicator (repeatable)")  # fmt: skip
        parser.add_argument(
            "--from-year",
            type=int,
            default=None,
            help="recompute from this year; earlier years are carried over",
        )
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="CODE.NAME=VALUE",
            help="a parameter of the new version, e.g. R02.in_time_hours=12",
        )

    def _params(self, items: list[str]) -> dict[str, dict[str, Any]]:
        params: dict[str, dict[str, Any]] = {}
        for item in items:
            try:
                key, raw = item.split("=", 1)
                code, name = key.split(".", 1)
            except ValueError:
                raise CommandError(f"--param {item!r}: write CODE.NAME=VALUE") from None
            try:
                value = json.loads(raw)
            except json.JSONDecodeError:
                value = raw
            params.setdefault(code, {})[name] = value
        return params

    def handle(self, *args: Any, **options: Any) -> None:
        codes = options["indicator"]
        known = set(Indicator.objects.values_list("code", flat=True))
        unknown = sorted(set(codes) - known)
        if unknown:
            raise CommandError(f"unknown indicator: {', '.join(unknown)}")
        params = self._params(options["param"])
        started = time.monotonic()

        def progress(done: int, total: int, what: str) -> None:
            width = 30
            filled = width * done // max(total, 1)
            self.stdout.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total} {what}",
                              ending="")  # fmt: skip
            if done >= total:
                self.stdout.write("")
            self.stdout.flush()

        versions = rebuild(codes=codes or None, from_year=options["from_year"], params=params,
                           progress=progress)  # fmt: skip
        names = ", ".join(f"{v.indicator.code} v{v.number}" for v in versions)
        self.stdout.write(f"rebuilt and switched to {names} in {time.monotonic() - started:.1f} s")
