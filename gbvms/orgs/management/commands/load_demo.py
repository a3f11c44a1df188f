from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from gbvms.orgs.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo province (Quảng Ngãi) with agencies and one user per role (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo_load()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"demo: {result.agencies} agencies in Tỉnh Quảng Ngãi (51)")
        self.stdout.write(f"demo accounts (password: {settings.DEMO_PASSWORD}):")
        for username, role, scope in result.users:
            self.stdout.write(f"  {username:<13} {role:<18} {scope}")
        self.stdout.write("  (admin must set up a TOTP second factor at first sign-in)")
