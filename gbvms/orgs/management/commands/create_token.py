from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gbvms.orgs.models import User
from gbvms.orgs.services import token_create


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (shown once, stored hashed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="a label for the token")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']!r}")
        _, raw = token_create(actor=None, user=user, name=options["name"])
        self.stdout.write(raw)
