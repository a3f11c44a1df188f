from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gbvms.api"
    label = "api"
    verbose_name = "API"
