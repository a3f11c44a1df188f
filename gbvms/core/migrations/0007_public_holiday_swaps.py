"""Public holidays come from the maintained ``holidays`` calendar; the table keeps only the
government's announcements (extra days off and weekend days worked in exchange).

The 2026 rows seeded by 0005 (Tết Bính Ngọ 16–20/02 and the Hùng Kings' commemoration 26/04)
are in that calendar, so they are removed (only rows still exactly as seeded; an administrator's
own rows stay). Backwards, they are seeded again.
"""

from django.db import migrations, models

SEEDED_2026 = [
    ("2026-02-16", "Tết Nguyên đán"),
    ("2026-02-17", "Tết Nguyên đán (mùng 1)"),
    ("2026-02-18", "Tết Nguyên đán (mùng 2)"),
    ("2026-02-19", "Tết Nguyên đán (mùng 3)"),
    ("2026-02-20", "Tết Nguyên đán (mùng 4)"),
    ("2026-04-26", "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
]
SOURCE = "Bộ luật Lao động 2019, Điều 112"


def remove_calendar_days(apps, schema_editor):
    holiday = apps.get_model("core", "PublicHoliday")
    for day, name in SEEDED_2026:
        holiday.objects.filter(date=day, name=name, source=SOURCE).delete()


def restore_calendar_days(apps, schema_editor):
    holiday = apps.get_model("core", "PublicHoliday")
    for day, name in SEEDED_2026:
        holiday.objects.get_or_create(date=day, defaults={"name": name, "source": SOURCE})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_accesslog_reason_detail"),
    ]

    operations = [
        migrations.AddField(
            model_name="publicholiday",
            name="kind",
            field=models.CharField(
                choices=[
                    ("day_off", "Ngày nghỉ (nghỉ bù, hoán đổi)"),
                    ("working_day", "Ngày làm việc bù (hoán đổi)"),
                ],
                default="day_off",
                max_length=12,
                verbose_name="loại",
            ),
        ),
        migrations.RunPython(remove_calendar_days, restore_calendar_days),
    ]
