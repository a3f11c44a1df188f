from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gbvms.core.rotation import rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the primary key (the first of GBVMS_FIELD_KEYS). "
        "Put the new key first, keep the old ones after it, run this, then drop the old keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        for label, column, count in rotate_all(batch_size=options["batch_size"]):
            self.stdout.write(f"{label}.{column}: {count} value(s) re-encrypted")
        self.stdout.write("done")
