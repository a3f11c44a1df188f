from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gbvms.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write an encrypted backup (GBVMS_BACKUP_KEY) of the database and the stored files to "
        "PATH: a consistent snapshot, a manifest and checksums (docs/backup.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the archive to write (must not exist)")
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.monotonic()
        try:
            manifest = backup_create(options["path"], using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        entries = manifest["entries"]
        total = sum(e["size"] for e in entries)
        self.stdout.write(
            f"backup written to {options['path']}: database ({manifest['database_vendor']}, "
            f"{entries[0]['size']} bytes), {len(entries) - 1} stored file(s), {total} bytes "
            f"in all, in {time.monotonic() - start:.1f} s"
        )
        if manifest["files_gone"]:
            self.stdout.write(
                f"{len(manifest['files_gone'])} file(s) were deleted while the backup ran"
            )
