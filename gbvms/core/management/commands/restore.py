from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gbvms.core.backup import BackupError, backup_check, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` into an empty database and files folder "
        "(or over what is there with --force). The whole archive is checked first: a damaged "
        "archive, a wrong key or another installation's backup is refused and nothing changes. "
        "Stop the app and the worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the archive to read")
        parser.add_argument("--database", default="default", help="database alias")
        parser.add_argument(
            "--force", action="store_true", help="replace a database and files that exist"
        )
        parser.add_argument(
            "--check", action="store_true", help="only check the archive; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.monotonic()
        action = backup_check if options["check"] else backup_restore
        try:
            checked = action(options["path"], using=options["database"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = checked.manifest
        verb = "checked" if options["check"] else "restored"
        self.stdout.write(
            f"{verb}: backup of {manifest['created_at']} (GBVMS {manifest['app_version']}, "
            f"{manifest['database_vendor']}), {len(manifest['entries']) - 1} stored file(s), "
            f"in {time.monotonic() - start:.1f} s"
        )
        if checked.pending_migrations:
            self.stdout.write(
                f"{len(checked.pending_migrations)} migration(s) of this version are not in the "
                "backup: run `python manage.py migrate` next"
            )
