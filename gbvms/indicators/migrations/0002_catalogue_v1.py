import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[1] / "data" / "catalogue_v1.json"
FIELDS = ["name_vi", "name_en", "kind", "count_unit", "disaggregations", "period_types",
          "min_level", "direction", "order"]  # fmt: skip


def load(apps, schema_editor):
    indicator = apps.get_model("indicators", "Indicator")
    version = apps.get_model("indicators", "IndicatorVersion")
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        ind, _ = indicator.objects.update_or_create(
            code=row["code"],
            defaults={"source": "response", **{f: row[f] for f in FIELDS}},
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


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
