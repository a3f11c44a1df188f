"""Synthetic demo cases in the demo province: invented names, never real people."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from gbvms.cases import services
from gbvms.cases.classification import QUESTIONS, RELATIONSHIPS
from gbvms.cases.models import Case, Channel
from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import User

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Y", "A"]
MIDDLE = ["Thị", "Thị", "Thị", "Văn", "Ngọc", "Thu", "Hồng", "Kim"]
GIVEN = ["Lan", "Hoa", "Mai", "Hương", "Nhung", "Thảo", "Linh", "Hà", "Bích", "Dung", "H'Lin",
         "Y Nơ", "Trang", "Vân", "Yến", "Tuyết"]  # fmt: skip


def _answers(rng: random.Random) -> dict[str, bool]:
    yes_at = rng.choices(range(len(QUESTIONS) + 1), weights=[8, 10, 40, 3, 12, 22, 5])[0]
    answers = {}
    for index, question in enumerate(QUESTIONS):
        answers[question.code] = index == yes_at
        if index == yes_at:
            break
    return answers


@transaction.atomic
def demo_cases_load(*, count: int = 300, seed: int = 2026) -> int:
    """Open ``count`` synthetic cases through the intake service (idempotent by count)."""
    existing = Case.objects.unscoped().filter(unit__path__startswith="/51/").count()
    if existing >= count:
        return 0
    rng = random.Random(seed + existing)  # noqa: S311 (synthetic data, not security)
    hotline = User.objects.get(username="hotline")
    communes = list(AdminUnit.objects.current().filter(level="commune", path__startswith="/51/"))
    local = [c for c in communes if c.code in {"23293", "23401"}]
    now = timezone.now()
    for _ in range(count - existing):
        commune = rng.choice(local) if rng.random() < 0.6 else rng.choice(communes)
        detected = now - datetime.timedelta(days=rng.randint(0, 600), hours=rng.randint(0, 23))
        occurred = timezone.localdate(detected) - datetime.timedelta(days=rng.randint(0, 40))
        services.case_open(
            actor=hotline,
            survivor=services.SurvivorData(
                full_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                phone=f"09{rng.randint(10000000, 99999999)}",
                birth_year=rng.randint(1960, 2012),
                sex="female" if rng.random() < 0.9 else "male",
            ),
            channel=rng.choice(Channel.values),
            commune=commune,
            detected_at=detected,
            incident=services.IncidentData(
                occurred_on=occurred,
                answers=_answers(rng),
                relationships=[rng.choice(list(RELATIONSHIPS))],
            ),
            immediate_danger=rng.random() < 0.1,
        )
    return count - existing


def demo_lines(options: dict[str, object]) -> list[str]:
    created = demo_cases_load(count=int(options.get("cases") or 0))  # type: ignore[call-overload]
    return [f"demo: {created} synthetic cases added (invented names only)"]
