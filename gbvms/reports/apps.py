from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "gbvms.reports"
    label = "reports"
    verbose_name = "Báo cáo"

    def ready(self) -> None:
        from gbvms.core import demo, scoping
        from gbvms.reports import models
        from gbvms.reports.demo import demo_lines
        from gbvms.reports.selectors import obligation_need_to_know, submission_need_to_know

        report_permissions = {"reports.submit", "reports.approve"}
        # a submission: its submitter agency's reporters (drafts too); its recipient agency's
        # approvers once it has been submitted (selectors.py)
        scoping.register(
            models.Submission,
            need_to_know=submission_need_to_know,
            permissions=report_permissions,
        )
        for model in (models.SubmissionVersion, models.Transition, models.Attachment):
            scoping.register(model, via="submission", permissions=report_permissions)
        demo.register("reports", demo_lines)
        scoping.register(
            models.DocumentRecord, via="submission_version", permissions=report_permissions
        )
        # an obligation: either side's reporters; programme officers over the submitter's unit
        scoping.register(
            models.ReportingObligation,
            unit_path="submitter_unit__path",
            need_to_know=obligation_need_to_know,
            subtree_permission={
                "reports.submit": "plans.manage",
                "reports.approve": "plans.manage",
            },
            permissions={*report_permissions, "plans.view", "plans.manage"},
        )
