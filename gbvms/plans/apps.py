from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "gbvms.plans"
    label = "plans"
    verbose_name = "Kế hoạch"

    def ready(self) -> None:
        from gbvms.core import demo, scoping
        from gbvms.plans.demo import demo_lines
        from gbvms.plans.models import Plan
        from gbvms.plans.selectors import plan_need_to_know

        # a plan belongs to the unit that issued it; national documents have none
        scoping.register(Plan, unit_path="unit__path", need_to_know=plan_need_to_know)
        demo.register("plans", demo_lines)
