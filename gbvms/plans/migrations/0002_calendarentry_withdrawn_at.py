"""The calendar is rebuilt by difference: a date that an edit removed but whose reminders were
already sent is withdrawn (kept, with its sent reminders) instead of deleted; deleting a
requirement or an event leaves its dates to that rebuild (SET_NULL instead of CASCADE)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_plans_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarentry",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="calendarentry",
            name="requirement",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="entries",
                to="plans.reportingrequirement",
            ),
        ),
        migrations.AlterField(
            model_name="calendarentry",
            name="event",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="entries",
                to="plans.planevent",
            ),
        ),
    ]
