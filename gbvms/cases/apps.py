from django.apps import AppConfig

CASE_CHILDREN = (
    "CaseAssignment",
    "Incident",
    "Consent",
    "RiskAssessment",
    "SafetyPlan",
    "Need",
    "ServiceRecord",
    "FollowUp",
    "ProtectiveMeasure",
    "Intervention",
    "Report",
    "CaseNote",
    "CaseFileChange",
    "ClosureRequest",
)


class CasesConfig(AppConfig):
    name = "gbvms.cases"
    label = "cases"
    verbose_name = "Vụ việc"

    def ready(self) -> None:
        from gbvms.cases import models
        from gbvms.cases.demo import demo_lines
        from gbvms.cases.selectors import case_need_to_know
        from gbvms.cases.services_transfer import transfer_need_to_know
        from gbvms.core import demo, scoping

        # Need-to-know: assigned workers see their cases; seeing every case of a unit subtree
        # needs cases.supervise there. Statisticians and programme officers see none.
        case_permissions = {"cases.view", "cases.edit", "cases.supervise"}
        scoping.register(
            models.Case,
            unit_path="unit__path",
            need_to_know=case_need_to_know,
            subtree_permission={"cases.view": "cases.supervise", "cases.edit": "cases.supervise"},
            permissions=case_permissions,
        )
        # everything that hangs off a case is visible with its case
        for child in CASE_CHILDREN:
            scoping.register(getattr(models, child), via="case", permissions=case_permissions)
        scoping.register(models.Survivor, via="cases", permissions=case_permissions)
        scoping.register(models.Perpetrator, via="incident", permissions=case_permissions)
        scoping.register(models.CaseNoteRevision, via="note", permissions=case_permissions)
        # a transfer: the sending side through the case, the receiving agency's workers
        scoping.register(
            models.CaseTransfer,
            via="case",
            need_to_know=transfer_need_to_know,
            permissions=case_permissions,
        )
        demo.register("cases", demo_lines)
        from gbvms.cases.services_care import CLOSURE_REASONS
        from gbvms.core.models import register_reason_labels

        register_reason_labels(CLOSURE_REASONS)  # the access log shows the label of the code
