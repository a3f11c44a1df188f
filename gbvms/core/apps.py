from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gbvms.core"
    label = "core"
    verbose_name = "Lõi hệ thống"

    def ready(self) -> None:
        from gbvms.core import checks  # noqa: F401  (registers the system checks)
