from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "gbvms.cases"
    label = "cases"
    verbose_name = "Vụ việc"

    def ready(self) -> None:
        from gbvms.cases.demo import demo_lines
        from gbvms.cases.models import Case
        from gbvms.cases.selectors import case_need_to_know
        from gbvms.core import demo, scoping

        # Need-to-know: assigned workers see their cases; seeing every case of a unit subtree
        # needs cases.supervise there. Statisticians and programme officers see none.
        scoping.register(
            Case,
            unit_path="unit__path",
            need_to_know=case_need_to_know,
            subtree_permission={"cases.view": "cases.supervise", "cases.edit": "cases.supervise"},
        )
        demo.register("cases", demo_lines)
