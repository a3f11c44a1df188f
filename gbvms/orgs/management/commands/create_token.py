from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gbvms.orgs.models import User
from gbvms.orgs.services import token_create


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (shown once, stored hashed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="a label for the token")
        parser.add_argument(
            "--allow-second-factor-role",
            action="store_true",
            help="issue a token although the user's role requires a second factor (a token "
            "skips it); written to the access log",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']!r}")
        try:
            _, raw = token_create(
                actor=None,
                user=user,
                name=options["name"],
                allow_second_factor_role=options["allow_second_factor_role"],
            )
        except ValidationError as exc:
            if getattr(exc, "code", "") != "second_factor_role":
                raise CommandError(" ".join(exc.messages)) from exc
            raise CommandError(
                f"{options['username']!r}: a role of this user requires a second factor, which "
                "a token skips; use a user without such a role, or pass "
                "--allow-second-factor-role if this is really needed (it is logged)"
            ) from exc
        self.stdout.write(raw)
