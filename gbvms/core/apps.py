from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gbvms.core"
    label = "core"
    verbose_name = "Lõi hệ thống"
