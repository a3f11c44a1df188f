from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "gbvms.plans"
    label = "plans"
    verbose_name = "Kế hoạch"

    def ready(self) -> None:
        from gbvms.core import demo, scoping
        from gbvms.plans.demo import demo_lines
        from gbvms.plans.models import Assignment, Plan
        from gbvms.plans.selectors import assignment_need_to_know, plan_need_to_know

        # a plan belongs to the unit that issued it; national documents have none
        scoping.register(Plan, unit_path="unit__path", need_to_know=plan_need_to_know)
        # a task: the assigned agency's members, and plans.view/manage over the agency's unit
        scoping.register(
            Assignment,
            unit_path="agency__unit__path",
            need_to_know=assignment_need_to_know,
            permissions={"plans.view", "plans.manage"},
        )
        demo.register("plans", demo_lines)
