"""The reason a help request was closed and the reason a referral was declined are encrypted at
rest (EncryptedTextField); the rows already stored are encrypted with the field's own
encryption (see cases 0007), and decrypted back when the migration is reversed."""

import json

from django.db import migrations, models
from django.db.models.functions import Cast

import gbvms.core.fields

APP = "referrals"
FIELDS = [
    ("helprequest", "closed_reason"),
    ("referral", "decline_reason"),
]
JSON_FIELDS = set()


def _is_ciphertext(value):
    parts = value.split("$")
    return len(parts) == 3 and parts[0] == "v1"


def encrypt_rows(apps, schema_editor):
    for model_name, field in FIELDS:
        manager = apps.get_model(APP, model_name)._base_manager
        rows = manager.annotate(_raw=Cast(field, models.TextField())).values_list("pk", "_raw")
        for pk, raw in list(rows):
            if raw is None or raw == "" or _is_ciphertext(raw):
                continue
            value = json.loads(raw) if (model_name, field) in JSON_FIELDS else raw
            manager.filter(pk=pk).update(**{field: value})  # encrypted by get_prep_value


def decrypt_rows(apps, schema_editor):
    for model_name, field in FIELDS:
        manager = apps.get_model(APP, model_name)._base_manager
        for pk, value in list(manager.values_list("pk", field)):  # decrypted by from_db_value
            if value is None or value == "":
                continue
            if (model_name, field) in JSON_FIELDS:
                value = json.dumps(value, ensure_ascii=False)
            plain = models.Value(value, output_field=models.TextField())  # skips encryption
            manager.filter(pk=pk).update(**{field: plain})


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_referral_access_end"),
    ]

    operations = [
        migrations.AlterField(
            model_name="helprequest",
            name="closed_reason",
            field=gbvms.core.fields.EncryptedTextField(
                blank=True, max_length=300, verbose_name="lý do đóng"
            ),
        ),
        migrations.AlterField(
            model_name="referral",
            name="decline_reason",
            field=gbvms.core.fields.EncryptedTextField(
                blank=True, max_length=500, verbose_name="lý do từ chối"
            ),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
