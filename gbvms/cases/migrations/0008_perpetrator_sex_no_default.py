"""Perpetrator sex has no default: what is not known is recorded as "unknown", never guessed.

Rows written by the classifier before this change got "male" by default, indistinguishable
from a chosen "male"; they are left as they are (no way to tell them apart)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_encrypt_free_text"),
    ]

    operations = [
        migrations.AlterField(
            model_name="perpetrator",
            name="sex",
            field=models.CharField(
                choices=[
                    ("female", "Nữ"),
                    ("male", "Nam"),
                    ("other", "Khác"),
                    ("unknown", "Không rõ"),
                ],
                max_length=8,
                verbose_name="giới tính",
            ),
        ),
    ]
