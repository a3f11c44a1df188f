from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gbvms.core import crypto
from gbvms.core.rotation import FileRotation, rotate_all, rotate_files


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field and every stored file (evidence files) with the primary "
        "key (the first of GBVMS_FIELD_KEYS). Put the new key first, keep the old ones after it, "
        "run this, then drop the old keys. Safe to stop and run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--progress-every", type=int, default=100, help="files between progress lines"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1 or options["progress_every"] < 1:
            raise CommandError("--batch-size and --progress-every must be at least 1")
        for label, column, count in rotate_all(batch_size=options["batch_size"]):
            self.stdout.write(f"{label}.{column}: {count} value(s) re-encrypted")
        state = FileRotation(total=0)
        for state in rotate_files(progress_every=options["progress_every"]):
            self.stdout.write(self._file_line(state))
        if state.failed:
            for blob in state.failed:
                self.stderr.write(
                    f"file {blob}: cannot be read (tampered, or its key is not listed)"
                )
            raise CommandError(
                f"{len(state.failed)} file(s) not re-encrypted: keep the old keys in "
                "GBVMS_FIELD_KEYS until they are dealt with"
            )
        self.stdout.write(f"done: everything is under key {crypto.primary_key_id()}")

    @staticmethod
    def _file_line(state: FileRotation) -> str:
        prefix = "files" if state.done else "files (in progress)"
        line = (
            f"{prefix}: {state.seen}/{state.total} checked, {state.rotated} re-encrypted, "
            f"{state.current} already current"
        )
        if state.missing:
            line += f", {state.missing} deleted meanwhile"
        if state.failed:
            line += f", {len(state.failed)} unreadable"
        return line
