from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from gbvms.api.api import api

DEFAULT = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def openapi_document() -> str:
    return json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI document to docs/openapi.json (CI checks it is up to date)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(DEFAULT))

    def handle(self, *args: Any, **options: Any) -> None:
        Path(options["output"]).write_text(openapi_document(), encoding="utf-8")
        self.stdout.write(f"wrote {options['output']}")
