from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gbvms.core.demo import loaders


class Command(BaseCommand):
    help = "Load the demo province (Quảng Ngãi): agencies, one user per role, synthetic cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cases", type=int, default=2000, help="synthetic demo cases (18 months of work)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_ALLOWED:
            raise CommandError("demo data is refused: set GBVMS_DEBUG=1 or GBVMS_DEMO_ALLOWED=1")
        try:
            with transaction.atomic():
                for _name, loader in loaders():
                    for line in loader(options):
                        self.stdout.write(line)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
