from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "gbvms.orgs"
    label = "orgs"
    verbose_name = "Cơ quan và người dùng"

    def ready(self) -> None:
        from gbvms.core import demo, scoping
        from gbvms.core.models import AccessLog
        from gbvms.orgs.demo import demo_lines
        from gbvms.orgs.models import Agency, Membership, User

        scoping.register(Agency, unit_path="unit__path")
        scoping.register(Membership, unit_path="scope_unit__path")
        scoping.register(User, unit_path="memberships__scope_unit__path", distinct=True)
        scoping.register(AccessLog, unit_path="actor__memberships__scope_unit__path", distinct=True)
        demo.register("orgs", demo_lines)
