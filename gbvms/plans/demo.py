"""Demo plan: a synthetic province plan (gbvms/plans/data/demo_plan.md) read by the importer
and saved as the demo programme officer would after review, with its agencies linked."""

from __future__ import annotations

from pathlib import Path

from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import User
from gbvms.plans import services
from gbvms.plans.models import Plan

DEMO_PLAN = Path(__file__).parent / "data" / "demo_plan.md"
NUMBER = "01/KH-DEMO"


def demo_plan_load() -> Plan | None:
    if Plan.objects.filter(document_number=NUMBER).exists():
        return None
    officer = User.objects.get(username="officer")
    province = AdminUnit.objects.get(level="province", code="51", valid_to__isnull=True)
    started = services.import_start(
        actor=officer,
        name=DEMO_PLAN.name,
        text=DEMO_PLAN.read_text(encoding="utf-8"),
        unit=province,
    )
    index = services.AgencyIndex(province)
    choices = services.AgencyChoices()
    for name in services.names_in(started.result):
        if (agency := index.match(name)) is not None:
            choices.matched[name] = agency
    result = started.result
    for target in result.get("targets", []):  # the officer confirms the proposed indicators
        target["indicator_confirmed"] = bool(target.get("indicator"))
    return services.import_confirm(
        actor=officer, plan_import=started, result=result, choices=choices
    )


def demo_lines(options: dict[str, object]) -> list[str]:
    plan = demo_plan_load()
    if plan is None:
        return ["demo: plan 01/KH-DEMO already loaded"]
    return [
        f"demo: plan {NUMBER} with {plan.activities.count()} activities, "
        f"{plan.assignments.count()} agency tasks, {plan.calendar.count()} calendar dates"
    ]
