from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "gbvms.plans"
    label = "plans"
    verbose_name = "Plans"
