import django.db.models.deletion
import django.db.models.manager
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import gbvms.core.fields


def backfill_accepted(apps, schema_editor):
    """Assignments made before pick-up existed count as taken on when they were made."""
    assignment = apps.get_model("cases", "CaseAssignment")
    assignment._base_manager.filter(accepted_at__isnull=True).update(
        accepted_at=models.F("assigned_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_case_closed_at_case_closure_reason_case_duplicate_of"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="caseassignment",
            name="accepted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="nhận lúc"),
        ),
        migrations.AddField(
            model_name="caseassignment",
            name="assigned_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="caseassignment",
            name="ended_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="kết thúc lúc"),
        ),
        migrations.RunPython(backfill_accepted, migrations.RunPython.noop),
        migrations.CreateModel(
            name="ClosureRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.CharField(max_length=20, verbose_name="lý do đóng")),
                (
                    "explanation",
                    gbvms.core.fields.EncryptedTextField(
                        blank=True, max_length=500, verbose_name="giải thích"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Chờ duyệt"),
                            ("approved", "Đã duyệt đóng"),
                            ("returned", "Trả lại"),
                            ("withdrawn", "Đã rút"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="tình trạng",
                    ),
                ),
                ("requested_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "return_note",
                    gbvms.core.fields.EncryptedTextField(
                        blank=True, max_length=500, verbose_name="lý do trả lại"
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="closure_requests",
                        to="cases.case",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-requested_at", "-id"],
                "default_manager_name": "internal_objects",
                "indexes": [
                    models.Index(fields=["status", "requested_at"], name="closurerequest_status")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("case",),
                        name="closurerequest_one_pending",
                    )
                ],
            },
            managers=[
                ("internal_objects", django.db.models.manager.Manager()),
            ],
        ),
    ]
