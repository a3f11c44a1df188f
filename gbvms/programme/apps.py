from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "gbvms.programme"
    label = "programme"
    verbose_name = "Thực hiện chương trình"

    def ready(self) -> None:
        from gbvms.core import demo, scoping
        from gbvms.programme import models
        from gbvms.programme.demo import demo_lines
        from gbvms.programme.selectors import (
            evidence_need_to_know,
            recommendation_need_to_know,
            record_need_to_know,
        )

        record_permissions = {"programme.view", "programme.record", "programme.manage"}
        # a record: programme.view / programme.manage over its unit's subtree; the members of
        # its lead agency who hold programme.record (recording for the subtree needs manage)
        # a record's history rows (read on its page, after the record itself) by the same rule;
        # an inspection's history keeps its link to a case
        records = (models.Campaign, models.Event, models.ProgrammeModel, models.Inspection,
                   models.BudgetLine)  # fmt: skip
        for model in records + tuple(m.history.model for m in records):
            scoping.register(
                model,
                unit_path="unit__path",
                need_to_know=record_need_to_know,
                subtree_permission={"programme.record": "programme.manage"},
                permissions=record_permissions,
            )
        for model, parent in (
            (models.TrainingDetail, "event"),
            (models.TrainingParticipation, "event"),
            (models.ModelStatusChange, "model"),
            (models.ModelEvaluation, "model"),
            (models.Finding, "inspection"),
            (models.Expenditure, "budget_line"),
        ):
            scoping.register(model, via=parent, permissions=record_permissions)
        # a recommendation: with its inspection, and for the agency that must act on it
        scoping.register(
            models.Recommendation,
            via="inspection",
            need_to_know=recommendation_need_to_know,
            permissions=record_permissions,
        )
        scoping.register(
            models.TrainingRequirement, via="plan", permissions={"plans.view", "plans.manage"}
        )
        # evidence (attendance lists hold names): the recording agency's members only
        scoping.register(
            models.Evidence, need_to_know=evidence_need_to_know, permissions={"programme.record"}
        )
        demo.register("programme", demo_lines)
