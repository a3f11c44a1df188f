"""The programme indicators P01–P09 (REPORTING §A.4), source "programme", version 1."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[1] / "data" / "catalogue_programme.json"
FIELDS = ["name_vi", "name_en", "kind", "count_unit", "disaggregations", "period_types",
          "min_level", "direction", "order"]  # fmt: skip


def load(apps, schema_editor):
    indicator = apps.get_model("indicators", "Indicator")
    version = apps.get_model("indicators", "IndicatorVersion")
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        ind, _ = indicator.objects.update_or_create(
            code=row["code"],
            defaults={"source": "programme", **{f: row[f] for f in FIELDS}},
        )
        version.objects.get_or_create(
            indicator=ind,
            number=1,
            defaults={
                "params": row["params"],
                "numerator": row["numerator"],
                "denominator": row["denominator"],
                "status": "current",
            },
        )


def unload(apps, schema_editor):
    indicator = apps.get_model("indicators", "Indicator")
    version = apps.get_model("indicators", "IndicatorVersion")
    codes = [row["code"] for row in json.loads(DATA.read_text(encoding="utf-8"))]
    version.objects.filter(indicator__code__in=codes).delete()
    indicator.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0005_longer_codes")]
    operations = [migrations.RunPython(load, unload)]
