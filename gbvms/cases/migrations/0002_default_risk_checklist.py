"""Seed the default risk checklist and thresholds (administrators may change them later)."""

from django.db import migrations

FACTORS = [
    # code, label, weight, critical
    ("threats_to_kill", "Người gây bạo lực đã đe dọa giết người bị hại hoặc con cái?", 3, True),
    ("weapon", "Người gây bạo lực đã dùng hoặc đe dọa dùng vũ khí, hung khí?", 3, True),
    ("strangulation", "Người bị hại đã từng bị bóp cổ, làm nghẹt thở?", 3, True),
    ("fears_for_life", "Người bị hại tin rằng mình có thể bị giết?", 3, True),
    ("escalation", "Bạo lực ngày càng thường xuyên hoặc nghiêm trọng hơn?", 2, False),
    ("separation", "Người bị hại vừa (hoặc đang định) rời bỏ người gây bạo lực?", 2, False),
    ("children_at_risk", "Trẻ em trong gia đình bị đe dọa hoặc chứng kiến bạo lực?", 2, False),
    ("pregnant", "Người bị hại đang mang thai hoặc nuôi con dưới 36 tháng tuổi?", 1, False),
    ("substance", "Người gây bạo lực thường say rượu hoặc dùng ma túy?", 1, False),
    ("controlling", "Người gây bạo lực kiểm soát, ghen tuông, theo dõi thường xuyên?", 1, False),
    ("no_safe_place", "Người bị hại không có nơi an toàn để đến?", 1, False),
]
THRESHOLDS = [("low", 0), ("medium", 3), ("high", 6), ("extreme", 10)]


def seed(apps, schema_editor):
    factor = apps.get_model("cases", "RiskFactor")
    threshold = apps.get_model("cases", "RiskThreshold")
    for order, (code, label, weight, critical) in enumerate(FACTORS):
        factor.objects.get_or_create(
            code=code,
            defaults={"label": label, "weight": weight, "critical": critical, "order": order},
        )
    for level, min_score in THRESHOLDS:
        threshold.objects.get_or_create(level=level, defaults={"min_score": min_score})


def unseed(apps, schema_editor):
    apps.get_model("cases", "RiskFactor").objects.filter(code__in=[f[0] for f in FACTORS]).delete()
    apps.get_model("cases", "RiskThreshold").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_cases_initial")]
    operations = [migrations.RunPython(seed, unseed)]
