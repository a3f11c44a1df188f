"""Free text of case records encrypted at rest: the columns become EncryptedTextField (the
hotline Form 03 content an EncryptedJSONField) and the rows already stored are encrypted.

The encryption is the field's own: the historical model keeps the custom field class, so an
``update()`` of the plain value goes through its ``get_prep_value``. Plain values are read with
a CAST (which skips the field's decryption). Backwards, the values are decrypted and written
back as plain text before the columns go back to their old types."""

import json

from django.db import migrations, models
from django.db.models.functions import Cast

import gbvms.core.fields

APP = "cases"
FIELDS = [
    ("casetransfer", "reason"),
    ("casetransfer", "decline_reason"),
    ("consent", "exception_reason"),
    ("intervention", "outcome"),
    ("perpetrator", "occupation"),
    ("protectivemeasure", "outcome"),
    ("protectivemeasure", "refusal_reason"),
    ("report", "form03"),
    ("survivor", "ethnicity"),
]
JSON_FIELDS = {("report", "form03")}


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
        ("cases", "0006_consent_expires_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="casetransfer",
            name="decline_reason",
            field=gbvms.core.fields.EncryptedTextField(
                blank=True, max_length=500, verbose_name="lý do từ chối"
            ),
        ),
        migrations.AlterField(
            model_name="casetransfer",
            name="reason",
            field=gbvms.core.fields.EncryptedTextField(max_length=500, verbose_name="lý do chuyển"),
        ),
        migrations.AlterField(
            model_name="consent",
            name="exception_reason",
            field=gbvms.core.fields.EncryptedTextField(
                blank=True, max_length=500, verbose_name="lý do ngoại lệ"
            ),
        ),
        migrations.AlterField(
            model_name="intervention",
            name="outcome",
            field=gbvms.core.fields.EncryptedTextField(
                blank=True, max_length=500, verbose_name="kết quả"
            ),
        ),
        migrations.AlterField(
            model_name="perpetrator",
            name="occupation",
            field=gbvms.core.fields.EncryptedTextField(
                blank=True, max_length=60, verbose_name="nghề nghiệp"
            ),
        ),
        migrations.AlterField(
            model_name="protectivemeasure",
            name="outcome",
            field=gbvms.core.fields.EncryptedTextField(
                blank=True, max_length=500, verbose_name="kết quả"
            ),
        ),
        migrations.AlterField(
            model_name="protectivemeasure",
            name="refusal_reason",
            field=gbvms.core.fields.EncryptedTextField(
                blank=True, max_length=500, verbose_name="lý do từ chối"
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="form03",
            field=gbvms.core.fields.EncryptedJSONField(
                blank=True, default=dict, verbose_name="nội dung Mẫu số 03 (đường dây nóng)"
            ),
        ),
        migrations.AlterField(
            model_name="survivor",
            name="ethnicity",
            field=gbvms.core.fields.EncryptedTextField(
                blank=True, max_length=60, verbose_name="dân tộc"
            ),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
