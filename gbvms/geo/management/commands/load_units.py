from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gbvms.geo.models import AdminUnit
from gbvms.geo.services import units_load


class Command(BaseCommand):
    help = "Load the administrative units (current and historical) from geo/data/units.csv."

    def handle(self, *args: Any, **options: Any) -> None:
        result = units_load()
        current = AdminUnit.objects.current()
        self.stdout.write(
            f"units: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged; current: "
            f"{current.filter(level='province').count()} provinces, "
            f"{current.filter(level='commune').count()} communes; "
            f"historical: {AdminUnit.objects.historical().count()}"
        )
